"""The collector's policy for many-connection processes (runtime/gc_policy.py): what outlives a second is
frozen out of the collector's reach, from the fleet's first charger on (issue 20)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.gc_policy import building_long_lived, keep_long_lived_out_of_gc
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.store import Store


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the collector reaches everything again after)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


class _Node:
    """A reference cycle, as a charger's objects are: only the cyclic collector frees one."""

    def __init__(self) -> None:
        self.me = self


async def test_what_lives_on_is_frozen_again_and_again() -> None:
    task = asyncio.create_task(keep_long_lived_out_of_gc(every_s=0.01))
    await asyncio.sleep(0)
    first = gc.get_freeze_count()
    assert first > 0
    kept = [_Node() for _ in range(1_000)]  # allocated after the first freeze
    await asyncio.sleep(0.05)
    assert gc.get_freeze_count() >= first + len(kept)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_garbage_that_dies_young_is_still_collected() -> None:
    task = asyncio.create_task(keep_long_lived_out_of_gc(every_s=60.0))
    await asyncio.sleep(0)  # the freeze before the cycle is made
    for _ in range(100):
        _Node()  # unreachable at once: only a collection frees it
    assert gc.collect() >= 100
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_fleet_freezes_while_it_ramps_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ramp-up is where a fleet's heap grows (15,000 chargers a worker): the policy runs from its start,
    not from the end of the ramp (the full collections of a worker's boot took up to seconds each)."""

    async def run(self: Station) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(Station, "run", run)
    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    for n in range(50):
        fleet.add(ChargerParams(f"G{n:03d}"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    runner = asyncio.create_task(fleet.run(ramp_per_s=1))  # the fake clock stands: the ramp waits
    for _ in range(5):
        await asyncio.sleep(0)
    assert not fleet.running  # still ramping up
    assert gc.get_freeze_count() > 0
    fleet.stop()
    await clock.advance(60)  # the ramp's wait ends, and it sees the stop
    await asyncio.wait_for(runner, 5)


def test_what_is_built_is_frozen_without_a_collection_meanwhile() -> None:
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with building_long_lived():
            assert not gc.isenabled()
            built = [_Node() for _ in range(5_000)]  # past every threshold
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(built)
    finally:
        gc.callbacks.remove(count)


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with building_long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
