"""Shared fixtures. End-to-end tests use real sockets on 127.0.0.1 against the built-in central system;
time is a FakeClock that moves only when a test says so, and only while the wire is quiet."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.server import CentralSystem, Frame
from ocppsim.csms.sink import Sink
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock, ScaledClock
from ocppsim.settings.ini_file import load_settings
from ocppsim.settings.specs import HttpSettings, Settings
from ocppsim.testing.harness import advance_clock, wait_quiet

REAL_TIMEOUT = 5.0  # real seconds a test waits for the wire, never for simulated time


@dataclass
class Sim:
    app: ChargerApp
    clock: FakeClock
    conn: SimConnection
    csms: CentralSystem
    task: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        """The simulator exits (a restart's first half): its store is closed, its journal log folded."""
        await self.conn.disconnect()
        self.app.shutdown.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, REAL_TIMEOUT)

    @property
    def id(self) -> str:
        return self.app.station.id

    @property
    def station(self) -> Any:
        return self.app.station

    async def cmd(self, line: str) -> str:
        reply = await self.conn.command(line)
        await self.quiet()
        return reply

    async def quiet(self) -> None:
        """Wait (real time, bounded) until the charger has nothing queued or in flight."""
        station = self.station
        await wait_quiet(lambda: station.idle, REAL_TIMEOUT, lambda: str(station.outbox.pending), poll=0.005)

    async def advance(self, seconds: float) -> None:
        """Move simulated time, one timer at a time, letting the wire go quiet in between."""
        await advance_clock(self.clock, seconds, self.quiet)

    def calls(self, action: str | None = None, since: int = 0) -> list[Frame]:
        return [f for f in self.csms.calls(self.id, action) if self.csms.frames.index(f) >= since]

    def mark(self) -> int:
        return len(self.csms.frames)

    async def statuses_until(self, action: str, status: str, since: int) -> list[str]:
        """Wait (real time, bounded) until the charger sent `action` with `status` after `since`; every
        status of `action` it sent since then (e.g. FirmwareStatusNotification Downloading ... Installed)."""
        await self.csms.wait_for(
            lambda f: (
                f.charger_id == self.id
                and f.direction == "in"
                and f.action == action
                and f.payload.get("status") == status
                and self.csms.frames.index(f) >= since
            ),
            REAL_TIMEOUT,
        )
        await self.quiet()
        return [f.payload["status"] for f in self.calls(action, since)]

    def sent(self, since: int = 0) -> list[tuple[str, Any]]:
        """(action, short form) of every CALL the charger sent since `since`."""
        out: list[tuple[str, Any]] = []
        for f in self.calls(since=since):
            if f.action == "StatusNotification":
                out.append((f.action, (f.payload["connectorId"], f.payload["status"])))
            elif f.action == "MeterValues":
                ctx = f.payload["meterValue"][0]["sampledValue"][0].get("context")
                out.append((f.action, ctx))
            else:
                out.append((f.action, None))
        return out


