"""The parent of a fleet's worker processes assembled: it moves each charger's saved state into its
worker's store file, then starts and serves the workers (`ocppsim.control.fleet.workers`).

It imports nothing of what runs chargers (the model, the adapters, the runtime's station, picows, the
validators): each worker does, and here they were ~8 MiB of RSS (37.4 -> 29.4 MiB) in one more process
at every fleet of several workers (docs/performance.md, round 6). `tests/cli/test_process_imports.py`
holds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ocppsim.control.fleet.plan import FleetRun, shard_of
from ocppsim.control.fleet.workers import run_sharded as serve_sharded
from ocppsim.store.shards import redistribute, shard_filename

__all__ = ["run_sharded"]

OnSignals = Callable[[Callable[[], None]], None]


async def run_sharded(argv: list[str], run: FleetRun, *, workers: int, on_signals: OnSignals) -> None:
    """The parent of `workers` worker processes (each runs `run_fleet` with its shard)."""
    # Each worker has a file of its own; first move every charger's saved state into its worker's file
    # (the number of workers, or the machine's cores, may have changed since the last run).
    owners = {
        item.params.charge_point_id: shard_of(index, workers) for index, item in enumerate(run.spec.chargers)
    }
    redistribute(run.spec.conf_dir, {cid: shard_filename(k) for cid, k in owners.items()})
    # From here the parent needs which worker holds a charger only to route the REST API and the text
    # interface; the chargers themselves are the workers' (each reads the fleet file). Nothing else
    # keeps them (the command let go of its own reference: cli/fleet.py), and without routes not their
    # ids either: one kept object among the freed ones keeps the allocator's arena, and so the RSS.
    if run.http is None and run.text_port is None:
        owners = {}
    run = replace(run, spec=replace(run.spec, chargers=()))
    await serve_sharded(argv, run, owners=owners, workers=workers, on_signals=on_signals)
