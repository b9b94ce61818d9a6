"""The asyncio side of the Locust integration: a fleet in its own process that a Locust worker steers
over stdin (one JSON command a line: add a charger, run a session, remove it) and that reports every
OCPP call it makes on stdout (batched JSON lines: action, response time, error), for Locust's statistics.

Why a process of its own: Locust runs on gevent and monkey-patches the standard library (sockets,
threads, time) at import; an asyncio loop must not run under that patching, so the fleet lives in a
plain Python process, the same one `ocppsim fleet` runs in."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ocppsim.model.charger import ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.transport.call_stats import FleetStats

__all__ = ["AgentOptions", "run_agent"]

REPORT_INTERVAL_S = 0.2


@dataclass(frozen=True, slots=True)
class AgentOptions:
    url: str
    conf_dir: str
    connectors: int = 1


@dataclass
class _CallLog(FleetStats):
    """Fleet statistics that also keep each answered CALL until the next report."""

    recent: list[tuple[str, float, str | None]] = field(default_factory=list)

    def call_answered(self, action: str, latency_s: float, error: str | None) -> None:
        super().call_answered(action, latency_s, error)
        self.recent.append((action, round(latency_s * 1000.0, 3), error))


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, separators=(",", ":")) + "\n")
    sys.stdout.flush()


async def _report(log: _CallLog) -> None:
    while True:
        await asyncio.sleep(REPORT_INTERVAL_S)
        if log.recent:
            calls, log.recent = log.recent, []
            _emit({"calls": calls})


class _Commands(asyncio.Protocol):
    def __init__(self, handle: Callable[[dict[str, Any]], None], done: asyncio.Event) -> None:
        self._handle = handle
        self._done = done
        self._buffer = b""

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            if line.strip():
                try:
                    self._handle(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    _emit({"error": f"bad command {line[:200]!r}: {exc}"})

    def eof_received(self) -> bool:
        self._done.set()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._done.set()


async def run_agent(options: AgentOptions, fleet: Fleet) -> None:
    """Serve the Locust worker on stdio with `fleet` (built over its store by ocppsim.app.locust)."""
    log = _CallLog()
    fleet.stats = log
    station_options = StationOptions(url=options.url)
    sessions: set[asyncio.Task[None]] = set()

    async def session(charger_id: str, id_tag: str, stay_s: float) -> None:
        station = fleet.get(charger_id)
        for _ in range(600):  # a session needs a booted charger (only BootNotification goes before)
            if station is None or station.charger.registration is RegistrationStatus.ACCEPTED:
                break
            await asyncio.sleep(0.1)
            station = fleet.get(charger_id)
        if station is None or station.charger.registration is not RegistrationStatus.ACCEPTED:
            return
        station.run_model(lambda now: station.charger.ev_inputs.plug_in(1, now))
        station.run_model(lambda now: station.charger.authorization.present_tag(1, id_tag, now))
        await asyncio.sleep(stay_s)
        if fleet.get(charger_id) is station:
            station.run_model(lambda now: station.charger.ev_inputs.unplug(1, now))

    def handle(command: dict[str, Any]) -> None:
        op, charger_id = command["op"], str(command.get("id", ""))
        if op == "add":
            if charger_id not in fleet:
                fleet.add(ChargerParams(charger_id, number_of_connectors=options.connectors), station_options)
        elif op == "session":
            task = asyncio.create_task(
                session(charger_id, str(command.get("tag", "LOCUST")), float(command.get("stay", 10)))
            )
            sessions.add(task)
            task.add_done_callback(sessions.discard)
        elif op == "flush":  # the Locust worker is stopping: every answered call goes out now
            calls, log.recent = log.recent, []
            _emit({"calls": calls, "flushed": True})
        elif op == "remove":
            if charger_id in fleet:
                task = asyncio.create_task(fleet.remove(charger_id))
                sessions.add(task)
                task.add_done_callback(sessions.discard)
        else:
            raise KeyError(op)

    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_read_pipe(lambda: _Commands(handle, done), sys.stdin)
    reporter = asyncio.create_task(_report(log))
    runner = asyncio.create_task(fleet.run())
    _emit({"ready": True})
    await done.wait()
    fleet.stop()
    await runner
    for task in list(sessions):
        task.cancel()
    reporter.cancel()
    if log.recent:
        _emit({"calls": log.recent})
    transport.close()
