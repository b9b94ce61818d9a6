"""REST API of an OCPP 2.0.1 charger: the display messages the CSMS set (SetDisplayMessage; which are
shown now) and the running cost of its transactions (CostUpdated), in GET /api/chargers/{id}."""

from __future__ import annotations

from conftest import Api
from ocppsim.ocpp16.framing import CallResult


async def test_display_messages_and_running_cost_in_the_charger_view(api: Api) -> None:
    r = await api.post("/api/chargers", {"id": "V2", "ocpp_version": "2.0.1", "connectors": 1})
    assert r.status_code == 201, r.text
    await api.wait_for(lambda f: f.charger_id == "V2" and f.action == "StatusNotification")
    await api.quiet()
    view = (await api.client.get("/api/chargers/V2")).json()
    assert (view["display_messages"], view["running_costs"]) == ([], {})

    for message_id, priority in ((1, "NormalCycle"), (2, "InFront")):
        info = {
            "id": message_id,
            "priority": priority,
            "message": {"format": "ASCII", "content": f"m{message_id}"},
        }
        answer = await api.csms.call("V2", "SetDisplayMessage", {"message": info})
        assert isinstance(answer, CallResult) and answer.payload == {"status": "Accepted"}
    assert (await api.post("/api/chargers/V2/connectors/1/plug")).status_code == 200
    assert (await api.post("/api/chargers/V2/connectors/1/start", {"id_tag": "TAG1"})).status_code == 200
    started = await api.wait_for(
        lambda f: (
            f.charger_id == "V2" and f.action == "TransactionEvent" and f.payload["eventType"] == "Started"
        )
    )
    tx = started.payload["transactionInfo"]["transactionId"]
    answer = await api.csms.call("V2", "CostUpdated", {"totalCost": 1.75, "transactionId": tx})
    assert isinstance(answer, CallResult) and answer.payload == {}

    view = (await api.client.get("/api/chargers/V2")).json()
    messages = [(m["id"], m["priority"], m["content"], m["shown"]) for m in view["display_messages"]]
    assert messages == [(1, "NormalCycle", "m1", False), (2, "InFront", "m2", True)]
    assert view["running_costs"] == {tx: 1.75}
    assert (await api.client.get("/api/chargers/CP1")).json()["running_costs"] == {}
