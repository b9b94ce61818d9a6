"""What each process of a sharded fleet keeps of the fleet file (docs/performance.md, "Process base"):
a worker its own chargers only, the parent none (and which worker holds which charger only when it routes
the REST API or the text interface to them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fleet_files import one_template

from ocppsim.app import sharded_fleet
from ocppsim.control.fleet.plan import FleetRun, chargers_of, for_shard, shard_of
from ocppsim.settings.specs import HttpSettings


@pytest.mark.parametrize(("workers", "share"), [(2, 0.5), (3, 0.3), (4, 1.0)])
def test_a_workers_run_holds_its_own_chargers_and_charges_the_same_ones(
    tmp_path: Path, workers: int, share: float
) -> None:
    spec = one_template(tmp_path, 101, share)
    run = FleetRun(spec=spec, live=None)
    for k in range(workers):
        worker = for_shard(run, (k, workers))
        assert worker.shard == (k, workers) and worker.live is False
        own = [item for index, item in enumerate(spec.chargers) if shard_of(index, workers) == k]
        assert list(worker.spec.chargers) == own
        # What the worker serves (serve_fleet: chargers_of over its own spec) is what the fleet's
        # index gives that shard: the same chargers, the same ones charging.
        assert chargers_of(worker.spec, None) == chargers_of(spec, (k, workers))
        assert worker.spec.templates == spec.templates and worker.spec.conf_dir == spec.conf_dir


@pytest.mark.parametrize("routes", ["none", "http", "text"])
async def test_the_parent_keeps_no_charger_and_owners_only_to_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, routes: str
) -> None:
    spec = one_template(tmp_path, 10, 0.0)
    run = FleetRun(
        spec=spec,
        http=HttpSettings(port=0) if routes == "http" else None,
        text_port=0 if routes == "text" else None,
    )
    served: dict[str, Any] = {}

    async def serve(argv: list[str], run: FleetRun, **kwargs: Any) -> None:
        served.update(kwargs, run=run)

    monkeypatch.setattr(sharded_fleet, "serve_sharded", serve)
    await sharded_fleet.run_sharded(["--count", "10"], run, workers=3, on_signals=lambda stop: None)
    assert served["run"].spec.chargers == ()
    assert served["workers"] == 3
    expected = {item.params.charge_point_id: index % 3 for index, item in enumerate(spec.chargers)}
    assert served["owners"] == ({} if routes == "none" else expected)
