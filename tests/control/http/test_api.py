"""Every route of the REST API against a real charger and the built-in CSMS: what the simulator does and
what the CSMS receives, the 404 / 409 / 422 errors, and the live event stream."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from conftest import REAL_TIMEOUT, Api, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.control.http.server import build_http_app
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock
from ocppsim.settings.flags import parse_http_address
from ocppsim.settings.specs import HttpSettings, SettingsError

CP = "/api/chargers/CP1"
C1 = f"{CP}/connectors/1"


async def test_summary_templates_and_list(api: Api) -> None:
    r = await api.client.get("/api/summary")
    assert r.status_code == 200
    assert r.json() == {
        "chargers": 1,
        "connected": 1,
        "booted": 1,
        "charging": 0,
        "queued": 0,
        "connectors_by_status": {"Available": 2},
    }
    templates = (await api.client.get("/api/templates")).json()
    assert [(t["name"], t["connectors"]) for t in templates] == [("default", 2)]
    page = (await api.client.get("/api/chargers")).json()
    assert page["total"] == 1
    assert page["items"][0] == {
        "id": "CP1",
        "connected": True,
        "registration": "Accepted",
        "connectors": [
            {"connector": 1, "status": "Available", "error_code": "NoError"},
            {"connector": 2, "status": "Available", "error_code": "NoError"},
        ],
    }
    assert (await api.client.get("/api/health")).json()["running"] is True


async def test_create_page_filter_and_delete(api: Api) -> None:
    for n in range(3):
        r = await api.post("/api/chargers", {"id": f"NEW{n}", "connectors": 1, "model": "X1"})
        assert r.status_code == 201, r.text
        assert r.json()["template"] == "default"
    await api.wait_for(lambda f: f.charger_id == "NEW2" and f.action == "StatusNotification")
    boot = next(f for f in api.csms.calls("NEW1", "BootNotification"))
    assert boot.payload["chargePointModel"] == "X1"
    page = (await api.client.get("/api/chargers", params={"q": "new", "limit": 2, "offset": 1})).json()
    assert (page["total"], [c["id"] for c in page["items"]]) == (3, ["NEW1", "NEW2"])
    assert (await api.client.get("/api/chargers", params={"status": "Charging"})).json()["total"] == 0

    assert (await api.post("/api/chargers", {"id": "NEW1"})).status_code == 409
    r = await api.post("/api/chargers", {"id": "X", "template": "nope"})
    assert r.status_code == 404 and "template" in r.json()["error"]
    r = await api.post("/api/chargers", {"id": "", "connectors": 0})
    assert r.status_code == 422
    assert "connectors" in r.json()["error"] and "id" in r.json()["error"]

    assert (await api.client.delete("/api/chargers/NEW1")).status_code == 204
    assert (await api.client.get("/api/chargers/NEW1")).status_code == 404
    assert api.app.store.registers.load("NEW1") == {}
    r = await api.client.delete(CP)
    assert r.status_code == 409 and "text command interface" in r.json()["error"]


async def test_unknown_ids_are_404_with_a_message(api: Api) -> None:
    for method, path in [
        ("GET", "/api/chargers/NOPE"),
        ("GET", f"{CP}/connectors/3"),
        ("POST", f"{CP}/connectors/9/plug"),
        ("PUT", f"{CP}/configuration/NoSuchKey"),
        ("DELETE", "/api/vehicles/NOBODY"),
        ("GET", "/api/nothing-here"),
    ]:
        body = {"value": "1"} if method == "PUT" else None
        r = await api.client.request(method, path, json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]


async def test_a_session_from_the_api(api: Api) -> None:
    listed = (await api.client.get(f"{CP}/connectors")).json()
    assert [(c["connector"], c["status"], c["plugged"]) for c in listed] == [
        (1, "Available", False),
        (2, "Available", False),
    ]
    r = await api.post(f"{C1}/plug")
    assert r.status_code == 200 and r.json()["connector"]["status"] == "Preparing"
    r = await api.post(f"{C1}/plug")
    assert r.status_code == 409 and "already plugged" in r.json()["error"]

    r = await api.post(f"{C1}/start", {"id_tag": "TAG1"})
    assert r.status_code == 200
    assert (r.json()["result"], r.json()["authorization"]) == ("accepted", "Accepted")
    start = await api.wait_for(lambda f: f.action == "StartTransaction" and f.direction == "in")
    assert start.payload["idTag"] == "TAG1" and start.payload["connectorId"] == 1
    connector = (await api.client.get(C1)).json()
    assert connector["status"] == "Charging" and connector["transaction_id"] is not None
    assert connector["power_w"] == pytest.approx(32 * 230 * 3)
    assert (await api.post(f"{C1}/start")).status_code == 409

    await api.clock.advance(600)
    await api.quiet()
    connector = (await api.client.get(C1)).json()
    assert connector["session_wh"] == pytest.approx(22080 * 600 / 3600, rel=1e-3)

    r = await api.post(f"{C1}/suspend")
    assert r.json()["connector"]["status"] == "SuspendedEV"
    r = await api.post(f"{C1}/resume")
    assert r.json()["connector"]["status"] == "Charging"
    r = await api.client.put(f"{C1}/max-current", json={"amps": 10})
    assert r.json()["connector"]["current_a"] == 10
    r = await api.client.put(f"{C1}/max-current", json={"amps": -1})
    assert r.status_code == 422

    r = await api.post(f"{C1}/stop")
    assert r.json()["result"] == "stopping"
    stop = await api.wait_for(lambda f: f.action == "StopTransaction")
    assert stop.payload["reason"] == "Local"
    assert (await api.post(f"{C1}/stop")).status_code == 409
    assert (await api.post(f"{C1}/suspend")).status_code == 409

    r = await api.post(f"{C1}/unplug")
    assert r.json()["connector"]["status"] == "Available"
    r = await api.post(f"{C1}/unplug")
    assert r.status_code == 409 and "no cable" in r.json()["error"]


async def test_tag_rejected_and_unplug_ends_the_transaction(api: Api) -> None:
    api.csms.tags = {"good"}  # the CSMS compares case-insensitively
    r = await api.post(f"{C1}/tag", {"id_tag": "BAD"})
    assert (r.json()["result"], r.json()["authorization"]) == ("rejected", "Invalid")
    r = await api.post(f"{C1}/tag", {"id_tag": "GOOD"})
    assert r.json()["result"] == "accepted"
    await api.wait_for(lambda f: f.action == "StartTransaction")
    r = await api.post(f"{C1}/unplug")
    assert r.json()["result"] == "stopped"
    assert r.json()["id_tag_info"] == {"status": "Accepted"}
    stop = await api.wait_for(lambda f: f.action == "StopTransaction")
    assert stop.payload["reason"] == "EVDisconnected"
    r = await api.post(f"{C1}/tag", {"id_tag": "X" * 21})
    assert r.status_code == 422


async def test_full_fault_and_availability(api: Api) -> None:
    await api.post(f"{C1}/start")
    r = await api.post(f"{C1}/full")
    assert r.json()["connector"]["soc"] == 100 and r.json()["connector"]["status"] == "SuspendedEV"

    r = await api.client.put(
        f"{CP}/connectors/2/fault",
        json={"error_code": "GroundFailure", "info": "RCD tripped", "vendor_error_code": "E42"},
    )
    assert r.status_code == 200 and r.json()["connector"]["status"] == "Faulted"
    await api.quiet()
    sn = await api.wait_for(lambda f: f.action == "StatusNotification" and f.payload["status"] == "Faulted")
    assert sn.payload == {
        "connectorId": 2,
        "errorCode": "GroundFailure",
        "info": "RCD tripped",
        "vendorErrorCode": "E42",
        "status": "Faulted",
        "timestamp": sn.payload["timestamp"],
    }
    assert (await api.post(f"{CP}/connectors/2/start")).status_code == 409
    r = await api.client.put(f"{CP}/connectors/2/fault", json={"error_code": "Broken"})
    assert r.status_code == 422
    r = await api.client.delete(f"{CP}/connectors/2/fault")
    assert r.json()["connector"]["status"] == "Available"

    r = await api.client.put(f"{CP}/connectors/2/availability", json={"type": "Inoperative"})
    assert (r.json()["result"], r.json()["connector"]["status"]) == ("Accepted", "Unavailable")
    r = await api.client.put(f"{C1}/availability", json={"type": "Inoperative"})
    assert r.json()["result"] == "Scheduled"  # a transaction runs (section 5.2)
    r = await api.client.put(f"{CP}/connectors/2/availability", json={"type": "Operative"})
    assert r.json()["connector"]["status"] == "Available"
    summary = (await api.client.get("/api/summary")).json()
    assert summary["connectors_by_status"] == {"SuspendedEV": 1, "Available": 1}


async def test_configuration_with_change_configuration_semantics(api: Api) -> None:
    keys = {k["key"]: k for k in (await api.client.get(f"{CP}/configuration")).json()}
    assert keys["HeartbeatInterval"]["value"] == "300"
    assert "AuthorizationKey" not in keys  # write-only: never shown
    assert keys["NumberOfConnectors"]["readonly"] is True

    r = await api.client.put(f"{CP}/configuration/heartbeatinterval", json={"value": "60"})
    assert r.json() == {"key": "HeartbeatInterval", "status": "Accepted"}
    assert api.app.store.config.load("CP1")["HeartbeatInterval"] == "60"
    r = await api.client.put(f"{CP}/configuration/HeartbeatInterval", json={"value": "soon"})
    assert r.status_code == 409 and r.json()["status"] == "Rejected"
    r = await api.client.put(f"{CP}/configuration/NumberOfConnectors", json={"value": "4"})
    assert r.status_code == 409 and r.json()["status"] == "Rejected"
    r = await api.client.put(f"{CP}/configuration/Bogus", json={"value": "4"})
    assert r.status_code == 404 and r.json()["status"] == "NotSupported"


async def test_a_configuration_value_may_be_a_json_number_or_boolean(api: Api) -> None:
    """The OCPP value is a string; a number or a boolean is taken in its OCPP string form."""
    r = await api.client.put(f"{CP}/configuration/HeartbeatInterval", json={"value": 120})
    assert r.status_code == 200 and r.json()["status"] == "Accepted"
    assert api.app.store.config.load("CP1")["HeartbeatInterval"] == "120"
    r = await api.client.put(f"{CP}/configuration/LocalPreAuthorize", json={"value": True})
    assert r.status_code == 200, r.text
    keys = {k["key"]: k["value"] for k in (await api.client.get(f"{CP}/configuration")).json()}
    assert keys["LocalPreAuthorize"] == "true"
    r = await api.client.put(f"{CP}/configuration/HeartbeatInterval", json={"value": 7.5})
    assert r.status_code == 409  # not an integer: Rejected by the key, as "7.5" would be
    assert "'7.5'" in r.json()["error"]
    for bad in (None, [1], {"a": 1}):
        r = await api.client.put(f"{CP}/configuration/HeartbeatInterval", json={"value": bad})
        assert r.status_code == 422, bad


async def test_profiles_and_composite(api: Api) -> None:
    profile = {
        "chargingProfileId": 7,
        "stackLevel": 1,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}, {"startPeriod": 600, "limit": 8}],
        },
    }
    answer = await api.csms.call(
        "CP1", "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}
    )
    assert answer.payload == {"status": "Accepted"}
    r = await api.client.get(f"{CP}/profiles", params={"duration": 1200})
    body = r.json()
    assert [p["chargingProfileId"] for p in body["profiles"]] == [7]
    assert body["composite"]["1"] == [
        {"startPeriod": 0, "limit": 16.0, "numberPhases": 3},
        {"startPeriod": 600, "limit": 8.0, "numberPhases": 3},
    ]
    assert body["composite"]["2"][0]["limit"] == 32.0
    w = (await api.client.get(f"{CP}/profiles", params={"unit": "W", "duration": 60})).json()
    assert w["composite"]["1"][0]["limit"] == pytest.approx(16 * 230 * 3, abs=0.1)
    assert (await api.client.get(f"{CP}/profiles", params={"unit": "kW"})).status_code == 422


async def test_message_log_filters_latency_and_export(api: Api) -> None:
    await api.post(f"{C1}/start")
    await api.wait_for(lambda f: f.action == "StartTransaction")
    await api.quiet()
    page = (await api.client.get(f"{CP}/messages", params={"limit": 1000})).json()
    actions = [(m["direction"], m["type"], m["action"]) for m in page["items"]]
    assert actions[:2] == [("out", "CALL", "BootNotification"), ("in", "CALLRESULT", "BootNotification")]
    assert ("out", "CALL", "StartTransaction") in actions
    answers = [m for m in page["items"] if m["type"] == "CALLRESULT"]
    assert answers and all(m["latency_ms"] is not None and m["latency_ms"] >= 0 for m in answers)
    start = next(m for m in page["items"] if m["action"] == "StartTransaction" and m["type"] == "CALL")
    assert start["payload"]["idTag"] == "12345678"

    only = (
        await api.client.get(f"{CP}/messages", params={"action": "StartTransaction", "direction": "in"})
    ).json()
    assert [(m["type"], m["action"]) for m in only["items"]] == [("CALLRESULT", "StartTransaction")]
    assert "transactionId" in only["items"][0]["payload"]
    after = (await api.client.get(f"{CP}/messages", params={"after": page["items"][-1]["seq"]})).json()
    assert after["total"] == 0
    future = (await api.client.get(f"{CP}/messages", params={"since": "2999-01-01T00:00:00Z"})).json()
    assert future["total"] == 0
    assert (await api.client.get(f"{CP}/messages", params={"since": "yesterday"})).status_code == 422

    # A CS -> CP call and our answer are logged too, with the time we took to answer.
    await api.csms.call("CP1", "GetConfiguration", {"key": ["HeartbeatInterval"]})
    got = (await api.client.get(f"{CP}/messages", params={"action": "GetConfiguration"})).json()["items"]
    assert [(m["direction"], m["type"]) for m in got] == [("in", "CALL"), ("out", "CALLRESULT")]
    assert got[1]["latency_ms"] is not None

    export = await api.client.get(f"{CP}/messages.jsonl", params={"direction": "out"})
    assert export.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert lines and all(line["direction"] == "out" for line in lines)


async def test_invalid_frames_are_logged(api: Api) -> None:
    station = api.app.station
    session = api.csms._sessions["CP1"]
    await session.ws.send('[2, "x1", "Reset", {"type": "Sideways"}]')
    await session.ws.send("not json")
    await api.until(
        lambda: api.app.fleet.message_log is not None and api.app.fleet.message_log.count("CP1") > 0
    )
    await api.until(
        lambda: any(
            f.message_type == "INVALID"
            for f in api.app.fleet.message_log.frames("CP1")  # type: ignore[union-attr]
        )
    )
    items = (await api.client.get(f"{CP}/messages", params={"action": "Reset"})).json()["items"]
    assert [(m["direction"], m["type"]) for m in items] == [("in", "CALL"), ("out", "CALLERROR")]
    assert items[1]["payload"]["errorCode"] == "PropertyConstraintViolation"
    assert station.online


async def test_vehicles_by_tag(api: Api) -> None:
    r = await api.client.get("/api/vehicles/UNKNOWN")
    assert r.json() == {
        "id_tag": "UNKNOWN",
        "registered": False,
        "capacity_wh": 100000.0,
        "initial_soc": 20.0,
        "max_current_a": 32.0,
        "phases": 3,
        "max_power_w": None,
    }
    small = {"capacity_wh": 40000, "initial_soc": 55, "max_current_a": 16, "phases": 1, "max_power_w": 3000}
    r = await api.client.put("/api/vehicles/ZOE", json=small)
    assert r.status_code == 200 and r.json()["registered"] is True
    assert [v["id_tag"] for v in (await api.client.get("/api/vehicles")).json()] == ["ZOE"]
    assert (await api.client.put("/api/vehicles/ZOE", json={"phases": 4})).status_code == 422
    assert (await api.client.put("/api/vehicles/ZOE", json={"colour": "red"})).status_code == 422

    connector = (await api.post(f"{C1}/start", {"id_tag": "zoe"})).json()["connector"]
    assert connector["ev"]["capacity_wh"] == 40000 and connector["soc"] == 55
    # 3 kW on one phase at 230 V: 13.0 A, below the 16 A the EV could take
    assert connector["current_a"] == pytest.approx(3000 / 230, abs=0.01) and connector["phases_in_use"] == 1
    other = (await api.post(f"{CP}/connectors/2/start", {"id_tag": "SOMEONE"})).json()["connector"]
    assert (other["ev"]["capacity_wh"], other["soc"]) == (100000.0, 20.0)

    # The text interface's `tag` brings a registered vehicle too (an unregistered tag leaves the EV).
    await api.post(f"{C1}/stop")
    await api.post(f"{C1}/unplug")
    await api.client.put("/api/vehicles/VAN", json={"capacity_wh": 75000, "initial_soc": 5})
    async with SimConnection(f"ws://127.0.0.1:{api.app.text_server.port}", timeout=REAL_TIMEOUT) as text:
        assert (await text.command("tag VAN")).startswith("Tag Accepted")
    connector = (await api.client.get(C1)).json()
    assert (connector["ev"]["capacity_wh"], connector["soc"]) == (75000, 5)

    assert (await api.client.delete("/api/vehicles/ZOE")).status_code == 204
    assert [tag for tag, _ in api.app.store.vehicles.load()] == ["VAN"]


async def test_connect_and_disconnect(api: Api) -> None:
    r = await api.client.put(f"{CP}/configuration/AllowOfflineTxForUnknownId", json={"value": "true"})
    assert r.json()["status"] == "Accepted"
    r = await api.post(f"{CP}/disconnect")
    assert r.status_code == 200 and r.json()["held_offline"] is True
    await api.until(lambda: not api.app.station.online)
    await api.post(f"{C1}/start")  # offline: the transaction starts, its messages wait
    charger = (await api.client.get(CP)).json()
    assert charger["connected"] is False and charger["queued"] >= 1
    before = len(api.csms.calls("CP1", "BootNotification"))
    await api.post(f"{CP}/connect")
    await api.until(lambda: api.app.station.online)
    await api.wait_for(lambda f: f.action == "StartTransaction")
    assert len(api.csms.calls("CP1", "BootNotification")) >= before


async def test_event_stream(api: Api) -> None:
    async def read(params: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
        response = await api.client.get("/api/events", params=params)
        assert response.headers["content-type"].startswith("text/event-stream")
        events = []
        for block in response.text.split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "event" in lines:
                events.append((lines["event"], json.loads(lines["data"])))
        return events

    reader = asyncio.create_task(read({"charger": "CP1", "kinds": "status,meter", "limit": 3}))
    frames = asyncio.create_task(read({"kinds": "frame", "limit": 2}))
    await asyncio.sleep(0.05)
    await api.post(f"{C1}/start")
    events = await asyncio.wait_for(reader, REAL_TIMEOUT)
    assert [(k, e.get("status")) for k, e in events] == [
        ("status", "Preparing"),
        ("status", "Charging"),
        ("meter", None),
    ]
    meter = events[2][1]
    assert meter["context"] == "Transaction.Begin" and meter["power_w"] == 22080.0
    assert meter["charger"] == "CP1" and isinstance(meter["time"], str)
    seen = await asyncio.wait_for(frames, REAL_TIMEOUT)
    assert [(e["direction"], e["type"], e["action"]) for _, e in seen] == [
        ("out", "CALL", "StatusNotification"),
        ("in", "CALLRESULT", "StatusNotification"),
    ]
    r = await api.client.get("/api/events", params={"kinds": "gossip"})
    assert r.status_code == 422 and "gossip" in r.json()["error"]


async def test_bearer_token(api: Api) -> None:
    app = build_http_app(api.app.fleet, token="s3cret")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        r = await client.get("/api/summary")
        assert r.status_code == 401 and r.json()["error"] == "missing or wrong bearer token"
        assert (await client.get("/api/summary", headers={"Authorization": "Bearer nope"})).status_code == 401
        assert (
            await client.get("/api/summary", headers={"Authorization": "Bearer s3cret"})
        ).status_code == 200
        assert (await client.get("/api/summary", params={"access_token": "s3cret"})).status_code == 200
        assert (await client.get("/api/chargers/CP1/messages")).status_code == 401
        # The page, the docs and the schema hold no data: public, so the token can be typed in there.
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200


def test_http_settings() -> None:
    assert parse_http_address("9090") == HttpSettings(port=9090)
    assert parse_http_address("localhost:0").host == "localhost"
    with pytest.raises(SettingsError, match="token"):
        parse_http_address("0.0.0.0:8080")
    assert parse_http_address("0.0.0.0:8080", HttpSettings(token="t")).host == "0.0.0.0"
    with pytest.raises(SettingsError, match="PORT"):
        parse_http_address("eighty")


async def test_openapi_documents_every_route(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    operations = [(m.upper(), p) for p, item in spec["paths"].items() for m in item]
    assert len(operations) >= 30
    assert ("POST", "/api/chargers/{charger_id}/connectors/{connector}/start") in operations
    docs = await api.client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    asset = await api.client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


async def test_persisted_message_log_survives_a_restart(csms: CentralSystem, tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path, csms), http=HttpSettings(port=0, persist_log=True, log_size=5))
    for run in (1, 2):
        app = build_charger_app(settings, clock=FakeClock())
        task = asyncio.create_task(app.run())
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        assert app.http_server is not None
        await csms.wait_for(
            lambda f, n=run: len(csms.calls("CP1", "BootNotification")) == n and f.direction == "out",
            REAL_TIMEOUT,
        )
        transport = httpx.ASGITransport(app=app.http_server.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for _ in range(100):  # the boot's StatusNotifications are answered
                if app.station.idle:
                    break
                await asyncio.sleep(0.01)
            memory = (await client.get(f"{CP}/messages")).json()
            export = await client.get(
                f"{CP}/messages.jsonl", params={"persisted": "true", "action": "BootNotification"}
            )
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
    assert memory["total"] == 5  # log_size: bounded in memory
    boots = [json.loads(line) for line in export.text.splitlines()]
    # both runs' BootNotification and its answer, from the SQLite file
    assert [(b["direction"], b["type"]) for b in boots] == [("out", "CALL"), ("in", "CALLRESULT")] * 2


async def test_persisted_export_needs_persistence(api: Api) -> None:
    r = await api.client.get(f"{CP}/messages.jsonl", params={"persisted": "true"})
    assert r.status_code == 409 and "persist_log" in r.json()["error"]


async def test_prometheus_metrics(api: Api) -> None:
    await api.post(f"{C1}/start")
    await api.wait_for(lambda f: f.action == "StartTransaction")
    await api.quiet()
    text = (await api.client.get("/metrics")).text
    lines = set(text.splitlines())
    assert "ocppsim_chargers 1.0" in lines
    assert "ocppsim_chargers_charging 1.0" in lines
    assert 'ocppsim_calls_sent_total{action="StartTransaction"} 1.0' in lines
    assert 'ocppsim_calls_sent_total{action="BootNotification"} 1.0' in lines
    assert any(line.startswith('ocppsim_answer_latency_seconds{quantile="0.99"}') for line in lines)
