"""Expert mode over real sockets (issue 19 item 5): overrides set from the text command interface (through
the Python driver), from REST, and in process; what the central system receives; the message log's notes;
removal restores the charger's own behaviour; the contract's replies stay as they were."""

from __future__ import annotations

import asyncio

import pytest

from conftest import REAL_TIMEOUT, Api, Sim
from ocppsim.csms.server import CallError, CallResult
from ocppsim.runtime.interception import intercept, overrides

REMOTE_START = {"connectorId": 1, "idTag": "REMOTE"}


async def test_status_override_from_the_driver_answers_without_acting(sim: Sim) -> None:
    override = await sim.conn.intercept("answer", "RemoteStartTransaction", "status", "Rejected")
    mark = sim.mark()
    result = await sim.csms.call(sim.id, "RemoteStartTransaction", REMOTE_START, timeout=REAL_TIMEOUT)
    assert isinstance(result, CallResult) and result.payload == {"status": "Rejected"}
    await sim.quiet()
    assert sim.sent(mark) == []  # it said no, and did nothing
    listed = await sim.conn.interceptions()
    assert [(o["id"], o["action"], o["status"], o["applied"]) for o in listed] == [
        (override, "RemoteStartTransaction", "Rejected", 1)
    ]
    assert await sim.conn.remove_interception(override) == f"Ok. removed #{override}"
    assert await sim.conn.interceptions() == []
    assert sim.station.interception is None  # back to no cost at all
    result = await sim.csms.call(sim.id, "RemoteStartTransaction", REMOTE_START, timeout=REAL_TIMEOUT)
    assert isinstance(result, CallResult) and result.payload == {"status": "Accepted"}
    await sim.quiet()
    assert ("StatusNotification", (1, "Preparing")) in sim.sent(mark)  # now it acts


async def test_call_error_delay_and_no_answer(sim: Sim) -> None:
    reply = await sim.cmd("intercept answer GetConfiguration error NotSupported not on this unit")
    assert reply.startswith("Ok. intercept #")
    assert reply.endswith(" answer GetConfiguration: error NotSupported, model skipped")
    result = await sim.csms.call(sim.id, "GetConfiguration", {}, timeout=REAL_TIMEOUT)
    assert isinstance(result, CallError)
    assert (result.code, result.description) == ("NotSupported", "not on this unit")

    assert await sim.cmd("intercept remove all") == "Ok. removed 1"
    assert (await sim.cmd("intercept answer ClearCache delay 30 times 1")).endswith("ClearCache: delay 30 s")
    answer = asyncio.create_task(sim.csms.call(sim.id, "ClearCache", {}, timeout=REAL_TIMEOUT))
    await sim.quiet()
    assert not answer.done()
    await sim.advance(30)  # the charger's clock: 30 simulated seconds, no real wait
    result = await asyncio.wait_for(answer, REAL_TIMEOUT)
    assert isinstance(result, CallResult) and result.payload == {"status": "Accepted"}
    assert await sim.cmd("intercept") == "[]"  # times 1: used up

    await sim.cmd("intercept answer ChangeConfiguration drop")
    with pytest.raises(TimeoutError):
        await sim.csms.call(
            sim.id, "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "77"}, timeout=0.3
        )
    # A lost answer: the charger did change the key, the CSMS never heard.
    assert sim.station.charger.config.raw("HeartbeatInterval") == "77"


async def test_what_the_charger_sends(sim: Sim) -> None:
    await sim.cmd("intercept send StatusNotification set vendorErrorCode=E42 set info=intercepted times 1")
    mark = sim.mark()
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"  # the contract's reply, unchanged
    sent = sim.calls("StatusNotification", mark)[0].payload
    assert (
        sent["vendorErrorCode"] == "E42" and sent["info"] == "intercepted" and sent["status"] == "Preparing"
    )

    await sim.cmd("intercept send Heartbeat malformed times 1")
    mark = sim.mark()
    trigger = await sim.csms.call(sim.id, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    assert isinstance(trigger, CallResult)
    bad = await sim.csms.wait_for(lambda f: f.kind == 0 and sim.csms.frames.index(f) >= mark, REAL_TIMEOUT)
    assert bad.error == "FormationViolation"  # the CSMS could not parse it and said so
    sim.csms.violations.clear()  # sent on purpose
    await sim.advance(30)  # MessageTimeout: no answer can name the CALL the CSMS could not read
    await sim.cmd("intercept send Authorize remove idTag times 1")
    mark = sim.mark()
    await sim.conn.command("tag")
    auth = await sim.csms.wait_for_call(sim.id, "Authorize", REAL_TIMEOUT, after=mark)
    assert auth.payload == {}
    assert [v.action for v in sim.csms.violations] == ["Authorize"]
    sim.csms.violations.clear()


async def test_bad_text_commands_are_errors(sim: Sim) -> None:
    assert (await sim.cmd("intercept answer Reset")).startswith("Error: usage: intercept answer|send")
    assert await sim.cmd("intercept answer Reset error Oops") == (
        "Error: unknown error code 'Oops' (OCPP-J Table 7: NotImplemented, NotSupported, InternalError, "
        "ProtocolError, SecurityError, FormationViolation, PropertyConstraintViolation, "
        "OccurenceConstraintViolation, TypeConstraintViolation, GenericError)"
    )
    assert (
        await sim.cmd("intercept send Heartbeat drop")
        == "Error: drop applies to answers only (target answer)"
    )
    assert await sim.cmd("intercept remove 9") == "Error: no override '9'"
    assert "intercept" in await sim.cmd("help")
    with pytest.raises(ValueError, match="Error: unknown option"):
        await sim.conn.intercept("answer", "Reset", "frobnicate")


async def test_rest_and_the_message_log(api: Api) -> None:
    base = "/api/chargers/CP1/interceptions"
    r = await api.client.post(base, json={"target": "answer", "action": "Reset", "status": "Rejected"})
    assert r.status_code == 201
    created = r.json()
    number = created["id"]
    assert created["status"] == "Rejected" and created["remaining"] is None
    r = await api.client.post(base, json={"target": "send", "action": "Heartbeat", "delay": 3})
    assert r.status_code == 422 and r.json()["error"] == "delay applies to answers only (target answer)"
    assert (
        await api.client.post(base, json={"target": "answer", "action": "Reset", "eror": "x"})
    ).status_code == 422
    assert [o["id"] for o in (await api.client.get(base)).json()] == [number]

    result = await api.csms.call("CP1", "Reset", {"type": "Soft"}, timeout=REAL_TIMEOUT)
    assert isinstance(result, CallResult) and result.payload == {"status": "Rejected"}
    await api.quiet()
    log = (await api.client.get("/api/chargers/CP1/messages", params={"action": "Reset"})).json()["items"]
    note = f"intercepted #{number}: status Rejected, model skipped"
    assert [(f["direction"], f["type"], f["note"]) for f in log] == [
        ("in", "CALL", note),
        ("out", "CALLRESULT", note),
    ]
    export = (await api.client.get("/api/chargers/CP1/messages.jsonl")).text
    assert f'"note":"{note}"' in export

    assert (await api.client.delete(f"{base}/{number}")).json()["id"] == number
    assert (await api.client.delete(f"{base}/{number}")).status_code == 404
    assert (await api.client.get("/api/chargers/NOPE/interceptions")).status_code == 404
    station = api.app.fleet.get("CP1")
    assert station is not None
    intercept(station, "answer", "*", error="GenericError")  # in process, as the pytest plugin would
    assert len(overrides(station)) == 1
    assert (await api.client.delete(base)).json() == {"removed": 1}
    assert station.interception is None
