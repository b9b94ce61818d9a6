"""A fleet process's clock (issue 20): at real speed its timers share 100 ms slots (a wake-up, a send
batch and a group commit per slot); sped up, the default grid, which is already 100 ms of simulated time
at 10x."""

from __future__ import annotations

from ocppsim.app.fleet import FLEET_GRID_S, fleet_clock
from ocppsim.runtime.clock import TIMER_GRID_S, ScaledClock, SystemClock


def test_a_fleet_at_real_speed_runs_on_the_coarse_grid() -> None:
    clock = fleet_clock(1)
    assert isinstance(clock, SystemClock)
    assert clock.grid == FLEET_GRID_S == 0.1


def test_a_sped_up_fleet_keeps_the_default_grid_of_real_time() -> None:
    clock = fleet_clock(60)
    assert isinstance(clock, ScaledClock)
    assert clock.speed == 60
    assert clock.grid == TIMER_GRID_S
