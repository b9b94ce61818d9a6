"""What a fleet's worker process carries (issue 20): its share of the charging chargers, and what it
spends on counting its chargers for the parent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from fleet_files import one_template

from ocppsim.control.fleet import run as run_module
from ocppsim.control.fleet.plan import chargers_of, shard_of
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet, FleetCounts
from ocppsim.runtime.station import StationOptions
from ocppsim.store import Store


@pytest.mark.parametrize(("workers", "share"), [(2, 0.5), (3, 0.5), (4, 0.25), (2, 0.3), (7, 0.5)])
def test_every_worker_charges_its_share(tmp_path: Path, workers: int, share: float) -> None:
    spec = one_template(tmp_path, 1_000, share)
    held = [chargers_of(spec, (k, workers)) for k in range(workers)]
    # Every charger in exactly one worker, the one shard_of names.
    ids = [item.params.charge_point_id for mine in held for item, _ in mine]
    assert sorted(ids) == sorted(item.params.charge_point_id for item in spec.chargers)
    for k, mine in enumerate(held):
        assert {shard_of(int(item.params.charge_point_id[1:]) - 1, workers) for item, _ in mine} == {k}
        charging = sum(charges for _, charges in mine)
        assert charging == int(len(mine) * share)  # not all in one worker, none in another


def test_one_process_charges_the_share_spread_over_the_fleet(tmp_path: Path) -> None:
    spec = one_template(tmp_path, 10, 0.5)
    assert [charges for _, charges in chargers_of(spec, None)] == [False, True] * 5


async def test_a_worker_reports_every_second_and_counts_less_often(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Counting visits every charger (tens of ms a second for 15,000): the statistics go every report,
    the counts every COUNT_EVERY_S (both scaled down here by the same factor)."""
    monkeypatch.setattr(run_module, "STATS_INTERVAL_S", 0.01)
    monkeypatch.setattr(run_module, "COUNT_EVERY_S", 0.05)
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    for n in range(3):
        fleet.add(ChargerParams(f"C{n}"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    counted: list[FleetCounts] = []
    original = Fleet.counts_gradually

    async def counts_gradually(self: Fleet) -> FleetCounts:
        counts = await original(self)
        counted.append(counts)
        return counts

    monkeypatch.setattr(Fleet, "counts_gradually", counts_gradually)
    reporter = asyncio.create_task(run_module._report_to_parent(fleet))
    await asyncio.sleep(0.3)
    reporter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reporter
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(r["event"] == "stats" and r["counts"]["chargers"] == 3 for r in reports)
    assert len(reports) >= 10
    assert 1 <= len(counted) <= len(reports) // 3
