"""A process that runs a fleet's chargers assembled: the store file of its chargers, the adapter's
validators, the runtime's fleet, then the fleet surface (`ocppsim.control.fleet`) that serves it; all of
the fleet's chargers, or one worker's share (the parent of the workers: `app/sharded_fleet.py`)."""

from __future__ import annotations

from collections.abc import Callable

from ocppsim.control.fleet.plan import FleetRun
from ocppsim.control.fleet.run import serve_fleet
from ocppsim.ocpp16.validation import validators
from ocppsim.ocpp201.validation import validators as validators_v201
from ocppsim.runtime.clock import Clock, ScaledClock, SystemClock
from ocppsim.runtime.events import EventBus
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.message_log import MessageLog
from ocppsim.store import DB_FILENAME, Store, redistribute, shard_filename

__all__ = ["FLEET_GRID_S", "fleet_clock", "run_fleet"]

OnSignals = Callable[[Callable[[], None]], None]

# The timer grid of a fleet process at real speed: 100 ms, whatever its size (issue 20). The timers of a
# slot share a loop wake-up, a send batch and a group commit, so a coarser grid is less CPU per message.
# It was 10 ms at 10,000 chargers a process and more (grid x chargers = 100 s, up to 100 ms at 1,000 and
# fewer), to keep a slot's pass short; since the pass yields to the sockets every
# `runtime/clock.py PASS_BUDGET_S`, a fuller slot no longer holds up a CALL from the CSMS. Measured: one
# process of 16,667 chargers (a 100,000-charger fleet's worker) in the standard mix, 10 ms and 100 ms
# interleaved, three runs each (`python benchmarks/fleet_mix.py 16667 40 50 1`): 233 / 242 / 316 us of CPU
# per message against 199 / 177 / 196 us, with the CS->CP p99 at 5-14 ms either way. No coarser: OCPP
# times in seconds, and a timer that fires 0.1 s late is still on time for a heartbeat, a meter sample
# or a message timeout (a sample's timestamp is the time it was taken).
FLEET_GRID_S = 0.1


def fleet_clock(speed: float) -> Clock:
    """A fleet process's clock. Sped up, a coarser grid of real time would be a coarser grid of simulated
    time still (at 60x, 100 ms of real time is 6 s of the chargers'): the default grid there."""
    return SystemClock(grid=FLEET_GRID_S) if speed == 1 else ScaledClock(speed)


async def run_fleet(run: FleetRun, *, on_signals: OnSignals) -> None:
    """All of the run's chargers in this process, or (run.shard) one worker's share of them."""
    spec, http = run.spec, run.http
    validators.warm()
    templates = [*spec.chargers, *spec.templates.values()]
    if any("2.0.1" in c.params.ocpp_versions for c in templates):
        validators_v201.warm()
    clock = fleet_clock(run.speed)
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
