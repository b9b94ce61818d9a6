"""REST API: an OCPP 2.0.1 charger's variable monitors (GET /api/chargers/{id}/monitors)."""

from __future__ import annotations

from conftest import Api


async def test_a_2_0_1_charger_shows_its_monitors(api: Api) -> None:
    r = await api.post("/api/chargers", {"id": "M2", "ocpp_version": "2.0.1"})
    assert r.status_code == 201, r.text
    await api.wait_for(lambda f: f.charger_id == "M2" and f.action == "StatusNotification")
    data = {
        "component": {"name": "EVSE", "evse": {"id": 1}},
        "variable": {"name": "Power"},
        "type": "UpperThreshold",
        "value": 3000,
        "severity": 4,
    }
    answer = await api.csms.call("M2", "SetVariableMonitoring", {"setMonitoringData": [data]})
    custom = answer.payload["setMonitoringResult"][0]["id"]
    monitors = (await api.client.get("/api/chargers/M2/monitors")).json()
    assert [(m["id"], m["kind"]) for m in monitors] == [
        (1, "HardWiredMonitor"),
        (2, "PreconfiguredMonitor"),
        (11, "PreconfiguredMonitor"),  # one per EVSE's connector (this fleet's chargers have two)
        (12, "PreconfiguredMonitor"),
        (custom, "CustomMonitor"),
    ]
    assert {k: monitors[-1][k] for k in ("component", "evse", "variable", "type", "value", "severity")} == {
        "component": "EVSE",
        "evse": 1,
        "variable": "Power",
        "type": "UpperThreshold",
        "value": 3000.0,
        "severity": 4,
    }
    r = await api.client.get("/api/chargers/CP1/monitors")  # a 1.6 charger
    assert r.status_code == 404 and "2.0.1" in r.json()["error"]