async def fleet_settled(fleet: Any, booted: int | None = None) -> None:
    """Wait (real time, bounded) until `booted` chargers of the fleet are booted (None: any number) and
    every station has nothing queued or in flight."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REAL_TIMEOUT
    while loop.time() < deadline:
        await asyncio.sleep(0.01)
        if (booted is None or fleet.counts().booted == booted) and all(st.idle for st in fleet):
            return


def make_settings(tmp_path: Path, csms: CentralSystem | Sink, **charger: Any) -> Settings:
    base = load_settings(None)
    params = replace(base.charger, charge_point_id="CP1", **charger)
    return replace(base, charger=params, server_url=csms.url, host_port=0, conf_dir=tmp_path / "data")


@pytest.fixture
async def csms() -> AsyncIterator[CentralSystem]:
    cs = CentralSystem(heartbeat_interval=300)
    await cs.start()
    yield cs
    await cs.stop()
    assert cs.violations == [], f"charger sent invalid frames: {cs.violations}"


SimFactory = Callable[..., Any]


@pytest.fixture
async def sim_factory(csms: CentralSystem, tmp_path: Path) -> AsyncIterator[SimFactory]:
    started: list[tuple[ChargerApp, asyncio.Task[None], SimConnection]] = []

    async def start(*, boot: bool = True, clock: FakeClock | None = None, **charger: Any) -> Sim:
        clock = clock or FakeClock()
        settings = make_settings(tmp_path, csms, **charger)
        app = build_charger_app(settings, clock=clock, strict=True)
        task = asyncio.create_task(app.run())
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
        started.append((app, task, conn))
        sim = Sim(app, clock, conn, csms, task)
        if boot:
            n = settings.charger.number_of_connectors
            await csms.wait_for(
                lambda f: (
                    f.charger_id == sim.id
                    and f.direction == "in"
                    and f.action == "StatusNotification"
                    and f.payload["connectorId"] == n
                ),
                REAL_TIMEOUT,
            )
            await sim.quiet()
        return sim

    yield start
    for app, task, conn in started:
        await conn.disconnect()
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
        assert app.station.charger.illegal_transitions == []


@pytest.fixture
async def sim(sim_factory: SimFactory) -> Sim:
    result: Sim = await sim_factory()
    return result


# ---------------------------------------------------------------- REST API


@dataclass
class Api:
    """The REST API against a real charger app (2 connectors): the built-in CSMS on loopback, a FakeClock,
    and httpx talking to the ASGI app (the browser tests use the real HTTP server of the same app)."""

    app: ChargerApp
    client: httpx.AsyncClient
    csms: CentralSystem
    clock: FakeClock

    async def quiet(self) -> None:
        """Wait (real time, bounded) until no charger has anything queued or in flight."""
        await wait_quiet(lambda: all(st.idle for st in self.app.fleet), REAL_TIMEOUT, poll=0.005)

    async def wait_for(self, predicate: Callable[[Frame], bool]) -> Frame:
        """The first CALL from a charger that matches (the CSMS's answers are not looked at)."""
        return await self.csms.wait_for(
            lambda f: f.direction == "in" and f.kind == 2 and predicate(f), REAL_TIMEOUT
        )

    async def until(self, condition: Callable[[], bool]) -> None:
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("condition never became true")

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        response = await self.client.post(path, json=body)
        await self.quiet()
        return response


@pytest.fixture
async def api(csms: CentralSystem, tmp_path: Path) -> AsyncIterator[Api]:
    clock = FakeClock()
    settings = replace(
        make_settings(tmp_path, csms, number_of_connectors=2),
        http=HttpSettings(port=0, log_size=200),
    )
    app = build_charger_app(settings, clock=clock, strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    assert app.http_server is not None
    await csms.wait_for(
        lambda f: f.direction == "in" and f.action == "StatusNotification" and f.payload["connectorId"] == 2,
        REAL_TIMEOUT,
    )
    transport = httpx.ASGITransport(app=app.http_server.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        result = Api(app, client, csms, clock)
        await result.quiet()
        yield result
    app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)
    for station in app.fleet:
        assert station.charger.illegal_transitions == []


class LiveSimulator:
    """The whole simulator as a user runs it (built-in CSMS, one charger, REST API and dashboard on real
    sockets, the system clock) in its own thread and event loop, for clients that block: schemathesis,
    Playwright."""

    def __init__(
        self, tmp_path: Path, *, connectors: int = 2, meter_interval: int = 1, speed: float = 1.0
    ) -> None:
        """`speed`: simulated time runs this many times faster (a longer session in a short test)."""
        self._tmp = tmp_path
        self._speed = speed
        self._connectors = connectors
        self._interval = meter_interval
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.url = ""
        self.app: ChargerApp | None = None
        self._thread = threading.Thread(target=self._main, name="live-simulator", daemon=True)

    def __enter__(self) -> LiveSimulator:
        self._thread.start()
        if not self._ready.wait(REAL_TIMEOUT * 2) or self._error is not None:
            raise RuntimeError(f"simulator did not start: {self._error}")
        return self

    def __exit__(self, *_: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(REAL_TIMEOUT * 2)

    def run(self, coro: Any) -> Any:
        """Run a coroutine in the simulator's loop (e.g. add chargers) and return its result."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(REAL_TIMEOUT * 4)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the test thread
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        csms = CentralSystem(heartbeat_interval=300)
        await csms.start()
        base = make_settings(self._tmp, csms, number_of_connectors=self._connectors)
        settings = replace(
            base,
            charger=replace(base.charger, meter_values_sample_interval=self._interval),
            http=HttpSettings(port=0),
        )
        app = build_charger_app(settings, clock=ScaledClock(self._speed) if self._speed != 1 else None)
        self.app = app
        task = asyncio.create_task(app.run())
        await app.started.wait()
        assert app.http_server is not None
        self.url = app.http_server.url
        self.csms = csms
        self._ready.set()
        await self._stop.wait()
        app.shutdown.set()
        await task
        await csms.stop()


# ---------------------------------------------------------------- OCPP 2.0.1


async def booted_v201(sim: Sim, evses: int) -> None:
    """Wait (real time, bounded) until a 2.0.1 charger reported its last EVSE's status after the boot."""
    await sim.csms.wait_for(
        lambda f: (
            f.charger_id == sim.id
            and f.direction == "in"
            and f.action == "StatusNotification"
            and f.payload["evseId"] == evses
        ),
        REAL_TIMEOUT,
    )
    await sim.quiet()


@pytest.fixture
async def sim201_factory(sim_factory: SimFactory) -> SimFactory:
    """As sim_factory, for a charger speaking OCPP 2.0.1 (its StatusNotifications name EVSEs)."""

    async def start(*, boot: bool = True, **charger: Any) -> Sim:
        charger.setdefault("ocpp_versions", ("2.0.1",))
        sim: Sim = await sim_factory(boot=False, **charger)
        if boot:
            await booted_v201(sim, charger.get("number_of_connectors", 1))
        return sim

    return start


@pytest.fixture
async def sim201(sim201_factory: SimFactory) -> Sim:
    result: Sim = await sim201_factory()
    return result
