"""The parent's text command interface of a sharded fleet: the same commands and replies as one process
serves, each line sent on to the worker that holds its charger. Apart from the REST API's router
(router.py), so that a parent with the one and not the other loads only what it serves."""

from __future__ import annotations

import contextlib

from ocppsim.control.fleet.shards import ShardedFleet, Worker
from ocppsim.control.text.fleet_commands import choice_error, no_such_charger, split_target, without_charger
from ocppsim.control.text.server import SessionState
from ocppsim.driver import SimConnection

__all__ = ["ForwardingCommandRunner"]


class ForwardingCommandRunner:
    """The fleet text interface in the parent: each line goes to the worker holding its charger, over one
    connection per (session, worker), so the worker keeps the session's state (connector choice)."""

    def __init__(self, fleet: ShardedFleet) -> None:
        self.fleet = fleet
        self._connections: dict[tuple[int, int], SimConnection] = {}

    async def _connection(self, session: SessionState, worker: Worker) -> SimConnection:
        key = (id(session), worker.index)
        conn = self._connections.get(key)
        if conn is None:
            conn = await SimConnection(f"ws://127.0.0.1:{worker.text_port}", timeout=120.0).connect()
            self._connections[key] = conn
        return conn

    async def execute(self, line: str, session: SessionState) -> str:
        target, text = split_target(line)
        words = text.split()
        if target is None and words[:1] == ["charger"]:
            error = choice_error(words, lambda cid: self.fleet.owner(cid) is not None)
            if error is not None:
                return error
            worker = self.fleet.owner(words[1])
            assert worker is not None
            session.charger = words[1]
            return await (await self._connection(session, worker)).command(text)
        target = target or session.charger
        if target is None:
            return without_charger(words, session)
        worker = self.fleet.owner(target)
        if worker is None:
            return no_such_charger(target)
        if words[:1] in (["quit"], ["exit"]):
            session.closing = True
            return "bye"
        try:
            return await (await self._connection(session, worker)).command(f"#{target} {text}")
        except Exception as exc:  # a worker gone must not take the interface down
            self._connections.pop((id(session), worker.index), None)
            return f"Error: worker {worker.index} did not answer ({type(exc).__name__})"

    async def session_closed(self, session: SessionState) -> None:
        for key in [k for k in self._connections if k[0] == id(session)]:
            with contextlib.suppress(Exception):
                await self._connections.pop(key).disconnect()
