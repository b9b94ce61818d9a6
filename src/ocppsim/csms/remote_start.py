"""A central system's remote start for a driver who plugged in and never presented a tag: a connector
that reports Preparing and has no transaction `after` seconds later gets a RemoteStartTransaction (what a
driver's app does; demos, and the transaction generator's remote-start share)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ocppsim.ocpp16.framing import Call

__all__ = ["RemoteStarter", "remote_starter"]


class _CentralSystem(Protocol):
    async def call(
        self, charger_id: str, action: str, payload: dict[str, Any], timeout: float = ...
    ) -> Any: ...

    def is_connected(self, charger_id: str) -> bool: ...


def remote_starter(after: float | None, tag: str, csms: _CentralSystem) -> RemoteStarter | None:
    """The remote starts of `csms` (the recording central system or the sink); None when `after` is."""
    if after is None:
        return None
    return RemoteStarter(after, tag, call=csms.call, is_connected=csms.is_connected)


class RemoteStarter:
    def __init__(
        self,
        after: float,
        tag: str,
        *,
        call: Callable[[str, str, dict[str, Any]], Awaitable[object]],
        is_connected: Callable[[str], bool],
    ) -> None:
        self.after = after
        self.tag = tag
        self._call = call
        self._is_connected = is_connected
        # (charger, connector) -> the mark of its last Preparing; a remote start checks it is the same one.
        # Marks come from one counter: a connector that left Preparing and came back before the earlier
        # remote start fell due gets a new mark, so that stale one is not sent early.
        self._preparing: dict[tuple[str, int], int] = {}
        self._marks = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._v201: set[tuple[str, int]] = set()  # EVSEs of OCPP 2.0.1 chargers waiting for a start
        self._remote_start_id = 0

    def follow(self, charger_id: str, call: Call) -> None:
        """See one CALL the charger sent (after it was answered). OCPP 2.0.1: an EVSE that turns
        Occupied (the cable went in) without a transaction is the 1.6 Preparing; TransactionEvent
        Started is StartTransaction."""
        payload = call.payload
        v201 = "evseId" in payload or "evse" in payload
        if v201:
            connector = payload.get("evseId", (payload.get("evse") or {}).get("id"))
        else:
            connector = payload.get("connectorId")
        if not isinstance(connector, int) or connector < 1:
            return
        key = (charger_id, connector)
        if call.action == "StartTransaction" or (
            call.action == "TransactionEvent" and payload.get("eventType") == "Started"
        ):
            self._preparing.pop(key, None)
            self._v201.discard(key)
        elif call.action == "StatusNotification":
            status = payload.get("connectorStatus") if v201 else payload.get("status")
            if v201:
                self._v201.add(key)
            if status != ("Occupied" if v201 else "Preparing"):
                self._preparing.pop(key, None)
                return
            mark = self._preparing[key] = next(self._marks)
            task = asyncio.get_running_loop().create_task(self._remote_start(key, mark))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _remote_start(self, key: tuple[str, int], mark: int) -> None:
        # Both WebSocket libraries' exceptions, loaded here: the sink (picows only) runs without
        # `websockets` (docs/performance.md, "Process base").
        from ocppsim.transport.ws_closed import CONNECTION_CLOSED  # noqa: PLC0415

        await asyncio.sleep(self.after)
        if self._preparing.get(key) != mark or not self._is_connected(key[0]):
            return  # started locally, left, or gone
        if key in self._v201:
            self._remote_start_id += 1
            action = "RequestStartTransaction"
            payload: dict[str, Any] = {
                "idToken": {"idToken": self.tag, "type": "Central"},
                "remoteStartId": self._remote_start_id,
                "evseId": key[1],
            }
        else:
            action, payload = "RemoteStartTransaction", {"connectorId": key[1], "idTag": self.tag}
        with contextlib.suppress(TimeoutError, *CONNECTION_CLOSED, asyncio.CancelledError, KeyError):
            await self._call(key[0], action, payload)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
