"""The benchmarks' sink (`ocppsim csms --sink`): the central system's answers on picows' listener API,
CS->CP calls for the latency probe, remote starts, and no crash on what a charger should never send."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from conftest import REAL_TIMEOUT, make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.probe import Prober
from ocppsim.csms.sink import Sink
from ocppsim.model.types import ChargePointStatus, RegistrationStatus
from ocppsim.ocpp16.framing import CallResult
from ocppsim.runtime.clock import FakeClock


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    s = Sink(heartbeat_interval=42, tags={"GOOD"})
    await s.start()
    yield s
    await s.stop()


async def _call(ws: ClientConnection, uid: str, action: str, payload: dict[str, Any]) -> list[Any]:
    await ws.send(json.dumps([2, uid, action, payload]))
    return json.loads(await asyncio.wait_for(ws.recv(), REAL_TIMEOUT))  # type: ignore[no-any-return]


async def test_answers_as_the_central_system_does(sink: Sink) -> None:
    async with connect(sink.url + "/RAW1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "ocpp1.6"
        boot = await _call(ws, "1", "BootNotification", {"chargePointVendor": "v", "chargePointModel": "m"})
        assert boot[:2] == [3, "1"]
        assert boot[2]["status"] == "Accepted" and boot[2]["interval"] == 42
        assert boot[2]["currentTime"].endswith("Z")
        assert (await _call(ws, "2", "Authorize", {"idTag": "good"}))[2] == {
            "idTagInfo": {"status": "Accepted"}
        }
        assert (await _call(ws, "3", "Authorize", {"idTag": "evil"}))[2] == {
            "idTagInfo": {"status": "Invalid"}
        }
        start = {"connectorId": 1, "idTag": "GOOD", "meterStart": 0, "timestamp": "2030-01-01T00:00:00Z"}
        assert (await _call(ws, "4", "StartTransaction", start))[2]["transactionId"] == 1
        assert (await _call(ws, "5", "StartTransaction", start))[2]["transactionId"] == 2
        assert await _call(ws, "6", "MeterValues", {"connectorId": 1, "meterValue": []}) == [3, "6", {}]
        assert (await _call(ws, "7", "Heartbeat", {}))[2]["currentTime"].endswith("Z")
        assert (await _call(ws, "8", "Levitate", {}))[:3] == [4, "8", "NotImplemented"]
        # No validation in a sink, but a CALL it cannot answer gets a CALLERROR, and the link stays up.
        assert (await _call(ws, "9", "Authorize", {}))[:3] == [4, "9", "InternalError"]
        await ws.send("[2, not json")
        assert json.loads(await ws.recv())[:3] == [4, "-1", "FormationViolation"]
        # A message in fragments is one CALL.
        await ws.send(iter(['[2,"10","Heart', 'beat",{}]']))
        assert json.loads(await ws.recv())[:2] == [3, "10"]
        assert sink.connected_ids() == ["RAW1"]
        # The upgrade's headers (picows keeps them for the connection's life) are let go once connected.
        transport = sink._connections["RAW1"].transport
        assert transport is not None
        assert len(transport.request.headers) == 0 and len(transport.response.headers) == 0
    for _ in range(100):
        if not sink.is_connected("RAW1"):
            break
        await asyncio.sleep(0.01)
    assert sink.connected_ids() == []


async def test_frames_as_our_chargers_write_them_are_answered_from_their_head(sink: Sink) -> None:
    """Compact frames (orjson's, the fleet's) of MeterValues, StatusNotification and Heartbeat are
    answered without parsing their payload; anything unusual takes the long way and is answered as
    before."""
    async with connect(sink.url + "/RAW3", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]

        async def raw(text: str) -> list[Any]:
            await ws.send(text)
            return json.loads(await asyncio.wait_for(ws.recv(), REAL_TIMEOUT))  # type: ignore[no-any-return]

        meter = '{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2030-01-01T00:00:00.000Z",'
        meter += '"sampledValue":[{"value":"12","measurand":"Energy.Active.Import.Register"}]}]}'
        assert await raw(f'[2,"ab-1","MeterValues",{meter}]') == [3, "ab-1", {}]
        status = '{"connectorId":1,"errorCode":"NoError","status":"Charging"}'
        assert await raw(f'[2,"ab-2","StatusNotification",{status}]') == [3, "ab-2", {}]
        beat = await raw('[2,"ab-3","Heartbeat",{}]')
        assert beat[:2] == [3, "ab-3"] and beat[2]["currentTime"].endswith("Z")
        # the long way: an id with an escaped quote, an id too long, another action, a payload not an object
        assert await raw('[2,"a\\"b","MeterValues",{}]') == [3, 'a"b', {}]
        too_long = "x" * 37
        assert (await raw(f'[2,"{too_long}","MeterValues",{{}}]'))[:3] == [4, "-1", "FormationViolation"]
        assert (await raw('[2,"ab-4","Authorize",{"idTag":"GOOD"}]'))[2] == {
            "idTagInfo": {"status": "Accepted"}
        }
        assert (await raw('[2,"ab-5","MeterValues",[]]'))[:3] == [4, "ab-5", "FormationViolation"]


async def test_refuses_a_connection_without_an_ocpp_subprotocol(sink: Sink) -> None:
    async with connect(sink.url + "/RAW2", subprotocols=["ocpp2.1"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol is None  # OCPP-J 3.1.2: the handshake completes without one ...
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), REAL_TIMEOUT)  # ... then the server closes at once
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1002
    assert sink.connected_ids() == []


async def test_a_new_connection_replaces_the_old_one(sink: Sink) -> None:
    url = sink.url + "/TWICE"
    async with (
        connect(url, subprotocols=["ocpp1.6"]) as first,  # type: ignore[list-item]
        connect(url, subprotocols=["ocpp1.6"]) as second,  # type: ignore[list-item]
    ):
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(first.recv(), REAL_TIMEOUT)
        assert (await _call(second, "1", "Heartbeat", {}))[:2] == [3, "1"]
        assert sink.connected_ids() == ["TWICE"]


async def _charger(tmp_path: Path, sink: Sink) -> tuple[ChargerApp, asyncio.Task[None]]:
    app = build_charger_app(make_settings(tmp_path, sink), clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    for _ in range(500):
        if sink.is_connected("CP1") and app.station.charger.registration is RegistrationStatus.ACCEPTED:
            return app, task
        await asyncio.sleep(0.01)
    raise AssertionError("the charger did not boot on the sink")


async def test_calls_a_charger_and_probes_it(tmp_path: Path, sink: Sink) -> None:
    app, task = await _charger(tmp_path, sink)
    try:
        answer = await sink.call("CP1", "GetConfiguration", {"key": ["HeartbeatInterval"]})
        assert isinstance(answer, CallResult)
        assert answer.payload["configurationKey"][0]["value"] == "42"  # the interval the sink gave at boot
        prober = Prober(sink, rate=200.0, actions=("GetConfiguration",))
        prober.go.set()
        probing = asyncio.create_task(prober.run())
        await asyncio.sleep(0.1)
        probing.cancel()
        report = prober.report()
        assert report["calls"] >= 5 and report["errors"] == {}
        assert report["latency_ms_p99"] is not None and report["latency_ms_p99"] < 1000
        with pytest.raises(KeyError):
            await sink.call("NOT-HERE", "GetConfiguration", {})
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)


async def test_remote_starts_a_connector_left_preparing(tmp_path: Path) -> None:
    sink = Sink(remote_start_after=0.02, remote_start_tag="APP")
    await sink.start()
    app, task = await _charger(tmp_path, sink)
    try:
        charger = app.station.charger
        app.station.run_model(lambda now: charger.ev_inputs.plug_in(1, now))
        for _ in range(500):
            if charger.connector_status(1) is ChargePointStatus.CHARGING:
                break
            await asyncio.sleep(0.01)
        assert charger.connector_status(1) is ChargePointStatus.CHARGING
        assert charger.view(1, app.station.clock.now()).last_id_tag == "APP"
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
        await sink.stop()


async def test_a_message_over_1_mib_in_fragments_closes_the_link(sink: Sink) -> None:
    async with connect(sink.url + "/BIG", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        chunk = "x" * (256 * 1024)
        with contextlib.suppress(ConnectionClosed):  # the sink may close before the last fragment
            await ws.send(iter(['[2,"1","DataTransfer",{"data":"', *[chunk] * 5, '"}]']))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), REAL_TIMEOUT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_2_0_1_charger_on_the_sink(tmp_path: Path) -> None:
    """The sink answers OCPP 2.0.1 too (a fleet of 2.0.1 chargers against it): boot, a remote-started
    transaction whose events it accepts."""
    sink = Sink(heartbeat_interval=42, remote_start_after=0.02, remote_start_tag="APP")
    await sink.start()
    settings = make_settings(tmp_path, sink, ocpp_versions=("2.0.1",))
    app = build_charger_app(settings, clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    try:
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        charger = app.station.charger
        for _ in range(500):
            if sink.is_connected("CP1") and charger.registration is RegistrationStatus.ACCEPTED:
                break
            await asyncio.sleep(0.01)
        assert charger.registration is RegistrationStatus.ACCEPTED
        answer = await sink.call(
            "CP1",
            "GetVariables",
            {
                "getVariableData": [
                    {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
                ]
            },
        )
        assert isinstance(answer, CallResult)
        assert answer.payload["getVariableResult"][0]["attributeValue"] == "42"
        app.station.run_model(lambda now: charger.ev_inputs.plug_in(1, now))
        for _ in range(500):
            if charger.connector_status(1) is ChargePointStatus.CHARGING and not app.station.outbox.pending:
                break
            await asyncio.sleep(0.01)
        assert charger.view(1, app.station.clock.now()).last_id_tag == "APP"
        assert charger.view(1, app.station.clock.now()).transaction_id == 1  # the Started event was answered
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
        await sink.stop()
