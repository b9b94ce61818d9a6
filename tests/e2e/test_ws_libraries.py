"""Both WebSocket libraries a station and the built-in CSMS can run on (runtime/ws_client.py; the
`library` fixture comes before the CSMS, so both ends use it) behave the same on the station's paths:
boot, a refused upgrade reported by its HTTP status, a CS->CP call answered, a transaction's messages,
pings answered. picows is the default for ws://, OCPPSIM_WS=websockets the fallback; wss:// always uses
websockets (test_security_profiles covers that)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import REAL_TIMEOUT, Sim, SimFactory, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.station import Station
from ocppsim.runtime.ws_client import PicowsLink, WebsocketsLink
from ocppsim.transport.ws_library import use_picows


@pytest.fixture(params=["picows", "websockets"])
def library(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OCPPSIM_WS", request.param)
    return str(request.param)


def test_choice_by_url_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCPPSIM_WS", raising=False)
    assert use_picows("ws://127.0.0.1:9000/ocpp")
    assert not use_picows("wss://localhost:9000/ocpp")
    monkeypatch.setenv("OCPPSIM_WS", "websockets")
    assert not use_picows("ws://127.0.0.1:9000/ocpp")


async def test_a_session_on_either_library(
    library: str, sim_factory: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim: Sim = await sim_factory()
    expected = PicowsLink if library == "picows" else WebsocketsLink
    assert isinstance(sim.station._ws, expected)
    pings: list[float] = []
    real_ping = Station._send_ping

    def counting_ping(self: Station, ws: Any) -> None:
        pings.append(sim.clock.now())
        real_ping(self, ws)

    monkeypatch.setattr(Station, "_send_ping", counting_ping)
    await sim.csms.call(sim.id, "ChangeConfiguration", {"key": "WebSocketPingInterval", "value": "10"})
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert await sim.cmd("tag") == "Tag Accepted. Parent: , new status: Charging"
    await sim.advance(60)
    assert len(pings) == 6 and sim.station.online  # every pong came back
    reply = await sim.csms.call(sim.id, "GetConfiguration", {"key": ["HeartbeatInterval"]})
    assert reply.payload["configurationKey"][0]["key"] == "HeartbeatInterval"
    assert await sim.cmd("tag") == "Ok, stopping transaction. Reason local"
    actions = [action for action, _ in sim.sent()]
    assert actions.count("StartTransaction") == 1 and actions.count("StopTransaction") == 1
    assert "MeterValues" in actions


async def test_refused_upgrade_is_reported_by_status(library: str, tmp_path: Path) -> None:
    refusing = CentralSystem(passwords={"CP1": "0123456789abcdef0123"})
    await refusing.start()
    try:
        settings = replace(make_settings(tmp_path, refusing), security_profile=1, authorization_key="f" * 20)
        app = build_charger_app(settings, clock=FakeClock())
        task = asyncio.create_task(app.run())
        for _ in range(300):
            if app.station.last_error:
                break
            await asyncio.sleep(0.01)
        assert app.station.last_error == "HTTP 401"
        assert not app.station.charger.ever_accepted
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
    finally:
        await refusing.stop()


async def test_any_exception_from_a_connect_is_a_failed_attempt(sim_factory: SimFactory) -> None:
    """A library's own failure while connecting (picows 2.3 can fail an assertion when its handshake times
    out under load) is retried like a refused connect: the charger never stops."""
    sim: Sim = await sim_factory()
    real_connect = sim.station._connect
    failures: list[str] = []

    async def failing_once(url: str, **options: Any) -> Any:
        if not failures:
            failures.append(url)
            raise AssertionError
        return await real_connect(url, **options)

    sim.station._connect = failing_once
    first = sim.station._ws
    sim.station.disconnect()
    await sim.quiet()
    sim.station.connect()
    for _ in range(100):
        if sim.station._ws not in (None, first):
            break
        await sim.advance(1)  # the back-off after the failed attempt
    assert failures and sim.station.online and sim.station._ws is not first
    assert sim.station.last_error is None  # cleared by the successful attempt


async def test_messages_of_every_header_size_arrive_whole_and_in_order() -> None:
    """A picows link masks each message in a buffer made for it (runtime/ws_client.py): the 7-bit,
    16-bit and 64-bit length headers (RFC 6455 5.2), a str and bytes, arrive as sent, in order."""
    from websockets.asyncio.server import ServerConnection, serve

    from ocppsim.runtime.ws_client import connect

    received: list[str] = []
    done = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        async for message in ws:
            assert isinstance(message, str)  # text frames
            received.append(message)
            if len(received) == 4:
                done.set()

    sent = ["[]", "x" * 300, "y" * 70_000, "é" * 10]
    async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        link = await connect(
            f"ws://127.0.0.1:{port}/ocpp/X",
            subprotocols=["ocpp1.6"],
            additional_headers={},
            max_size=1 << 20,
            open_timeout=REAL_TIMEOUT,
        )
        assert isinstance(link, PicowsLink)
        assert link.send(sent[0].encode()) and link.send(sent[1]) and link.send(sent[2].encode())
        assert link.send(sent[3])
        await asyncio.wait_for(done.wait(), REAL_TIMEOUT)
        link.close()
        await asyncio.wait_for(link.wait_closed(), REAL_TIMEOUT)
    assert received == sent
