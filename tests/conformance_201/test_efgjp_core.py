"""Functional blocks E (transactions, offline queue), F (remote control), G (availability), J (meter
values) and P (data transfer) of the Core profile. Steps and tool validations: OCPP 2.0.1 part 6,
TC_<block>_<n>_CS."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from conformance_201.steps import call, component, events, local_session, set_variables, statuses, variable
from conftest import Sim
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.framing import CallError


async def _set(sim: Sim, comp: str, var: str, value: str) -> None:
    result = await set_variables(sim, (component(comp), variable(var), value, None))
    assert result[0]["attributeStatus"] == "Accepted", result


def _contexts(event: dict[str, Any]) -> list[str]:
    return [sv["context"] for mv in event.get("meterValue", []) for sv in mv["sampledValue"]]


# ---------------------------------------------------------------- E: offline


@pytest.mark.octt201("TC_E_40")
async def test_e40_connection_loss_during_transaction(sim201: Sim) -> None:
    await _set(sim201, "SampledDataCtrlr", "TxUpdatedInterval", "30")
    started = await local_session(sim201)
    sim201.station.disconnect()
    await sim201.quiet()
    await sim201.advance(95)  # three Updated events queue while offline
    mark = sim201.mark()
    sim201.station.connect()
    await sim201.csms.wait_for_call(sim201.id, "TransactionEvent", after=mark)
    await sim201.quiet()
    queued = events(sim201, mark)
    assert len(queued) == 3
    assert all(e["eventType"] == "Updated" and e["offline"] is True and e.get("meterValue") for e in queued)
    tx_id = started["transactionInfo"]["transactionId"]
    assert {e["transactionInfo"]["transactionId"] for e in queued} == {tx_id}
    assert [e["seqNo"] for e in queued] == [1, 2, 3]


# ---------------------------------------------------------------- F: remote control


@pytest.mark.octt201("TC_F_08")
async def test_f08_remote_stop_success(sim201: Sim) -> None:
    started = await local_session(sim201)
    mark = sim201.mark()
    reply = await call(
        sim201, "RequestStopTransaction", {"transactionId": started["transactionInfo"]["transactionId"]}
    )
    assert reply == {"status": "Accepted"}
    ended = events(sim201, mark)[-1]
    assert (ended["eventType"], ended["triggerReason"]) == ("Ended", "RemoteStop")
    assert ended["transactionInfo"]["stoppedReason"] == "Remote"


@pytest.mark.octt201("TC_F_09")
async def test_f09_remote_stop_rejected(sim201: Sim) -> None:
    started = await local_session(sim201)
    other = started["transactionInfo"]["transactionId"] + "9"
    assert await call(sim201, "RequestStopTransaction", {"transactionId": other}) == {"status": "Rejected"}
    assert await call(sim201, "RequestStopTransaction", {"transactionId": "not-ours"}) == {
        "status": "Rejected"
    }


@pytest.mark.octt201("TC_F_20")
async def test_f20_trigger_heartbeat(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await call(sim201, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == {"status": "Accepted"}
    assert len(sim201.calls("Heartbeat", mark)) == 1


# ---------------------------------------------------------------- G: status and availability


@pytest.mark.octt201("TC_G_01")
async def test_g01_available_to_occupied(sim201: Sim) -> None:
    mark = sim201.mark()
    await sim201.cmd("plugin")
    assert statuses(sim201, mark) == [(1, "Occupied")]


@pytest.mark.octt201("TC_G_02")
async def test_g02_occupied_to_available(sim201: Sim) -> None:
    await local_session(sim201)
    mark = sim201.mark()
    await sim201.cmd("unplug")
    assert statuses(sim201, mark) == [(1, "Available")]


AVAILABILITY_TARGETS = {
    "evse": {"evse": {"id": 1}},
    "station": {},
    "connector": {"evse": {"id": 1, "connectorId": 1}},
}


async def _change(sim: Sim, target: str, status: str) -> dict[str, Any]:
    return await call(
        sim, "ChangeAvailability", {"operationalStatus": status, **AVAILABILITY_TARGETS[target]}
    )


async def _operative_to_inoperative(sim: Sim, target: str) -> None:
    mark = sim.mark()
    assert await _change(sim, target, "Inoperative") == {"status": "Accepted"}
    assert statuses(sim, mark) == [(1, "Unavailable")]


async def _operative_to_operative(sim: Sim, target: str) -> None:
    mark = sim.mark()
    assert await _change(sim, target, "Operative") == {"status": "Accepted"}
    assert statuses(sim, mark) == []


async def _inoperative_to_operative(sim: Sim, target: str) -> None:
    await _change(sim, target, "Inoperative")
    mark = sim.mark()
    assert await _change(sim, target, "Operative") == {"status": "Accepted"}
    assert statuses(sim, mark) == [(1, "Available")]


async def _inoperative_to_inoperative(sim: Sim, target: str) -> None:
    await _change(sim, target, "Inoperative")
    mark = sim.mark()
    assert await _change(sim, target, "Inoperative") == {"status": "Accepted"}
    assert statuses(sim, mark) == []


async def _with_ongoing_transaction(sim: Sim, target: str) -> None:
    await local_session(sim)
    mark = sim.mark()
    assert await _change(sim, target, "Inoperative") == {"status": "Scheduled"}
    assert statuses(sim, mark) == []
    await sim.cmd("tag")  # StopAuthorized: the transaction ends, the EVSE goes Unavailable
    assert [e["eventType"] for e in events(sim, mark)] == ["Ended"]
    assert statuses(sim, mark) == [(1, "Unavailable")]


@pytest.mark.octt201("TC_G_03")
async def test_g03_evse_operative_to_inoperative(sim201: Sim) -> None:
    await _operative_to_inoperative(sim201, "evse")


@pytest.mark.octt201("TC_G_09")
async def test_g09_evse_operative_to_operative(sim201: Sim) -> None:
    await _operative_to_operative(sim201, "evse")


@pytest.mark.octt201("TC_G_04")
async def test_g04_evse_inoperative_to_operative(sim201: Sim) -> None:
    await _inoperative_to_operative(sim201, "evse")


@pytest.mark.octt201("TC_G_10")
async def test_g10_evse_inoperative_to_inoperative(sim201: Sim) -> None:
    await _inoperative_to_inoperative(sim201, "evse")


@pytest.mark.octt201("TC_G_11")
async def test_g11_evse_with_ongoing_transaction(sim201: Sim) -> None:
    await _with_ongoing_transaction(sim201, "evse")


@pytest.mark.octt201("TC_G_05")
async def test_g05_station_operative_to_inoperative(sim201: Sim) -> None:
    await _operative_to_inoperative(sim201, "station")


@pytest.mark.octt201("TC_G_12")
async def test_g12_station_operative_to_operative(sim201: Sim) -> None:
    await _operative_to_operative(sim201, "station")


@pytest.mark.octt201("TC_G_06")
async def test_g06_station_inoperative_to_operative(sim201: Sim) -> None:
    await _inoperative_to_operative(sim201, "station")


@pytest.mark.octt201("TC_G_13")
async def test_g13_station_inoperative_to_inoperative(sim201: Sim) -> None:
    await _inoperative_to_inoperative(sim201, "station")


@pytest.mark.octt201("TC_G_14")
async def test_g14_station_with_ongoing_transaction(sim201: Sim) -> None:
    await _with_ongoing_transaction(sim201, "station")


@pytest.mark.octt201("TC_G_07")
async def test_g07_connector_operative_to_inoperative(sim201: Sim) -> None:
    await _operative_to_inoperative(sim201, "connector")


@pytest.mark.octt201("TC_G_15")
async def test_g15_connector_operative_to_operative(sim201: Sim) -> None:
    await _operative_to_operative(sim201, "connector")


@pytest.mark.octt201("TC_G_08")
async def test_g08_connector_inoperative_to_operative(sim201: Sim) -> None:
    await _inoperative_to_operative(sim201, "connector")


@pytest.mark.octt201("TC_G_16")
async def test_g16_connector_inoperative_to_inoperative(sim201: Sim) -> None:
    await _inoperative_to_inoperative(sim201, "connector")


@pytest.mark.octt201("TC_G_17")
async def test_g17_connector_with_ongoing_transaction(sim201: Sim) -> None:
    await _with_ongoing_transaction(sim201, "connector")


# ---------------------------------------------------------------- J: meter values


@pytest.mark.octt201("TC_J_01")
async def test_j01_clock_aligned_without_transaction(sim201: Sim) -> None:
    await _set(sim201, "AlignedDataCtrlr", "Interval", "60")
    mark = sim201.mark()
    await sim201.advance(181)
    values = sim201.calls("MeterValues", mark)
    assert len(values) >= 3
    for frame in values:
        assert frame.payload["evseId"] == 1
        assert {sv["context"] for mv in frame.payload["meterValue"] for sv in mv["sampledValue"]} == {
            "Sample.Clock"
        }


@pytest.mark.octt201("TC_J_02")
async def test_j02_clock_aligned_with_transaction(sim201: Sim) -> None:
    await _set(sim201, "SampledDataCtrlr", "TxUpdatedInterval", "0")
    await _set(sim201, "AlignedDataCtrlr", "Interval", "60")
    await local_session(sim201)
    mark = sim201.mark()
    await sim201.advance(121)
    updated = events(sim201, mark)
    assert len(updated) >= 2
    for event in updated:
        assert (event["eventType"], event["triggerReason"]) == ("Updated", "MeterValueClock")
        assert set(_contexts(event)) == {"Sample.Clock"}
    assert sim201.calls("MeterValues", mark) == []  # the EVSE's values travel in the transaction


@pytest.mark.octt201("TC_J_07")
async def test_j07_started_carries_tx_started_measurands(sim201: Sim) -> None:
    await _set(sim201, "SampledDataCtrlr", "TxStartedMeasurands", "Energy.Active.Import.Register")
    started = await local_session(sim201)
    assert started["evse"] == {"id": 1, "connectorId": 1}
    assert _contexts(started) == ["Transaction.Begin"]
    assert started["meterValue"][0]["sampledValue"][0]["measurand"] == "Energy.Active.Import.Register"


@pytest.mark.octt201("TC_J_09")
async def test_j09_updated_carries_tx_updated_measurands(sim201: Sim) -> None:
    await _set(
        sim201, "SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register,Power.Active.Import"
    )
    await _set(sim201, "SampledDataCtrlr", "TxUpdatedInterval", "20")
    await local_session(sim201)
    mark = sim201.mark()
    await sim201.advance(61)
    updated = events(sim201, mark)
    assert [e["triggerReason"] for e in updated] == ["MeterValuePeriodic"] * 3
    for event in updated:
        measurands = [sv["measurand"] for mv in event["meterValue"] for sv in mv["sampledValue"]]
        assert measurands == ["Energy.Active.Import.Register", "Power.Active.Import"]
        assert set(_contexts(event)) == {"Sample.Periodic"}


# ---------------------------------------------------------------- P: data transfer


@pytest.mark.octt201("TC_P_01")
async def test_p01_data_transfer_unknown_vendor(sim201: Sim) -> None:
    reply = await call(sim201, "DataTransfer", {"vendorId": "org.openchargealliance.octt", "messageId": "m1"})
    assert reply["status"] in ("UnknownVendorId", "UnknownMessageId", "Rejected")


@pytest.mark.octt201("TC_P_03")
async def test_p03_custom_data_is_accepted(sim201: Sim) -> None:
    custom = {"vendorId": "org.openchargealliance.octt", "extra": 1}
    data = {
        "component": {"name": "OCPPCommCtrlr", "customData": custom},
        "variable": {"name": "OfflineThreshold"},
        "attributeValue": "200",
        "attributeType": "Actual",
        "customData": custom,
    }
    reply = await call(sim201, "SetVariables", {"setVariableData": [data], "customData": custom})
    assert reply["setVariableResult"][0]["attributeStatus"] == "Accepted"
    get = {
        "component": {"name": "OCPPCommCtrlr"},
        "variable": {"name": "OfflineThreshold"},
        "attributeType": "Actual",
    }
    result = (await call(sim201, "GetVariables", {"getVariableData": [get], "customData": custom}))[
        "getVariableResult"
    ]
    assert (result[0]["attributeStatus"], result[0]["attributeValue"]) == ("Accepted", "200")


# ---------------------------------------------------------------- G: availability persists a reboot


async def _persists_across_reboot(sim: Sim, target: str) -> None:
    mark = sim.mark()
    assert await _change(sim, target, "Inoperative") == {"status": "Accepted"}
    assert statuses(sim, mark) == [(1, "Unavailable")]
    mark = sim.mark()
    assert await call(sim, "Reset", {"type": "OnIdle"}) == {"status": "Accepted"}  # Reusable State Booted
    await sim.csms.wait_for_call(sim.id, "BootNotification", after=mark)
    await sim.csms.wait_for(
        lambda f: f.action == "StatusNotification" and f.direction == "in" and sim.csms.frames.index(f) > mark
    )
    await sim.quiet()
    assert statuses(sim, mark) == [(1, "Unavailable")]


@pytest.mark.octt201("TC_G_18")
async def test_g18_evse_state_persists_across_reboot(sim201: Sim) -> None:
    await _persists_across_reboot(sim201, "evse")


@pytest.mark.octt201("TC_G_21")
async def test_g21_station_state_persists_across_reboot(sim201: Sim) -> None:
    await _persists_across_reboot(sim201, "station")


@pytest.mark.octt201("TC_G_19")
async def test_g19_connector_state_persists_across_reboot(sim201: Sim) -> None:
    await _persists_across_reboot(sim201, "connector")


# ---------------------------------------------------------------- E: retries of transaction messages

MESSAGE_TIMEOUT = 30  # OCPPCommCtrlr.MessageTimeout[Default]
INTERVAL = 10


async def _retries(sim: Sim, answers: list[Any]) -> list[float]:
    """A Started event answered in turn by `answers` (None: no answer, a string: that CALLERROR, a dict:
    that result; past the list: {}); the simulated times it was sent at."""
    tx_event = "TransactionEvent"
    result = await set_variables(
        sim,
        (component("OCPPCommCtrlr"), variable("MessageAttempts", tx_event), "3", None),
        (component("OCPPCommCtrlr"), variable("MessageAttemptInterval", tx_event), str(INTERVAL), None),
    )
    assert [r["attributeStatus"] for r in result] == ["Accepted", "Accepted"]
    sent: list[float] = []

    def answer(charger_id: str, payload: dict[str, Any]) -> Any:
        if payload["eventType"] != "Started":
            return {}
        sent.append(sim.clock.now())
        reply = answers.pop(0) if answers else {}
        return CallError("", reply, "refused", {}) if isinstance(reply, str) else reply

    sim.csms.responders[tx_event] = answer
    await sim.cmd("plugin")
    await sim.conn.command("tag")
    # A CALL that gets no answer keeps the charger busy until its MessageTimeout: step time without
    # waiting for quiet, letting each step's frames cross the loopback.
    for _ in range(300):
        await sim.clock.advance(1)
        await asyncio.sleep(0.002)
    await sim.quiet()
    return sent


def _gaps(sent: list[float]) -> list[float]:
    return [round(b - a) for a, b in itertools.pairwise(sent)]


@pytest.mark.octt201("TC_E_41")
async def test_e41_max_retry_count_reached(sim201: Sim) -> None:
    sent = await _retries(sim201, [None, None, None, None])
    # Sent MessageAttempts times, each after MessageTimeout + interval x the sends before it; then no more.
    assert _gaps(sent) == [MESSAGE_TIMEOUT + INTERVAL, MESSAGE_TIMEOUT + 2 * INTERVAL]


@pytest.mark.octt201("TC_E_42")
async def test_e42_success_before_max_retry_count(sim201: Sim) -> None:
    sent = await _retries(sim201, [None, {}])
    assert _gaps(sent[:2]) == [MESSAGE_TIMEOUT + INTERVAL]
    assert len([t for t in sent if t == sent[1]]) == 1  # answered: not sent again


@pytest.mark.octt201("TC_E_50")
async def test_e50_max_retry_count_reached_callerror(sim201: Sim) -> None:
    sent = await _retries(sim201, ["InternalError"] * 4)
    assert _gaps(sent) == [INTERVAL, 2 * INTERVAL]  # a CALLERROR is an answer: no MessageTimeout waited


@pytest.mark.octt201("TC_E_51")
async def test_e51_success_before_max_retry_count_callerror(sim201: Sim) -> None:
    sent = await _retries(sim201, ["InternalError", {}])
    assert _gaps(sent) == [INTERVAL]


# ---------------------------------------------------------------- E14: GetTransactionStatus


async def _step(sim: Sim, seconds: int) -> None:
    """Move simulated time one second at a time without waiting for quiet (a CALL may hang)."""
    for _ in range(seconds):
        await sim.clock.advance(1)
        await asyncio.sleep(0.002)


async def _status(sim: Sim, transaction_id: str | None) -> dict[str, Any]:
    payload = {} if transaction_id is None else {"transactionId": transaction_id}
    answer = await sim.csms.call(sim.id, "GetTransactionStatus", payload)
    return answer.payload  # type: ignore[union-attr]


async def _offline_events_held(sim: Sim, *, stop: bool) -> str:
    """A transaction whose events queue while offline (stopped offline too with `stop`); after the
    reconnect the CSMS holds back its answer to the first, so they are still in the queue."""
    await _set(sim, "SampledDataCtrlr", "TxUpdatedInterval", "30")
    started = await local_session(sim)
    sim.station.disconnect()
    await sim.quiet()
    await sim.advance(65)
    if stop:
        await sim.cmd("tag")
        await sim.cmd("unplug")
    sim.csms.responders["TransactionEvent"] = lambda charger_id, payload: None
    mark = sim.mark()
    sim.station.connect()
    await sim.csms.wait_for_call(sim.id, "TransactionEvent", after=mark)
    return str(started["transactionInfo"]["transactionId"])


async def _release(sim: Sim) -> None:
    """The CSMS answers again; the held event times out, is sent again, and the queue empties."""
    del sim.csms.responders["TransactionEvent"]
    await _step(sim, 200)
    await sim.quiet()


@pytest.mark.octt201("TC_E_28")
async def test_e28_transaction_id_unknown(sim201: Sim) -> None:
    assert await _status(sim201, "no-such-transaction") == {
        "ongoingIndicator": False,
        "messagesInQueue": False,
    }


@pytest.mark.octt201("TC_E_29")
async def test_e29_ongoing_with_messages_in_queue(sim201: Sim) -> None:
    tx_id = await _offline_events_held(sim201, stop=False)
    assert await _status(sim201, tx_id) == {"ongoingIndicator": True, "messagesInQueue": True}
    await _release(sim201)
    offline = [e for e in events(sim201) if e.get("offline")]
    assert offline and all(e["eventType"] == "Updated" and e.get("meterValue") for e in offline)


@pytest.mark.octt201("TC_E_30")
async def test_e30_ongoing_without_messages_in_queue(sim201: Sim) -> None:
    tx_id = await _offline_events_held(sim201, stop=False)
    await _release(sim201)
    assert await _status(sim201, tx_id) == {"ongoingIndicator": True, "messagesInQueue": False}


@pytest.mark.octt201("TC_E_31")
async def test_e31_ended_with_messages_in_queue(sim201: Sim) -> None:
    tx_id = await _offline_events_held(sim201, stop=True)
    assert await _status(sim201, tx_id) == {"ongoingIndicator": False, "messagesInQueue": True}
    await _release(sim201)
    assert events(sim201)[-1]["eventType"] == "Ended"


@pytest.mark.octt201("TC_E_32")
async def test_e32_ended_without_messages_in_queue(sim201: Sim) -> None:
    tx_id = await _offline_events_held(sim201, stop=True)
    await _release(sim201)
    assert await _status(sim201, tx_id) == {"ongoingIndicator": False, "messagesInQueue": False}


@pytest.mark.octt201("TC_E_33")
async def test_e33_without_id_with_messages_in_queue(sim201: Sim) -> None:
    await _offline_events_held(sim201, stop=False)
    assert await _status(sim201, None) == {"messagesInQueue": True}
    await _release(sim201)


@pytest.mark.octt201("TC_E_34")
async def test_e34_without_id_without_messages_in_queue(sim201: Sim) -> None:
    await _offline_events_held(sim201, stop=False)
    await _release(sim201)
    assert await _status(sim201, None) == {"messagesInQueue": False}


# ---------------------------------------------------------------- B04: statuses after an offline period


async def _offline_then_plug(sim: Sim, seconds: int) -> int:
    await _set(sim, "OCPPCommCtrlr", "OfflineThreshold", "60")
    sim.station.disconnect()
    await sim.quiet()
    await sim.cmd("plugin")  # Manual Action: connect the EV while offline
    await sim.advance(seconds)
    mark = sim.mark()
    sim.station.connect()
    await sim.csms.wait_for(
        lambda f: (
            f.direction == "in" and f.action == "StatusNotification" and sim.csms.frames.index(f) >= mark
        )
    )
    await sim.quiet()
    assert sim.calls("BootNotification", mark) == []  # a reconnect is not a boot
    return mark


@pytest.mark.octt201("TC_B_51")
async def test_b51_offline_longer_than_threshold(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    mark = await _offline_then_plug(sim, 90)
    assert statuses(sim, mark) == [(1, "Occupied"), (2, "Available")]  # all connectors


@pytest.mark.octt201("TC_B_52")
async def test_b52_offline_shorter_than_threshold(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    mark = await _offline_then_plug(sim, 30)
    assert statuses(sim, mark) == [(1, "Occupied")]  # only what changed


# ---------------------------------------------------------------- J: the Ended event's values


def _moments(event: dict[str, Any], context: str) -> list[str]:
    return [mv["timestamp"] for mv in event["meterValue"] if mv["sampledValue"][0]["context"] == context]


@pytest.mark.octt201("TC_J_03")
async def test_j03_ended_carries_clock_aligned_values(sim201: Sim) -> None:
    await _set(sim201, "AlignedDataCtrlr", "TxEndedMeasurands", "Energy.Active.Import.Register")
    await _set(sim201, "AlignedDataCtrlr", "TxEndedInterval", "60")
    await local_session(sim201)
    mark = sim201.mark()
    await sim201.advance(185)
    await sim201.cmd("unplug")  # ParkingBayUnoccupied / EV leaves: the transaction ends
    ended = events(sim201, mark)[-1]
    assert ended["eventType"] == "Ended"
    clock = _moments(ended, "Sample.Clock")
    assert len(clock) == 3
    times = [parse_time(t) for t in clock]
    assert [round(b - a) for a, b in itertools.pairwise(times)] == [60, 60]  # AlignedDataTxEndedInterval
    assert all(round(t) % 60 == 0 for t in times)  # clock-aligned


@pytest.mark.octt201("TC_J_10")
async def test_j10_ended_carries_sampled_values(sim201: Sim) -> None:
    await _set(sim201, "SampledDataCtrlr", "TxEndedMeasurands", "Energy.Active.Import.Register")
    await _set(sim201, "SampledDataCtrlr", "TxEndedInterval", "40")
    await _set(sim201, "SampledDataCtrlr", "TxUpdatedInterval", "0")
    await local_session(sim201)
    mark = sim201.mark()
    await sim201.advance(130)
    await sim201.cmd("unplug")
    ended = events(sim201, mark)[-1]
    assert ended["eventType"] == "Ended"
    periodic = [parse_time(t) for t in _moments(ended, "Sample.Periodic")]
    assert [round(b - a) for a, b in itertools.pairwise(periodic)] == [40, 40]  # SampledDataTxEndedInterval
    assert len(periodic) == 3
    assert len(_moments(ended, "Transaction.End")) == 1
    assert _moments(ended, "Transaction.Begin") == []  # the Started event carries those


async def _remote_start(sim: Sim, remote_id: int) -> dict[str, Any]:
    """Reusable state Authorized (remote), TxStartPoint Authorized: the Started event (E03, F02)."""
    mark = sim.mark()
    reply = await call(
        sim,
        "RequestStartTransaction",
        {"idToken": {"idToken": "12345678", "type": "ISO14443"}, "remoteStartId": remote_id},
    )
    assert reply["status"] == "Accepted", reply
    await sim.quiet()
    started = [e for e in events(sim, mark) if e["eventType"] == "Started"]
    assert len(started) == 1, events(sim, mark)
    return started[0]


@pytest.mark.octt201("TC_F_04")
async def test_f04_remote_start_cable_plugin_timeout(sim201: Sim) -> None:
    await _set(sim201, "TxCtrlr", "EVConnectionTimeOut", "30")
    await _set(sim201, "TxCtrlr", "TxStartPoint", "Authorized")
    started = await _remote_start(sim201, 7)
    # The transaction starts at authorization, before the cable (E03; F02.FR.01: with remoteStartId).
    assert started["triggerReason"] == "RemoteStart"
    assert started["transactionInfo"]["remoteStartId"] == 7
    assert started["transactionInfo"]["chargingState"] == "Idle"
    mark = sim201.mark()
    await sim201.advance(25)
    assert events(sim201, mark) == []  # not before EVConnectionTimeOut
    await sim201.advance(6)
    ended = events(sim201, mark)
    assert [(e["eventType"], e["triggerReason"]) for e in ended] == [("Ended", "EVConnectTimeout")]
    assert ended[0]["transactionInfo"]["stoppedReason"] == "Timeout"
    assert ended[0]["transactionInfo"]["transactionId"] == started["transactionInfo"]["transactionId"]
    assert statuses(sim201, mark) == [(1, "Available")]
    # Step 3: the EVSE is ready for another session; this time the cable comes in time.
    again = await _remote_start(sim201, 8)
    assert again["transactionInfo"]["transactionId"] != started["transactionInfo"]["transactionId"]
    mark = sim201.mark()
    await sim201.advance(10)
    await sim201.cmd("plugin")
    await sim201.advance(60)
    assert all(e["eventType"] != "Ended" for e in events(sim201, mark))
