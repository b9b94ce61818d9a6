"""Chargers as Locust users: beyond one machine on an existing engine (Locust master and workers).

    locust -f "$(ocppsim locustfile)" --host ws://csms.example:9000/ocpp          # one machine
    locust -f "$(ocppsim locustfile)" --master --host ws://csms.example:9000/ocpp  # and on each worker:
    locust -f "$(ocppsim locustfile)" --worker --master-host <master>

Each Locust user is one charger: it connects and boots when spawned (Locust's spawn rate is the ramp-up),
charges a session now and then (plug in, tag, `session_stay` seconds, unplug), and is removed when Locust
stops it. Every OCPP CALL the charger sends is reported to Locust's statistics: name = the action,
response time = the CSMS's answer time, failure = a CALLERROR or no answer.

How: Locust runs on gevent and monkey-patches the standard library; the chargers run on asyncio in one
agent process per Locust worker process (`ocppsim locust-agent`), steered over its stdin and reporting
over its stdout, which a greenlet here reads and turns into Locust request events.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import secrets
import subprocess
import sys
import tempfile
from typing import Any

import gevent
import gevent.event
import gevent.lock
from locust import User, between, events, task
from locust.env import Environment

__all__ = ["ChargerUser", "OcppCallFailedError"]

_ids = itertools.count(1)


class OcppCallFailedError(Exception):
    """The CSMS answered a CALL with a CALLERROR, or not at all."""


class _Agent:
    """The asyncio fleet of this Locust process (one for all its users)."""

    def __init__(self, environment: Environment, url: str) -> None:
        self.environment = environment
        self._data = tempfile.TemporaryDirectory(prefix="ocppsim-locust-")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ocppsim", "locust-agent", "--url", url, "--conf-dir", self._data.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._flushed = gevent.event.Event()
        self._reader = gevent.spawn(self._read)

    def send(self, **command: Any) -> None:
        stdin = self.process.stdin
        if stdin is not None and self.process.poll() is None:
            stdin.write(json.dumps(command) + "\n")
            stdin.flush()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        fire = self.environment.events.request.fire
        for line in stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            for action, ms, error in message.get("calls", ()):
                fire(
                    request_type="OCPP",
                    name=action,
                    response_time=ms,
                    response_length=0,
                    exception=OcppCallFailedError(error) if error else None,
                    context={},
                )
            if message.get("flushed"):
                self._flushed.set()

    def flush(self, timeout: float = 5.0) -> None:
        """Fire every call the agent has seen into Locust's statistics before they are reported."""
        self._flushed.clear()
        self.send(op="flush")
        self._flushed.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                if self.process.stdin is not None:
                    self.process.stdin.close()  # the agent stops its chargers and exits
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._reader.join(timeout=5)
        self._data.cleanup()


_agent: _Agent | None = None
# Locust spawns users in concurrent greenlets, and starting the agent process yields to the others: without
# the lock each user of a spawn burst started an agent of its own (six agents for six users).
_agent_lock = gevent.lock.Semaphore()


def _agent_for(environment: Environment, url: str) -> _Agent:
    global _agent
    with _agent_lock:
        if _agent is None:
            _agent = _Agent(environment, url)
            atexit.register(_close_agent)
        return _agent


def _close_agent(**_: Any) -> None:
    global _agent
    if _agent is not None:
        _agent.close()
        _agent = None


def _flush_agent(**_: Any) -> None:
    if _agent is not None:
        _agent.flush()


events.test_stop.add_listener(_flush_agent)  # before the worker's final report to the master
events.quitting.add_listener(_close_agent)

# Unique across the workers of a run: a random prefix per Locust process, then a counter.
_PREFIX = os.environ.get("OCPPSIM_LOCUST_PREFIX") or f"LC{secrets.token_hex(3).upper()}-"


class ChargerUser(User):
    """One OCPP 1.6J charger. `host` is the CSMS base URL (ws:// or wss://); the id is appended."""

    wait_time = between(30, 60)
    session_stay = 20.0  # seconds an EV stays plugged in per session
    id_tag = "LOCUST"

    def on_start(self) -> None:
        if not self.host or not self.host.startswith(("ws://", "wss://")):
            raise ValueError("--host must be the CSMS base URL, ws:// or wss://")
        self.charger_id = f"{_PREFIX}{next(_ids):06d}"
        self._agent = _agent_for(self.environment, self.host)
        self._agent.send(op="add", id=self.charger_id)

    @task
    def charge(self) -> None:
        self._agent.send(op="session", id=self.charger_id, tag=self.id_tag, stay=self.session_stay)

    def on_stop(self) -> None:
        self._agent.send(op="remove", id=self.charger_id)
