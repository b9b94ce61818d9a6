"""The connection lifecycle in callbacks (runtime/connection_cycle.py): a started station connects, serves
and reconnects with no task of its own; stop() ends it from wherever it is; a cancelled run() takes the
station offline at once."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import Backoff, Station, StationOptions
from ocppsim.store import Store


async def _until(condition: object, what: str) -> None:
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


@contextlib.contextmanager
def _never_upgrading_listener() -> Iterator[StationOptions]:
    """Options for a CSMS that accepts the TCP connection and never answers the WebSocket upgrade."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield StationOptions(url=f"ws://127.0.0.1:{listener.getsockname()[1]}/ocpp")


def _stations(tmp_path: Path, options: StationOptions, prefix: str, count: int) -> list[Station]:
    return [
        restore_station(
            ChargerParams(f"{prefix}{k}"), options, clock=FakeClock(), store=Store(tmp_path / str(k))
        )
        for k in range(count)
    ]


def _station_tasks() -> list[asyncio.Task[object]]:
    """The tasks running a coroutine of the station module or the connection cycle."""
    files = ("runtime/station.py", "runtime/connection_cycle.py")
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_coro().cr_code.co_filename.endswith(files)  # type: ignore[union-attr]
    ]


async def test_a_started_station_serves_and_reconnects_without_a_task(
    tmp_path: Path, csms: CentralSystem
) -> None:
    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    station = fleet.add(ChargerParams("C1"), StationOptions(url=csms.url, backoff=Backoff(first=5, jitter=0)))
    runner = asyncio.create_task(fleet.run())
    await _until(lambda: station.charger.registration is RegistrationStatus.ACCEPTED, "booted")
    assert station.started and station.online
    assert _station_tasks() == []  # connected: nothing but callbacks
    await csms.disconnect("C1")
    await _until(lambda: not station.online, "offline")
    assert station.connection_attempts == 1
    await clock.advance(4.9)
    assert station.connection_attempts == 1  # the back-off pause
    await clock.advance(0.2)
    await _until(lambda: station.online, "reconnected")
    assert station.connection_attempts == 2
    assert _station_tasks() == []
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)
    assert not station.started and not station.online
    await _until(lambda: not csms.is_connected("C1"), "the CSMS saw the close")


async def test_stop_ends_a_connect_in_progress(tmp_path: Path) -> None:
    """A CSMS that accepts the TCP connection and never answers the upgrade: stop() does not wait out
    the open timeout (10 s)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        options = StationOptions(url=f"ws://127.0.0.1:{port}/ocpp")
        station = restore_station(ChargerParams("C2"), options, clock=FakeClock(), store=Store(tmp_path))
        station.start()
        await asyncio.sleep(0.05)
        assert station.started and not station.online and station.connection_attempts == 1
        await asyncio.wait_for(station.stop(), 1.0)
        assert not station.started and not station.online


async def test_a_cancelled_run_takes_the_station_offline_at_once(tmp_path: Path, csms: CentralSystem) -> None:
    station = restore_station(
        ChargerParams("C3"), StationOptions(url=csms.url), clock=FakeClock(), store=Store(tmp_path)
    )
    task = asyncio.create_task(station.run())
    await _until(lambda: station.charger.registration is RegistrationStatus.ACCEPTED, "booted")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert not station.started and not station.online  # the cleanup ran when the task was cancelled
    await _until(lambda: not csms.is_connected("C3"), "the CSMS saw the close")
    # started again, it connects again
    station.start()
    await _until(lambda: station.online and csms.is_connected("C3"), "reconnected")
    await station.stop()
    assert not station.started


async def test_a_failure_setting_a_connection_up_closes_it_and_the_cycle_goes_on(
    tmp_path: Path, csms: CentralSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a callback an exception would reach nobody: the link is closed, the error kept, and the station
    connects again after the back-off."""
    clock = FakeClock()
    options = StationOptions(url=csms.url, backoff=Backoff(first=5, jitter=0))
    station = restore_station(ChargerParams("C4"), options, clock=clock, store=Store(tmp_path))
    block = type(station.charger.security)
    original = block.on_connected
    failures = [RuntimeError("broken once")]

    def on_connected(self: object, now: float) -> None:
        if failures:
            raise failures.pop()
        original(self, now)  # type: ignore[arg-type]

    monkeypatch.setattr(block, "on_connected", on_connected)
    station.start()
    await _until(lambda: station.last_error == "RuntimeError: broken once", "the failure kept")
    await _until(lambda: not csms.is_connected("C4"), "the link closed")
    assert not station.online and station.started
    await clock.advance(5.1)
    await _until(lambda: station.charger.registration is RegistrationStatus.ACCEPTED, "booted")
    assert station.connection_attempts == 2 and station.last_error is None
    await station.stop()


