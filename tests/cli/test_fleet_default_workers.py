"""`ocppsim fleet`'s default worker count: by load, not one per core regardless (issue 20)."""

from __future__ import annotations

from ocppsim.cli.fleet import default_workers


def test_a_small_fleet_runs_in_one_process() -> None:
    assert default_workers(1, cores=8, descriptors=20_000) == 1
    assert default_workers(1_000, cores=2, descriptors=20_000) == 1
    assert default_workers(10_000, cores=2, descriptors=20_000) == 1


def test_a_worker_per_10000_chargers_up_to_the_cores() -> None:
    assert default_workers(10_001, cores=2, descriptors=100_000) == 2
    assert default_workers(50_000, cores=2, descriptors=100_000) == 2
    assert default_workers(50_000, cores=8, descriptors=100_000) == 5


def test_more_workers_than_cores_when_the_descriptors_ask_for_it() -> None:
    # 15,000 connections a process under a 20,000-descriptor limit.
    assert default_workers(100_000, cores=2, descriptors=20_000) == 7
    assert default_workers(16_000, cores=1, descriptors=20_000) == 2
