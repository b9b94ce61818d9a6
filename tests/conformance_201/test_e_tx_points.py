"""Functional block E, "Start transaction options" and "Stop transaction options" (part 5 section 4.2,
conditional cases: applicable because TxCtrlr.TxStartPoint / TxStopPoint are ReadWrite with these values in
their valuesList). Steps and tool validations: OCPP 2.0.1 part 6 TC_E_<n>_CS and its reusable states, with
the errata 2023-12 (2.5.2 figure 56). Every frame is schema-checked by the built-in CSMS."""

from __future__ import annotations

from typing import Any

import pytest

from conformance_201.steps import call, component, events, set_variables, statuses, variable
from conftest import REAL_TIMEOUT, Sim, SimFactory
from ocppsim import ocmf
from ocppsim.testing.harness import wait_quiet

TOKEN = "12345678"
Payload = dict[str, Any]


async def _tx_ctrlr(sim: Sim, *, start: str | None = None, stop: str | None = None, **more: str) -> None:
    """Configuration state of the case: TxCtrlr points (and other TxCtrlr variables) ReadWrite."""
    items = []
    if start is not None:
        items.append((component("TxCtrlr"), variable("TxStartPoint"), start, None))
    if stop is not None:
        items.append((component("TxCtrlr"), variable("TxStopPoint"), stop, None))
    items += [(component("TxCtrlr"), variable(name), value, None) for name, value in more.items()]
    result = await set_variables(sim, *items)
    assert all(r["attributeStatus"] == "Accepted" for r in result), result


def _one(sim: Sim, mark: int, kind: str | None = None) -> Payload:
    found = [e for e in events(sim, mark) if kind is None or e["eventType"] == kind]
    assert len(found) == 1, events(sim, mark)
    return found[0]


def _check(event: Payload, kind: str, trigger: str, **info: str) -> None:
    assert (event["eventType"], event["triggerReason"]) == (kind, trigger), event
    for key, value in info.items():
        assert event["transactionInfo"].get(key) == value, (key, event)


async def _energy_transfer_started(sim: Sim) -> Payload:
    """Reusable states Authorized (local) and EnergyTransferStarted: the Started event."""
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd(f"tag {TOKEN}")
    started = _one(sim, mark, "Started")
    assert sim.station.charger.connector_status(1).value == "Charging"
    return started


async def _stop_authorized_local(sim: Sim) -> list[Payload]:
    mark = sim.mark()
    await sim.advance(60)  # <Configured Transaction Duration>
    mark = sim.mark()
    await sim.cmd(f"tag {TOKEN}")
    return events(sim, mark)


# ---------------------------------------------------------------- start transaction options (E01)


