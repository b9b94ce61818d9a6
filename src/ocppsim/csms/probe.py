"""CS -> CP calls at a steady rate to chargers picked at random, with the latency of each answer: what a
CSMS operator feels (GetConfiguration, RemoteStartTransaction) while a fleet runs its load."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any, Protocol

from ocppsim.ocpp16.framing import CallError, CallResult
from ocppsim.transport.call_stats import FleetStats
from ocppsim.transport.ws_closed import CONNECTION_CLOSED

__all__ = ["PROBE_ACTIONS", "ProbeTarget", "Prober"]

PROBE_ACTIONS: tuple[str, ...] = ("GetConfiguration", "RemoteStartTransaction")
_PAYLOADS: dict[str, dict[str, Any]] = {
    "GetConfiguration": {"key": ["HeartbeatInterval"]},
    "RemoteStartTransaction": {"connectorId": 1, "idTag": "PROBE"},
}


class ProbeTarget(Protocol):
    """A central system that can call its chargers: the recording one (server.py) or the sink."""

    def connected_ids(self) -> list[str]: ...

    async def call(
        self, charger_id: str, action: str, payload: dict[str, Any], timeout: float = 10.0
    ) -> CallResult | CallError: ...


# A probed charger left, or its connection closed, before the answer came.
_GONE: tuple[type[BaseException], ...] = (KeyError, asyncio.CancelledError, *CONNECTION_CLOSED)


class Prober:
    def __init__(
        self, csms: ProbeTarget, *, rate: float, actions: Sequence[str] = PROBE_ACTIONS, seed: int = 1
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.csms = csms
        self.rate = rate
        self.actions = tuple(actions)
        self.stats = FleetStats()
        self._rng = random.Random(seed)
        self._inflight: set[asyncio.Task[None]] = set()
        self.go = asyncio.Event()  # probing starts when set (at once, unless the caller waits for a signal)

    def reset(self) -> None:
        """Start a new measurement window (and start probing, if it waited)."""
        self.stats = FleetStats()
        self.go.set()

    async def run(self) -> None:
        """Probe until cancelled; the list of connected chargers is refreshed once a second."""
        await self.go.wait()
        interval = 1.0 / self.rate
        ids: list[str] = []
        refreshed = 0.0
        count = 0
        next_at = time.monotonic()
        try:
            while True:
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                if time.monotonic() - refreshed > 1.0:
                    ids, refreshed = self.csms.connected_ids(), time.monotonic()
                if not ids:
                    continue
                action = self.actions[count % len(self.actions)]
                count += 1
                task = asyncio.create_task(self._probe(self._rng.choice(ids), action))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
        finally:
            for task in list(self._inflight):
                task.cancel()

    async def _probe(self, charger_id: str, action: str) -> None:
        stats = self.stats  # the window this call started in
        started = time.perf_counter()
        error: str | None = None
        try:
            answer = await self.csms.call(charger_id, action, _PAYLOADS[action], timeout=30.0)
            if isinstance(answer, CallError):
                error = answer.code
        except TimeoutError:
            error = "Timeout"
        except _GONE:
            error = "Disconnected"
        stats.call_answered(action, time.perf_counter() - started, error)

    def report(self) -> dict[str, Any]:
        summary = self.stats.summary()
        return {
            "rate_per_s": self.rate,
            "calls": summary["calls_out"],
            "errors": summary["errors"],
            "by_action": summary["calls_out_by_action"],
            "latency_ms_p50": summary["latency_ms_p50"],
            "latency_ms_p95": summary["latency_ms_p95"],
            "latency_ms_p99": summary["latency_ms_p99"],
            "seconds": summary["seconds"],
            "stats": self.stats.export(),  # mergeable across several central systems
        }
