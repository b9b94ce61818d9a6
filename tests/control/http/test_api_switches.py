"""REST API /api/chargers/{id}/switches (issue 17 item 7): read every switch, set some, all or nothing on
a bad one; the model acts on what was set (the CSMS sees it)."""

from __future__ import annotations

from conftest import Api
from ocppsim.csms.server import CallError, CallResult

SW = "/api/chargers/CP1/switches"


async def test_switches_read_and_set(api: Api) -> None:
    r = await api.client.get(SW)
    assert r.status_code == 200
    assert r.json() == {
        "firmware_download_fails": False,
        "firmware_install_fails": False,
        "diagnostics_upload_fails": False,
        "lock_fails": False,
        "fixed_cable": False,
        "feature_profiles": [
            "Core",
            "FirmwareManagement",
            "LocalAuthListManagement",
            "Reservation",
            "SmartCharging",
            "RemoteTrigger",
        ],
    }
    body = {"lock_fails": True, "firmware_install_fails": True, "feature_profiles": ["core", "SmartCharging"]}
    r = await api.client.put(SW, json=body)
    assert r.status_code == 200
    got = r.json()
    assert got["lock_fails"] is True and got["firmware_install_fails"] is True
    assert got["feature_profiles"] == ["Core", "SmartCharging"]
    station = api.app.fleet.get("CP1")
    assert station is not None and station.charger.firmware.install_fails
    unlock = await api.csms.call("CP1", "UnlockConnector", {"connectorId": 1})
    assert isinstance(unlock, CallResult) and unlock.payload == {"status": "UnlockFailed"}
    version = await api.csms.call("CP1", "GetLocalListVersion", {})
    assert isinstance(version, CallResult) and version.payload == {"listVersion": -1}
    trigger = await api.csms.call("CP1", "TriggerMessage", {"requestedMessage": "Heartbeat"})
    assert isinstance(trigger, CallError) and trigger.code == "NotSupported"


async def test_a_bad_switch_changes_nothing(api: Api) -> None:
    key = "/api/chargers/CP1/configuration/UnlockConnectorOnEVSideDisconnect"
    assert (await api.client.put(key, json={"value": "true"})).status_code == 200
    before = (await api.client.get(SW)).json()
    for body in (
        {"fixed_cable": True, "no_such_switch": True},
        {"fixed_cable": True, "lock_fails": "maybe"},
        {"fixed_cable": True, "feature_profiles": ["SmartCharging"]},  # Core is always there
        {"fixed_cable": True, "feature_profiles": True},
    ):
        r = await api.client.put(SW, json=body)
        assert r.status_code == 422, body
        assert "error" in r.json()
        assert (await api.client.get(SW)).json() == before
    # Not even a side effect of a switch named before the bad one (errata 3.83 pins this key).
    keys = (await api.client.get("/api/chargers/CP1/configuration")).json()
    assert {"key": "UnlockConnectorOnEVSideDisconnect", "readonly": False, "value": "true"} in keys
    assert (await api.client.get("/api/chargers/NOPE/switches")).status_code == 404


async def test_powercut(api: Api) -> None:
    r = await api.post("/api/chargers/CP1/connectors/1/plug")
    assert r.status_code == 200, r.text
    r = await api.post("/api/chargers/CP1/connectors/1/start", {"id_tag": "T1"})
    assert r.status_code == 200, r.text
    mark = len(api.csms.frames)
    r = await api.client.post("/api/chargers/CP1/powercut", params={"stop_first": "true"})
    assert r.status_code == 200 and r.json() == {"stopped": 1}
    boot = await api.wait_for(lambda f: f.action == "BootNotification" and api.csms.frames.index(f) > mark)
    stop = [f for f in api.csms.calls("CP1", "StopTransaction") if api.csms.frames.index(f) > mark]
    assert [f.payload["reason"] for f in stop] == ["PowerLoss"]
    assert api.csms.frames.index(stop[0]) < api.csms.frames.index(boot)
    assert (await api.client.post("/api/chargers/NOPE/powercut")).status_code == 404
