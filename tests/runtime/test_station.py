"""Connection behaviour: back-off with jitter, one log line per attempt, Basic auth, subprotocol."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection, serve

from conftest import REAL_TIMEOUT, Sim, SimFactory, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.station import Backoff


def test_backoff_doubles_with_jitter_and_cap() -> None:
    delays = Backoff(first=1, factor=2, cap=10, jitter=0.25).delays(random.Random(1))
    values = [next(delays) for _ in range(8)]
    for value, nominal in zip(values, [1, 2, 4, 8, 10, 10, 10, 10], strict=True):
        assert nominal * 0.75 <= value <= nominal * 1.25
    assert len(set(values)) == len(values)  # jittered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_csms_down_is_retried_with_one_log_line_per_attempt(
    tmp_path: Path, csms: CentralSystem, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    port = free_port()
    settings = replace(make_settings(tmp_path, csms), server_url=f"ws://127.0.0.1:{port}/ocpp")
    app = build_charger_app(settings, clock=clock)
    task = asyncio.create_task(app.run())
    caplog.set_level(logging.WARNING, logger="ocppsim.station")
    try:
        for _ in range(50):
            await asyncio.sleep(0.01)
            await clock.advance(70)
            if app.station.connection_attempts >= 4:
                break
        attempts = app.station.connection_attempts
        assert attempts >= 4
        lines = [r.getMessage() for r in caplog.records if "connect to" in r.getMessage()]
        assert len(lines) >= attempts - 1
        assert all(f"127.0.0.1:{port}" in line and "retry" in line for line in lines)
        assert not task.done()  # never exits
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)


async def test_http_auth_sends_basic_credentials(
    sim_factory: SimFactory, csms: CentralSystem, tmp_path: Path
) -> None:
    clock = FakeClock()
    settings = replace(
        make_settings(tmp_path, csms), http_auth=True, authorization_key="0123456789abcdef0123456789abcdef"
    )
    app = build_charger_app(settings, clock=clock)
    task = asyncio.create_task(app.run())
    try:
        await csms.wait_connected("CP1")
        import base64

        expected = base64.b64encode(b"CP1:0123456789abcdef0123456789abcdef").decode()
        assert csms.authorization["CP1"] == f"Basic {expected}"
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)


async def test_no_auth_header_without_http_auth(sim: Sim) -> None:
    assert sim.csms.authorization[sim.id] is None


async def test_server_without_ocpp16_subprotocol_is_refused(tmp_path: Path, csms: CentralSystem) -> None:
    connections: list[ServerConnection] = []

    async def handler(ws: ServerConnection) -> None:
        connections.append(ws)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:  # agrees to no subprotocol
        port = next(iter(server.sockets)).getsockname()[1]
        clock = FakeClock()
        settings = replace(make_settings(tmp_path, csms), server_url=f"ws://127.0.0.1:{port}/ocpp")
        app = build_charger_app(settings, clock=clock)
        task = asyncio.create_task(app.run())
        try:
            for _ in range(100):
                await asyncio.sleep(0.01)
                if app.station.last_error:
                    break
            assert app.station.last_error == "the CSMS accepted none of the subprotocols offered (ocpp1.6)"
            assert app.station.charger.registration is None
        finally:
            app.shutdown.set()
            await asyncio.wait_for(task, REAL_TIMEOUT)


async def test_unknown_charger_gets_404_and_is_retried(tmp_path: Path) -> None:
    cs = CentralSystem(charger_ids={"SOMEONE-ELSE"})
    await cs.start()
    clock = FakeClock()
    app = build_charger_app(make_settings(tmp_path, cs), clock=clock)
    task = asyncio.create_task(app.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if app.station.last_error:
                break
        assert app.station.last_error == "HTTP 404"
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
        await cs.stop()


async def test_scaled_clock_runs_simulated_time_faster() -> None:
    from ocppsim.runtime.clock import ScaledClock

    clock = ScaledClock(600)  # 10 simulated minutes per real second
    start = clock.now()
    fired: list[float] = []
    clock.call_at(start + 30, lambda: fired.append(clock.now()))  # 30 s simulated = 50 ms real
    await clock.sleep(60)  # 100 ms real
    assert len(fired) == 1
    assert fired[0] >= start + 30
    assert clock.now() - start >= 60
    with pytest.raises(ValueError, match="speed"):
        ScaledClock(0)


async def test_a_send_on_a_lost_link_is_not_retried_at_once() -> None:
    """A send on a closed connection fails without yielding: the outbox must not try again until
    something changes (the old sender retried at once, which starved the loop that notices the close:
    found by the fleet benchmark, a CSMS gone under 10,000 chargers); the message stays at the head."""
    from ocppsim.model.charger import Charger, ChargerParams
    from ocppsim.model.outgoing import StopTransactionReq
    from ocppsim.model.types import Reason, RegistrationStatus
    from ocppsim.runtime.outbox import Outbox

    clock = FakeClock()
    charger = Charger(ChargerParams("SPIN"), now=clock.now())
    charger.boot.on_connected(clock.now())
    charger.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, clock.now())
    charger.drain()
    sent: list[str] = []
    link_up = False

    def send(request: object, unique_id: str, prepared: object) -> bool:
        sent.append(unique_id)
        return link_up

    outbox = Outbox(charger, clock, send, lambda: None)  # type: ignore[arg-type]
    outbox.set_online(True)
    stop = StopTransactionReq(tx_ref=1, meter_stop=0, timestamp=clock.now(), reason=Reason.LOCAL, id_tag="T")
    outbox.enqueue(stop)
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(sent) == 1
    assert outbox.pending == [stop]  # kept at the head for the next connection
    outbox.set_online(False)  # the station notices the close
    assert outbox.pending == [stop]  # a transaction message survives it
    link_up = True
    outbox.set_online(True)
    for _ in range(5):
        await asyncio.sleep(0)
    assert sent == [sent[0], sent[0]]  # sent again, with the same uniqueId
    assert outbox.pending == [stop]  # in flight until its answer comes


async def test_a_pong_the_closed_link_failed_is_not_reported_as_unretrieved() -> None:
    """A CSMS that goes away fails the pending pong of every charger on `websockets` (wss://); nobody
    waits for it. asyncio must not log 'exception was never retrieved' for each."""
    from ocppsim.runtime.ws_client import WebsocketsLink

    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    pending: list[asyncio.Future[float]] = [loop.create_future()]

    class Connection:
        subprotocol = "ocpp1.6"
        close_code = None

        async def ping(self) -> asyncio.Future[float]:
            return pending[0]

        async def wait_closed(self) -> None:
            return None

    try:
        link = WebsocketsLink(Connection())  # type: ignore[arg-type]
        link.ping()
        for _ in range(5):
            await asyncio.sleep(0)  # the writer sends the ping
        future = pending[0]
        future.set_exception(ConnectionError("link closed"))
        del future
        pending.clear()  # the last reference: the future is collected
        await asyncio.sleep(0)  # the done callbacks run
        gc.collect()
        assert reported == []
        await link.wait_closed()
    finally:
        loop.set_exception_handler(previous)


async def test_a_stopped_station_arms_no_deadline_again(sim: Sim) -> None:
    """After `stop()` nothing of the model fires: the fleet closes its store right after its stations
    stop, and a meter sample due later ran the model and journalled into the closed database (seen in
    `benchmarks/memory_breakdown.py`, one traceback per charger at the end of the run)."""
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert (await sim.cmd("tag")).endswith("new status: Charging")
    assert sim.clock.next_timer() is not None  # a charging session has deadlines (heartbeat, samples)
    await sim.station.stop()
    # Inputs after the stop that move the next deadline: the transaction stops (its deadlines go), and
    # one starts offline on the cached tag (its meter samples would be due).
    assert (await sim.conn.command("unplug")).startswith("Succesfully stopped transaction")
    assert await sim.conn.command("plugin") == "Cable plugged. Status Preparing"
    assert (await sim.conn.command("tag")).endswith("new status: Charging")
    assert sim.station.charger.next_deadline() is not None
    assert sim.clock.next_timer() is None
