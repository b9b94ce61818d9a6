"""REST API of an OCPP 2.0.1 charger: created with `ocpp_version`, its device model read and set
(GET / PUT /api/chargers/{id}/variables, SetVariables semantics)."""

from __future__ import annotations

from conftest import Api


async def test_a_2_0_1_charger_shows_and_sets_variables(api: Api) -> None:
    r = await api.post("/api/chargers", {"id": "V2", "ocpp_version": "2.0.1"})
    assert r.status_code == 201, r.text
    await api.wait_for(lambda f: f.charger_id == "V2" and f.action == "StatusNotification")
    assert api.csms.version_of("V2") == "ocpp2.0.1"
    # The dashboard picks the device model over 1.6 keys by the versions the charger offers.
    assert (await api.client.get("/api/chargers/V2")).json()["ocpp_versions"] == ["2.0.1"]
    variables = (await api.client.get("/api/chargers/V2/variables")).json()
    heartbeat = next(
        v for v in variables if (v["component"], v["variable"]) == ("OCPPCommCtrlr", "HeartbeatInterval")
    )
    assert heartbeat["attributes"] == [{"type": "Actual", "value": "300", "mutability": "ReadWrite"}]
    password = next(v for v in variables if v["variable"] == "BasicAuthPassword")
    assert password["attributes"][0]["value"] is None  # WriteOnly

    body = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "120"}
    r = await api.client.put("/api/chargers/V2/variables", json=body)
    assert (r.status_code, r.json()) == (200, {"status": "Accepted"})
    r = await api.client.put("/api/chargers/V2/variables", json={**body, "value": "soon"})
    assert (r.status_code, r.json()["status"]) == (409, "Rejected")
    r = await api.client.put("/api/chargers/V2/variables", json={**body, "variable": "Nope"})
    assert (r.status_code, r.json()["status"]) == (404, "UnknownVariable")
    evse = {"component": "EVSE", "evse": 1, "variable": "AvailabilityState", "value": "Faulted"}
    r = await api.client.put("/api/chargers/V2/variables", json=evse)
    assert (r.status_code, r.json()["status"]) == (409, "Rejected")  # ReadOnly

    r = await api.client.get("/api/chargers/CP1/variables")  # a 1.6 charger has configuration keys
    assert r.status_code == 404 and "/configuration" in r.json()["error"]
