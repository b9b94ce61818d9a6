"""A fleet run assembled: the store file(s) of its chargers, the adapter's validators, the runtime's fleet,
then the fleet surface (`ocppsim.control.fleet`) that serves it, in this process or over worker processes."""

from __future__ import annotations

from collections.abc import Callable

from ocppsim.control.fleet.run import FleetRun, serve_fleet, shard_of
from ocppsim.control.fleet.workers import run_sharded as serve_sharded
from ocppsim.ocpp16.validation import validators
from ocppsim.ocpp201.validation import validators as validators_v201
from ocppsim.runtime.clock import Clock, ScaledClock, SystemClock
from ocppsim.runtime.events import EventBus
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.message_log import MessageLog
from ocppsim.store import DB_FILENAME, Store, redistribute, shard_filename

__all__ = ["run_fleet", "run_sharded"]

OnSignals = Callable[[Callable[[], None]], None]


async def run_fleet(run: FleetRun, *, on_signals: OnSignals) -> None:
    """All of the run's chargers in this process, or (run.shard) one worker's share of them."""
    spec, http = run.spec, run.http
    validators.warm()
    templates = [*spec.chargers, *spec.templates.values()]
    if any("2.0.1" in c.params.ocpp_versions for c in templates):
        validators_v201.warm()
    clock: Clock = SystemClock() if run.speed == 1 else ScaledClock(run.speed)
    if run.shard is None:  # one process, one file: gather what workers of an earlier run kept
        redistribute(
            spec.conf_dir, dict.fromkeys((c.params.charge_point_id for c in spec.chargers), DB_FILENAME)
        )
    # A worker's file is its own (the parent put its chargers' state there before starting it).
    filename = DB_FILENAME if run.shard is None else shard_filename(run.shard[0])
    fleet = Fleet(
        clock=clock,
        store=Store(spec.conf_dir, filename=filename),
        message_log=MessageLog(per_charger=http.log_size) if http else None,
        events=EventBus() if http else None,
        persist_log=bool(http and http.persist_log),
    )
    await serve_fleet(run, fleet, on_signals=on_signals)


async def run_sharded(argv: list[str], run: FleetRun, *, workers: int, on_signals: OnSignals) -> None:
    """The parent of `workers` worker processes (each runs `run_fleet` with its shard)."""
    # Each worker has a file of its own; first move every charger's saved state into its worker's file
    # (the number of workers, or the machine's cores, may have changed since the last run).
    owners = {
        item.params.charge_point_id: shard_of(index, workers) for index, item in enumerate(run.spec.chargers)
    }
    redistribute(run.spec.conf_dir, {cid: shard_filename(k) for cid, k in owners.items()})
    await serve_sharded(argv, run, workers=workers, on_signals=on_signals)
