"""A fleet process's timer grid follows its load (issue 20): coarser for small fleets, where every timer
otherwise had a loop wake-up and a group commit of its own; never coarser than 100 ms."""

from __future__ import annotations

from ocppsim.app.fleet import fleet_timer_grid
from ocppsim.runtime.clock import TIMER_GRID_S


def test_a_10000_charger_process_keeps_the_default_grid() -> None:
    assert fleet_timer_grid(10_000) == TIMER_GRID_S
    assert fleet_timer_grid(15_000) == TIMER_GRID_S


def test_smaller_fleets_share_wake_ups_on_a_coarser_grid() -> None:
    assert fleet_timer_grid(5_000) == 0.02
    assert fleet_timer_grid(1_000) == 0.1


def test_never_coarser_than_100_ms() -> None:
    assert fleet_timer_grid(1) == 0.1
    assert fleet_timer_grid(0) == 0.1
