"""Test driver: an importable async client for the text command interface.

async with SimConnection("ws://127.0.0.1:1234") as sim:
    assert await sim.command("plugin") == "Cable plugged. Status Preparing"
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

__all__ = ["SimConnection"]


class SimConnection:
    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout
        self._ws: ClientConnection | None = None
        self._lock = asyncio.Lock()

    async def connect(self) -> SimConnection:
        self._ws = await connect(self.url, max_size=1 << 20)
        return self

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def command(self, line: str) -> str:
        """Send one command line and return its one reply line."""
        if self._ws is None:
            raise ConnectionError("not connected: call connect() first")
        async with self._lock:  # one command in flight: replies come back in order
            await self._ws.send(line)
            reply = await asyncio.wait_for(self._ws.recv(), self.timeout)
        return reply if isinstance(reply, str) else reply.decode()

    async def json_status(self, connector: int | None = None) -> dict[str, Any]:
        """`jsonstatus` parsed (optionally of connector N)."""
        prefix = f"@{connector} " if connector else ""
        result: dict[str, Any] = json.loads(await self.command(prefix + "jsonstatus"))
        return result

    async def profiles(self, unit: str = "A", duration: int = 3600) -> dict[str, Any]:
        """Installed charging profiles and each connector's composite schedule (`profiles` command)."""
        reply = await self.command(f"profiles {unit} {duration}")
        if reply.startswith("Error:"):
            raise ValueError(reply)
        result: dict[str, Any] = json.loads(reply)
        return result

    async def swipe(self, id_tag: str, connector: int | None = None) -> str:
        """A badge swipe as the spec has it (`swipe` command): unlike `tag` it does not plug the EV in;
        during a transaction it stops it when the idTag (or its parentIdTag) matches. The reply line."""
        prefix = f"@{connector} " if connector else ""
        return await self.command(f"{prefix}swipe {id_tag}")

    async def bay(self, occupied: bool, connector: int | None = None) -> str:
        """A bay sensor (`arrive` / `depart` commands): an EV drives into (True) or out of (False) the
        parking bay; OCPP 2.0.1 TxStartPoint / TxStopPoint ParkingBayOccupancy. The reply line."""
        prefix = f"@{connector} " if connector else ""
        return await self.command(prefix + ("arrive" if occupied else "depart"))

    async def intercept(self, target: str, action: str, *options: str) -> int:
        """Expert mode (`intercept` command, runtime/interception.py): override the charger's answer to
        the CSMS's `action` (target "answer") or its own CALL (target "send"); `options` in the text form,
        e.g. `intercept("answer", "RemoteStartTransaction", "status", "Rejected")`. The override's id;
        ValueError with the reply when the charger refuses it."""
        reply = await self.command(" ".join(("intercept", target, action, *options)))
        if not reply.startswith("Ok. intercept #"):
            raise ValueError(reply)
        return int(reply.removeprefix("Ok. intercept #").split()[0])

    async def interceptions(self) -> list[dict[str, Any]]:
        """The overrides in force (`intercept` command), each with its id, options and use counts."""
        reply = await self.command("intercept")
        if reply.startswith("Error:"):
            raise ValueError(reply)
        result: list[dict[str, Any]] = json.loads(reply)
        return result

    async def remove_interception(self, override_id: int | None = None) -> str:
        """Remove one override (or every one, with no id); the reply line."""
        reply = await self.command(f"intercept remove {'all' if override_id is None else override_id}")
        if reply.startswith("Error:"):
            raise ValueError(reply)
        return reply

    async def disconnect(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> SimConnection:
        return await self.connect()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.disconnect()
