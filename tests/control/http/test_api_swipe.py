"""POST /api/chargers/{id}/connectors/{n}/swipe: the spec-faithful badge swipe over REST against a real
charger and the built-in CSMS (sections 3.10, 4.10, 9.1 ConnectionTimeOut)."""

from __future__ import annotations

from typing import Any

from conftest import Api

C1 = "/api/chargers/CP1/connectors/1"


def _authorize(_cid: str, payload: dict[str, Any]) -> dict[str, Any]:
    parents = {"CARD1": "FAMILY", "CARD2": "FAMILY", "CARD3": "OTHER"}
    info: dict[str, Any] = {"status": "Accepted" if payload["idTag"] != "BAD" else "Blocked"}
    if payload["idTag"] in parents:
        info["parentIdTag"] = parents[payload["idTag"]]
    return {"idTagInfo": info}


async def test_swipe_before_the_cable_then_stop_by_the_group(api: Api) -> None:
    api.csms.responders["Authorize"] = _authorize
    r = await api.post(f"{C1}/swipe", {"id_tag": "BAD"})
    assert (r.json()["result"], r.json()["authorization"]) == ("rejected", "Blocked")
    r = await api.post(f"{C1}/swipe", {"id_tag": "CARD1"})
    body = r.json()
    assert (body["result"], body["parent_id_tag"]) == ("accepted", "FAMILY")
    assert body["connector"]["status"] == "Preparing" and body["connector"]["plugged"] is False
    r = await api.post(f"{C1}/swipe", {"id_tag": "CARD3"})
    assert r.json()["result"] == "in_use"
    r = await api.post(f"{C1}/plug")
    assert r.json()["connector"]["status"] == "Charging"
    r = await api.post(f"{C1}/swipe", {"id_tag": "CARD3"})
    assert (r.json()["result"], r.json()["parent_id_tag"]) == ("not_stopped", "OTHER")
    assert r.json()["connector"]["status"] == "Charging"
    r = await api.post(f"{C1}/swipe", {"id_tag": "CARD2"})
    assert r.json()["result"] == "stopped"
    stop = await api.wait_for(lambda f: f.action == "StopTransaction")
    assert stop.payload["idTag"] == "CARD2"


async def test_swipe_same_tag_cancel_timeout_and_bad_input(api: Api) -> None:
    r = await api.post(f"{C1}/swipe", {"id_tag": "A"})
    assert r.json()["result"] == "accepted"
    r = await api.post(f"{C1}/swipe", {"id_tag": "a"})
    assert (r.json()["result"], r.json()["connector"]["status"]) == ("cancelled", "Available")
    await api.post(f"{C1}/swipe", {"id_tag": "A"})
    await api.clock.advance(60)  # ConnectionTimeOut
    await api.quiet()
    assert (await api.client.get(C1)).json()["status"] == "Available"
    await api.post(f"{C1}/plug")
    await api.post(f"{C1}/swipe", {"id_tag": "A"})
    r = await api.post(f"{C1}/swipe", {"id_tag": "A"})
    assert r.json()["result"] == "stopping"
    assert (await api.post(f"{C1}/swipe", {"id_tag": "X" * 21})).status_code == 422
    assert (await api.post(f"{C1}/swipe", {})).status_code == 422
    assert (await api.post("/api/chargers/CP1/connectors/9/swipe", {"id_tag": "A"})).status_code == 404
    assert (
        "/api/chargers/{charger_id}/connectors/{connector}/swipe"
        in (await api.client.get("/openapi.json")).json()["paths"]
    )


async def test_bay_sensor_arrive_and_depart(api: Api) -> None:
    """POST .../arrive and .../depart: the parking bay sensor (2.0.1 ParkingBayOccupancy); on this 1.6
    charger they change nothing but the bay: the EV leaving with its cable in unplugs it first."""
    r = await api.post(f"{C1}/arrive")
    assert (r.status_code, r.json()["result"]) == (200, "arrived")
    assert r.json()["connector"]["status"] == "Available"
    assert (await api.post(f"{C1}/arrive")).status_code == 409
    await api.post(f"{C1}/plug")
    r = await api.post(f"{C1}/depart")
    assert (r.json()["result"], r.json()["connector"]["plugged"]) == ("departed", False)
    assert r.json()["connector"]["status"] == "Available"
    assert (await api.post(f"{C1}/depart")).status_code == 409
    paths = (await api.client.get("/openapi.json")).json()["paths"]
    assert {
        f"/api/chargers/{{charger_id}}/connectors/{{connector}}/{p}" for p in ("arrive", "depart")
    } <= set(paths)
