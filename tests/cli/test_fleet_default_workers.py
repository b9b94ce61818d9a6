"""`ocppsim fleet`'s default worker count: by load, not one per core regardless, under a descriptor limit
raised to the hard one (issue 20)."""

from __future__ import annotations

import resource

from ocppsim.cli.fleet import default_workers, raise_descriptor_limit


def test_a_small_fleet_runs_in_one_process() -> None:
    assert default_workers(1, cores=8, descriptors=20_000) == 1
    assert default_workers(1_000, cores=2, descriptors=20_000) == 1
    assert default_workers(10_000, cores=2, descriptors=20_000) == 1


def test_a_worker_per_10000_chargers_up_to_the_cores() -> None:
    assert default_workers(10_001, cores=2, descriptors=100_000) == 2
    assert default_workers(50_000, cores=2, descriptors=100_000) == 2
    assert default_workers(50_000, cores=8, descriptors=100_000) == 5


def test_more_workers_than_cores_when_the_descriptors_ask_for_it() -> None:
    # 18,000 connections a process under a 20,000-descriptor limit.
    assert default_workers(100_000, cores=2, descriptors=20_000) == 6
    assert default_workers(50_000, cores=2, descriptors=20_000) == 3
    assert default_workers(18_000, cores=1, descriptors=20_000) == 1
    assert default_workers(18_001, cores=1, descriptors=20_000) == 2


class _Limits:
    """The process's RLIMIT_NOFILE as the kernel keeps it: an unprivileged process may set its soft limit
    up to its hard one, and no higher."""

    def __init__(self, soft: int, hard: int, cap: int | None = None) -> None:
        self.soft, self.hard, self.cap = soft, hard, cap

    def get(self, which: int) -> tuple[int, int]:
        assert which == resource.RLIMIT_NOFILE
        return self.soft, self.hard

    def set(self, which: int, limits: tuple[int, int]) -> None:
        assert which == resource.RLIMIT_NOFILE
        soft, hard = limits
        if hard != self.hard or (hard != resource.RLIM_INFINITY and soft > hard):
            raise ValueError("not allowed")
        if self.cap is not None and soft > self.cap:
            raise OSError("above fs.nr_open")
        self.soft = soft


def test_the_descriptor_limit_is_raised_to_the_hard_one() -> None:
    limits = _Limits(1_024, 1_048_576)
    assert raise_descriptor_limit(limits.get, limits.set) == 1_048_576
    assert limits.soft == 1_048_576
    # So a 100,000-charger fleet needs no more workers than its cores would give it.
    assert default_workers(100_000, cores=2, descriptors=limits.soft) == 2


def test_a_soft_limit_at_the_hard_one_stays() -> None:
    limits = _Limits(20_000, 20_000)
    assert raise_descriptor_limit(limits.get, limits.set) == 20_000
    assert limits.soft == 20_000


def test_an_unlimited_hard_limit_is_capped_and_a_refusal_keeps_the_soft_one() -> None:
    limits = _Limits(1_024, resource.RLIM_INFINITY)
    assert raise_descriptor_limit(limits.get, limits.set) == 1 << 20
    refused = _Limits(1_024, resource.RLIM_INFINITY, cap=65_536)
    assert raise_descriptor_limit(refused.get, refused.set) == 1_024
    assert refused.soft == 1_024