async def test_a_halt_cancels_the_wake_up_a_reconnect_asked_for(tmp_path: Path) -> None:
    """connect() during the back-off pause wakes the cycle in a later callback; halted and started again
    before that callback, the station makes one attempt, not two side by side."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: refused
        options = StationOptions(url=f"ws://127.0.0.1:{port}/ocpp", backoff=Backoff(first=5, jitter=0))
        station = restore_station(ChargerParams("C5"), options, clock=FakeClock(), store=Store(tmp_path))
        station.start()
        await _until(lambda: station.last_error is not None, "the first attempt failed")
        assert station.connection_attempts == 1
        station.connect()  # ends the pause: the next attempt in a later callback
        station.halt()
        station.start()  # attempt 2, at once
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert station.connection_attempts == 2
        await station.stop()


async def test_handshakes_wait_their_turn_at_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most MAX_HANDSHAKES handshakes in progress in a loop (a fleet's connect storm held every
    charger's connect state at once): the others wait, counting no attempt; one stopped while waiting
    ends at once; a place is handed on when a handshake ends, and none is lost."""
    from ocppsim.runtime import connection_cycle

    monkeypatch.setattr(connection_cycle, "MAX_HANDSHAKES", 2)
    with _never_upgrading_listener() as options:
        stations = _stations(tmp_path, options, "G", 4)
        for station in stations:
            station.start()
        await asyncio.sleep(0.05)
        assert [st.connection_attempts for st in stations] == [1, 1, 0, 0]
        await asyncio.wait_for(stations[3].stop(), 1.0)  # waiting at the gate: ends without an attempt
        assert stations[3].connection_attempts == 0 and not stations[3].started
        await asyncio.wait_for(stations[0].stop(), 1.0)  # its place goes to the next one waiting
        await _until(lambda: stations[2].connection_attempts == 1, "the next handshake began")
        assert stations[1].connection_attempts == 1
        for station in stations[1:3]:
            await asyncio.wait_for(station.stop(), 1.0)
        gate = connection_cycle._gate()
        assert gate.busy == 0


async def test_a_fleet_bigger_than_the_gate_connects_and_boots(
    tmp_path: Path, csms: CentralSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ocppsim.runtime import connection_cycle

    monkeypatch.setattr(connection_cycle, "MAX_HANDSHAKES", 2)
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    stations = [fleet.add(ChargerParams(f"B{k}"), StationOptions(url=csms.url)) for k in range(7)]
    runner = asyncio.create_task(fleet.run())
    await _until(
        lambda: all(st.charger.registration is RegistrationStatus.ACCEPTED for st in stations), "all booted"
    )
    assert [st.connection_attempts for st in stations] == [1] * 7
    assert connection_cycle._gate().busy == 0
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)


async def test_a_handshake_that_hangs_gives_up_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSMS that never answers the upgrade holds a place for HANDSHAKE_PLACE_S, not for the attempt's
    open timeout: the next charger waiting begins meanwhile."""
    from ocppsim.runtime import connection_cycle

    monkeypatch.setattr(connection_cycle, "MAX_HANDSHAKES", 1)
    monkeypatch.setattr(connection_cycle, "HANDSHAKE_PLACE_S", 0.05)
    with _never_upgrading_listener() as options:
        stations = _stations(tmp_path, options, "H", 3)
        for station in stations:
            station.start()
        await asyncio.sleep(0.01)
        assert [st.connection_attempts for st in stations] == [1, 0, 0]
        await _until(lambda: stations[2].connection_attempts == 1, "the places moved on")
        assert [st.connection_attempts for st in stations] == [1, 1, 1]
        assert not any(st.online for st in stations)  # all three still in their handshakes
        for station in stations:
            await asyncio.wait_for(station.stop(), 1.0)
        assert connection_cycle._gate().busy == 0