@pytest.mark.octt201("TC_E_01")
async def test_e01_power_path_closed(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="PowerPathClosed")
    mark = sim201.mark()
    await sim201.cmd(f"swipe {TOKEN}")  # State is Authorized: no transaction yet
    assert events(sim201, mark) == []
    await sim201.cmd("plugin")  # EVConnectedPreSession
    assert statuses(sim201, mark) == [(1, "Occupied")]
    started = _one(sim201, mark)
    _check(started, "Started", "CablePluggedIn", chargingState="Charging")
    assert started["evse"] == {"id": 1, "connectorId": 1}
    assert started["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}


@pytest.mark.octt201("TC_E_02")
async def test_e02_energy_transfer(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="EnergyTransfer")
    await sim201.cmd("delay")  # the EV connects but draws only later
    mark = sim201.mark()
    await sim201.cmd(f"swipe {TOKEN}")
    await sim201.cmd("plugin")
    assert statuses(sim201, mark) == [(1, "Occupied")]
    assert events(sim201, mark) == []  # authorized and connected: no energy, no transaction
    await sim201.cmd("nodelay")
    started = _one(sim201, mark)
    _check(started, "Started", "ChargingStateChanged", chargingState="Charging")
    assert started["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}
    assert started["evse"] == {"id": 1, "connectorId": 1}


@pytest.mark.octt201("TC_E_09")
async def test_e09_ev_connected(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="EVConnected")
    mark = sim201.mark()
    await sim201.cmd("plugin")
    assert statuses(sim201, mark) == [(1, "Occupied")]
    started = _one(sim201, mark)
    _check(started, "Started", "CablePluggedIn", chargingState="EVConnected")
    assert started["evse"] == {"id": 1, "connectorId": 1}
    assert "idToken" not in started
    # Reusable state Authorized: the token joins the running transaction in an Updated event.
    mark = sim201.mark()
    await sim201.cmd(f"tag {TOKEN}")
    updated = _one(sim201, mark)
    _check(updated, "Updated", "Authorized", chargingState="Charging")
    assert updated["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}
    assert updated["transactionInfo"]["transactionId"] == started["transactionInfo"]["transactionId"]


@pytest.mark.octt201("TC_E_11")
async def test_e11_data_signed(sim201_factory: SimFactory) -> None:
    """TxStartPoint DataSigned with SampledDataCtrlr.SignReadings true (a station with a signing meter):
    the Started event says SignedDataReceived and carries the signed Transaction.Begin reading, then
    ChargingStateChanged Charging."""
    sim = await sim201_factory(signed_meter_values="ocmf")
    await _tx_ctrlr(sim, start="DataSigned")
    (signing,) = await set_variables(
        sim, (component("SampledDataCtrlr"), variable("SignReadings"), "true", None)
    )
    assert signing["attributeStatus"] == "Accepted"
    mark = sim.mark()
    await sim.cmd("delay")  # the EV draws a moment later: step 5's ChargingStateChanged
    await sim.cmd(f"swipe {TOKEN}")  # State is Authorized
    assert events(sim, mark) == []
    await sim.cmd("plugin")  # Manual Action: connect the EV and EVSE
    assert statuses(sim, mark) == [(1, "Occupied")]
    started = _one(sim, mark, "Started")
    _check(started, "Started", "SignedDataReceived")
    assert started["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}
    assert started["evse"] == {"id": 1, "connectorId": 1}
    (mv,) = started["meterValue"]
    (begin,) = mv["sampledValue"]
    assert begin["context"] == "Transaction.Begin"
    smv = begin["signedMeterValue"]
    assert set(smv) == {"signedMeterData", "signingMethod", "encodingMethod", "publicKey"}
    assert all(smv[k] for k in smv)
    document = ocmf.verify(ocmf.document_of(smv["signedMeterData"]), smv["publicKey"])
    assert document["RD"][0]["TX"] == "B" and document["RD"][0]["RV"] == begin["value"]
    # No second signed Begin reading: the Started event carried it.
    assert [e["triggerReason"] for e in events(sim, mark)] == ["SignedDataReceived"]
    mark = sim.mark()
    await sim.cmd("nodelay")
    _check(_one(sim, mark), "Updated", "ChargingStateChanged", chargingState="Charging")


async def test_data_signed_stop_point(sim201_factory: SimFactory) -> None:
    """TxStopPoint DataSigned (part 6 reusable states StopAuthorized, EVConnectedPostSession): the
    driver's stop is an Updated event StopAuthorized, then ChargingStateChanged EVConnected, then Ended
    with SignedDataReceived and the signed Transaction.End reading."""
    sim = await sim201_factory(signed_meter_values="ocmf")
    await _tx_ctrlr(sim, stop="DataSigned")
    await _energy_transfer_started(sim)
    stopping = await _stop_authorized_local(sim)
    assert [(e["eventType"], e["triggerReason"]) for e in stopping] == [
        ("Updated", "StopAuthorized"),
        ("Updated", "ChargingStateChanged"),
        ("Ended", "SignedDataReceived"),
    ], stopping
    assert stopping[1]["transactionInfo"]["chargingState"] == "EVConnected"
    ended = stopping[2]
    assert ended["transactionInfo"]["stoppedReason"] == "Local"
    (end,) = [sv for mv in ended["meterValue"] for sv in mv["sampledValue"] if "signedMeterValue" in sv]
    key = sim.station.signer.public_key_base64  # type: ignore[union-attr]
    document = ocmf.verify(ocmf.document_of(end["signedMeterValue"]["signedMeterData"]), key)
    assert (document["RD"][0]["TX"], document["RD"][0]["RV"]) == ("E", end["value"])


@pytest.mark.octt201("TC_E_10")
async def test_e10_authorized_local(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="Authorized")
    mark = sim201.mark()
    await sim201.cmd(f"swipe {TOKEN}")
    authorize = sim201.calls("Authorize", mark)
    assert [f.payload["idToken"] for f in authorize] == [{"idToken": TOKEN, "type": "ISO14443"}]
    started = _one(sim201, mark)
    _check(started, "Started", "Authorized", chargingState="Idle")
    assert started["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}


@pytest.mark.octt201("TC_E_13")
async def test_e13_authorized_remote(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="Authorized")
    mark = sim201.mark()
    token = {"idToken": "EMA0001", "type": "eMAID"}
    reply = await call(sim201, "RequestStartTransaction", {"idToken": token, "evseId": 1, "remoteStartId": 7})
    assert reply == {"status": "Accepted"}
    assert [f.payload["idToken"] for f in sim201.calls("Authorize", mark)] == [token]
    started = _one(sim201, mark)
    _check(started, "Started", "RemoteStart", remoteStartId=7)  # type: ignore[arg-type]
    assert started["idToken"] == token


@pytest.mark.octt201("TC_E_12")
async def test_e12_parking_bay_occupied(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="ParkingBayOccupancy")
    mark = sim201.mark()
    assert await sim201.conn.bay(True) == "EV in the parking bay. Status Available"  # the text driver
    await sim201.quiet()
    assert await sim201.cmd("arrive") == "Parking bay already occupied"
    assert statuses(sim201, mark) == []  # the connector is still free
    _check(_one(sim201, mark), "Started", "EVDetected", chargingState="Idle")
    mark = sim201.mark()
    await sim201.cmd("plugin")  # EVConnectedPreSession: the transaction started already
    _check(_one(sim201, mark), "Updated", "CablePluggedIn", chargingState="EVConnected")


# ---------------------------------------------------------------- stop transaction options (E06)


@pytest.mark.octt201("TC_E_14")
async def test_e14_ev_disconnected_charging_station_side(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="EVConnected")
    await _energy_transfer_started(sim201)
    stopping = await _stop_authorized_local(sim201)  # StopAuthorized, then EVConnectedPostSession
    assert [(e["eventType"], e["triggerReason"]) for e in stopping] == [
        ("Updated", "StopAuthorized"),
        ("Updated", "ChargingStateChanged"),
    ]
    assert stopping[0]["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}
    assert stopping[1]["transactionInfo"]["chargingState"] == "EVConnected"
    mark = sim201.mark()
    await sim201.cmd("unplug")
    assert statuses(sim201, mark) == [(1, "Available")]
    ended = _one(sim201, mark)
    _check(ended, "Ended", "EVCommunicationLost", chargingState="Idle", stoppedReason="Local")


@pytest.mark.octt201("TC_E_20")
async def test_e20_ev_disconnected_ev_side(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="EVConnected")
    assert (
        await set_variables(
            sim201, (component("TxCtrlr"), variable("StopTxOnEVSideDisconnect"), "false", None)
        )
    )[0]["attributeStatus"] == "Accepted"
    await _energy_transfer_started(sim201)
    mark = sim201.mark()
    await sim201.cmd("suspend")  # EnergyTransferSuspended
    _check(_one(sim201, mark), "Updated", "ChargingStateChanged", chargingState="SuspendedEV")
    mark = sim201.mark()
    await sim201.cmd("unplug")
    ended = _one(sim201, mark)
    _check(ended, "Ended", "EVCommunicationLost", chargingState="Idle", stoppedReason="EVDisconnected")


@pytest.mark.octt201("TC_E_15")
async def test_e15_stop_authorized_local(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="Authorized")
    await _energy_transfer_started(sim201)
    [ended] = await _stop_authorized_local(sim201)
    _check(ended, "Ended", "StopAuthorized", stoppedReason="Local")
    assert ended["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}


@pytest.mark.octt201("TC_E_21")
async def test_e21_stop_authorized_remote(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="Authorized")
    started = await _energy_transfer_started(sim201)
    mark = sim201.mark()
    tx_id = started["transactionInfo"]["transactionId"]
    assert await call(sim201, "RequestStopTransaction", {"transactionId": tx_id}) == {"status": "Accepted"}
    _check(_one(sim201, mark), "Ended", "RemoteStop", stoppedReason="Remote")


@pytest.mark.octt201("TC_E_07")
async def test_e07_power_path_closed_local_stop(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="PowerPathClosed")
    await _energy_transfer_started(sim201)
    [ended] = await _stop_authorized_local(sim201)
    # Errata 2.5.1 (E07, TxStopPoint Authorized or PowerPathClosed): Ended with StopAuthorized.
    _check(ended, "Ended", "StopAuthorized", stoppedReason="Local", chargingState="EVConnected")


@pytest.mark.octt201("TC_E_35")
async def test_e35_power_path_closed_remote_stop(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="PowerPathClosed")
    started = await _energy_transfer_started(sim201)
    mark = sim201.mark()
    tx_id = started["transactionInfo"]["transactionId"]
    assert await call(sim201, "RequestStopTransaction", {"transactionId": tx_id}) == {"status": "Accepted"}
    _check(_one(sim201, mark), "Ended", "RemoteStop", stoppedReason="Remote")


@pytest.mark.octt201("TC_E_37")
async def test_e37_power_path_closed_ev_side_disconnect(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="PowerPathClosed", StopTxOnEVSideDisconnect="false")
    await _energy_transfer_started(sim201)
    await sim201.cmd("suspend")
    mark = sim201.mark()
    await sim201.cmd("unplug")
    ended = _one(sim201, mark)
    _check(ended, "Ended", "EVCommunicationLost", chargingState="Idle", stoppedReason="EVDisconnected")


@pytest.mark.octt201("TC_E_08")
async def test_e08_energy_transfer_stopped_stop_authorized(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="EnergyTransfer")
    await _energy_transfer_started(sim201)
    stopping = await _stop_authorized_local(sim201)  # reusable state StopAuthorized, main A
    assert len(stopping) == 2, stopping
    _check(stopping[0], "Updated", "StopAuthorized")
    assert stopping[0]["idToken"] == {"idToken": TOKEN, "type": "ISO14443"}
    _check(stopping[1], "Ended", "ChargingStateChanged", chargingState="EVConnected", stoppedReason="Local")


@pytest.mark.octt201("TC_E_22")
async def test_e22_energy_transfer_stopped_suspended_ev(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="EnergyTransfer")
    await _energy_transfer_started(sim201)
    mark = sim201.mark()
    await sim201.cmd("suspend")  # the EV suspends the energy transfer
    ended = _one(sim201, mark)
    _check(ended, "Ended", "ChargingStateChanged", chargingState="EVConnected", stoppedReason="StoppedByEV")


@pytest.mark.octt201("TC_E_19")
async def test_e19_parking_bay_unoccupied(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, stop="ParkingBayOccupancy")
    await sim201.cmd("arrive")  # ParkingBayOccupied (optional state: TxStartPoint is PowerPathClosed)
    started = await _energy_transfer_started(sim201)
    await _stop_authorized_local(sim201)
    mark = sim201.mark()
    await sim201.cmd("unplug")  # EVDisconnected: the transaction goes on
    assert statuses(sim201, mark) == [(1, "Available")]
    _check(_one(sim201, mark), "Updated", "EVCommunicationLost", chargingState="Idle")
    mark = sim201.mark()
    assert (await sim201.cmd("depart")).startswith("EV left the parking bay")
    ended = _one(sim201, mark)
    _check(ended, "Ended", "EVDeparted", stoppedReason="Local")
    assert ended["transactionInfo"]["transactionId"] == started["transactionInfo"]["transactionId"]
    assert await sim201.cmd("depart") == "Parking bay already free"


@pytest.mark.octt201("TC_E_39")
async def test_e39_deauthorized_timeout(sim201: Sim) -> None:
    await _tx_ctrlr(sim201, start="Authorized", stop="Authorized", EVConnectionTimeOut="30")
    mark = sim201.mark()
    await sim201.cmd(f"swipe {TOKEN}")  # State is Authorized (local): the transaction starts
    _check(_one(sim201, mark), "Started", "Authorized")
    mark = sim201.mark()
    await sim201.advance(31)
    _check(_one(sim201, mark), "Ended", "EVConnectTimeout", stoppedReason="Timeout")


# ---------------------------------------------------------------- around the cases


async def _listed_points(sim: Sim) -> set[str]:
    request = {
        "requestId": 5,
        "componentVariable": [{"component": {"name": "TxCtrlr"}, "variable": {"name": "TxStartPoint"}}],
    }
    mark = sim.mark()
    assert (await call(sim, "GetReport", request))["status"] == "Accepted"
    reports = [f.payload for f in sim.calls("NotifyReport", mark) if f.payload["requestId"] == 5]
    return set(reports[0]["reportData"][0]["variableCharacteristics"]["valuesList"].split(","))


HONOURED = {"ParkingBayOccupancy", "EVConnected", "Authorized", "PowerPathClosed", "EnergyTransfer"}


async def test_values_list_is_what_is_honoured(sim201: Sim) -> None:
    """valuesList of both points: every value the model follows. DataSigned only on a station with a
    signing meter (signed_meter_values); elsewhere it is not listed and Rejected: it could never hold."""
    assert await _listed_points(sim201) == HONOURED
    for name in ("TxStartPoint", "TxStopPoint"):
        rejected = await set_variables(
            sim201, (component("TxCtrlr"), variable(name), "EVConnected,DataSigned", None)
        )
        assert rejected[0]["attributeStatus"] == "Rejected"


async def test_a_signing_station_lists_data_signed(sim201_factory: SimFactory) -> None:
    signing = await sim201_factory(signed_meter_values="ocmf")
    assert await _listed_points(signing) == {*HONOURED, "DataSigned"}


async def test_remote_start_joins_a_transaction_started_at_the_cable(sim201: Sim) -> None:
    """Reusable state Authorized B after EVConnectedPreSession with TxStartPoint EVConnected: the answer
    carries the running transaction's id; the Updated event says RemoteStart with the remoteStartId and
    the token with its type; the type stays with the transaction across a reconnect (the Ended event
    of the driver's stop)."""
    await _tx_ctrlr(sim201, start="EVConnected")
    mark = sim201.mark()
    await sim201.cmd("plugin")
    tx_id = _one(sim201, mark)["transactionInfo"]["transactionId"]
    mark = sim201.mark()
    token = {"idToken": "EMA0002", "type": "eMAID"}
    reply = await call(sim201, "RequestStartTransaction", {"idToken": token, "evseId": 1, "remoteStartId": 9})
    assert reply == {"status": "Accepted", "transactionId": tx_id}
    updated = _one(sim201, mark)
    _check(updated, "Updated", "RemoteStart", remoteStartId=9, chargingState="Charging")  # type: ignore[arg-type]
    assert updated["idToken"] == token
    sim201.station.disconnect()
    await sim201.quiet()
    sim201.station.connect()
    await wait_quiet(lambda: sim201.station.online, REAL_TIMEOUT, lambda: "not connected", poll=0.005)
    await sim201.quiet()
    mark = sim201.mark()
    await sim201.cmd("tag EMA0002")
    ended = _one(sim201, mark)
    _check(ended, "Ended", "StopAuthorized", stoppedReason="Local")
    assert ended["idToken"] == token


async def test_events_of_the_points_queue_offline_in_order(sim201: Sim) -> None:
    """The Updated events of the points are transaction messages: made while offline they are queued
    (offline true) and delivered in order with consecutive seqNos after the reconnect."""
    await _tx_ctrlr(sim201, start="EVConnected", stop="EVConnected")
    offline_tx = (component("AuthCtrlr"), variable("OfflineTxForUnknownIdEnabled"), "true", None)
    assert (await set_variables(sim201, offline_tx))[0]["attributeStatus"] == "Accepted"
    mark = sim201.mark()
    await sim201.cmd("plugin")
    started = _one(sim201, mark)
    sim201.station.disconnect()
    await sim201.quiet()
    await sim201.cmd(f"tag {TOKEN}")  # Authorized offline (C13: OfflineTxForUnknownIdEnabled)
    await sim201.cmd(f"tag {TOKEN}")  # StopAuthorized, ChargingStateChanged
    await sim201.cmd("unplug")  # Ended
    mark = sim201.mark()
    sim201.station.connect()
    await sim201.csms.wait_for_call(sim201.id, "TransactionEvent", after=mark)
    await sim201.quiet()
    queued = events(sim201, mark)
    assert [(e["eventType"], e["triggerReason"]) for e in queued] == [
        ("Updated", "Authorized"),
        ("Updated", "StopAuthorized"),
        ("Updated", "ChargingStateChanged"),
        ("Ended", "EVCommunicationLost"),
    ]
    assert [e["seqNo"] for e in queued] == [1, 2, 3, 4]
    assert all(e["offline"] is True for e in queued)
    tx_id = started["transactionInfo"]["transactionId"]
    assert {e["transactionInfo"]["transactionId"] for e in queued} == {tx_id}
    assert queued[-1]["transactionInfo"]["stoppedReason"] == "Local"
