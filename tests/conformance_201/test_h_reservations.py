"""Functional block H (reservation): ReserveNow of a specific EVSE, of an unspecified EVSE and of a
connector type (H01), CancelReservation (H02), the use of a reservation with its idToken or
groupIdToken, the reservationId in TransactionEvent Started (H03), and its end unused:
ReservationStatusUpdate Expired / Removed (H04). Played end to end against the built-in CSMS, which
sends the calls and checks every frame the charger sends against the 2.0.1 schemas; the case ids are
the OCA test tool's (other_cases.py)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance_201.steps import call, component, events, set_variables, statuses, variable
from conftest import Sim
from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import CallError

Payload = dict[str, Any]


def _expiry(sim: Sim, seconds: float = 3600) -> str:
    """An expiryDateTime `seconds` ahead on the station's (the CSMS's) time."""
    return format_time(sim.station.charger.state.ts(sim.clock.now()) + seconds)


def _token(tag: str) -> Payload:
    return {"idToken": tag, "type": "ISO14443"}


async def _reserve(sim: Sim, reservation_id: int, tag: str = "RESERVED1", **fields: Any) -> str:
    payload: Payload = {"id": reservation_id, "expiryDateTime": _expiry(sim), "idToken": _token(tag)}
    payload.update(fields)
    reply = await call(sim, "ReserveNow", payload)
    status: str = reply["status"]
    return status


def _updates(sim: Sim, since: int = 0) -> list[Payload]:
    return [f.payload for f in sim.calls("ReservationStatusUpdate", since)]


def _started(sim: Sim, since: int) -> list[Payload]:
    return [e for e in events(sim, since) if e["eventType"] == "Started"]


async def _disable(sim: Sim, variable_name: str) -> None:
    result = await set_variables(sim, (component("ReservationCtrlr"), variable(variable_name), "false", None))
    assert result[0]["attributeStatus"] == "Accepted", result


# ---------------------------------------------------------------- H01: a specific EVSE


@pytest.mark.octt201("TC_H_01")
async def test_h01_reserve_specific_evse_valid_token(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await _reserve(sim201, 11, evseId=1) == "Accepted"
    assert statuses(sim201, mark) == [(1, "Reserved")]
    # The driver with the reserved idToken comes: the transaction uses the reservation (H03).
    await sim201.cmd("plugin")
    await sim201.cmd("tag RESERVED1")
    [started] = _started(sim201, mark)
    assert started["reservationId"] == 11
    assert started["idToken"] == _token("RESERVED1")
    assert (1, "Occupied") in statuses(sim201, mark)
    # Used: nothing left to cancel, and no ReservationStatusUpdate (it did not end unused).
    assert await call(sim201, "CancelReservation", {"reservationId": 11}) == {"status": "Rejected"}
    assert _updates(sim201, mark) == []


@pytest.mark.octt201("TC_H_02")
async def test_h02_reserved_evse_refuses_another_token(sim201: Sim) -> None:
    assert await _reserve(sim201, 12, evseId=1) == "Accepted"
    mark = sim201.mark()
    await sim201.cmd("plugin")
    reply = await sim201.cmd("tag SOMEONE-ELSE")
    assert not reply.startswith("Tag Accepted"), reply
    assert _started(sim201, mark) == []
    # G03.FR.09 (errata 2023-12): the EV connecting without the reservation's idToken changes nothing.
    assert statuses(sim201, mark) == []
    await sim201.cmd("unplug")
    assert statuses(sim201, mark) == []
    # The reservation still holds the EVSE for its own token; with the EV connected first, its
    # driver's idToken makes the EVSE Occupied (H03.FR.10) and starts the transaction.
    await sim201.cmd("plugin")
    assert statuses(sim201, mark) == []
    await sim201.cmd("tag RESERVED1")
    [started] = _started(sim201, mark)
    assert started["reservationId"] == 12
    assert statuses(sim201, mark) == [(1, "Occupied")]


@pytest.mark.octt201("TC_H_03")
async def test_h03_specific_evse_already_reserved(sim201: Sim) -> None:
    assert await _reserve(sim201, 13, evseId=1) == "Accepted"
    assert await _reserve(sim201, 14, "OTHER", evseId=1) == "Occupied"


@pytest.mark.octt201("TC_H_04")
async def test_h04_specific_evse_occupied(sim201: Sim) -> None:
    await sim201.cmd("plugin")
    assert await _reserve(sim201, 15, evseId=1) == "Occupied"


async def test_h01_specific_evse_faulted(sim201: Sim) -> None:
    assert await sim201.cmd("fault GroundFailure") == "Ok. Status Faulted"
    assert await _reserve(sim201, 16, evseId=1) == "Faulted"
    assert await _reserve(sim201, 17) == "Faulted"  # no EVSE is free, the only one is Faulted


@pytest.mark.octt201("TC_H_06")
async def test_h06_specific_evse_unavailable(sim201: Sim) -> None:
    reply = await call(sim201, "ChangeAvailability", {"operationalStatus": "Inoperative", "evse": {"id": 1}})
    assert reply["status"] == "Accepted"
    assert await _reserve(sim201, 17, evseId=1) == "Unavailable"
    assert await _reserve(sim201, 18) == "Unavailable"


async def test_h01_unknown_evse_and_bad_connector_type(sim201: Sim) -> None:
    assert await _reserve(sim201, 18, evseId=7) == "Rejected"
    assert await _reserve(sim201, 19, connectorType="cCCS2") == "Rejected"


# ---------------------------------------------------------------- H04: ended unused


@pytest.mark.octt201("TC_H_07")
async def test_h07_reservation_expires_unused(sim201: Sim) -> None:
    payload = {"id": 21, "expiryDateTime": _expiry(sim201, 60), "idToken": _token("RESERVED1"), "evseId": 1}
    assert (await call(sim201, "ReserveNow", payload))["status"] == "Accepted"
    mark = sim201.mark()
    await sim201.advance(30)
    assert _updates(sim201, mark) == []
    await sim201.advance(31)
    assert _updates(sim201, mark) == [{"reservationId": 21, "reservationUpdateStatus": "Expired"}]
    assert statuses(sim201, mark) == [(1, "Available")]


@pytest.mark.octt201("TC_H_21")
async def test_h21_station_removes_reservation_when_unavailable(sim201: Sim) -> None:
    assert await _reserve(sim201, 22, evseId=1) == "Accepted"
    mark = sim201.mark()
    reply = await call(sim201, "ChangeAvailability", {"operationalStatus": "Inoperative", "evse": {"id": 1}})
    assert reply["status"] == "Accepted"
    assert _updates(sim201, mark) == [{"reservationId": 22, "reservationUpdateStatus": "Removed"}]
    assert statuses(sim201, mark) == [(1, "Unavailable")]
    assert await call(sim201, "CancelReservation", {"reservationId": 22}) == {"status": "Rejected"}


# ---------------------------------------------------------------- H01: an unspecified EVSE


@pytest.mark.octt201("TC_H_08")
async def test_h08_unspecified_evse_accepted(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    mark = sim.mark()
    assert await _reserve(sim, 31) == "Accepted"
    assert statuses(sim, mark) == []  # two EVSEs free for one reservation: neither is held yet
    # A stranger may take one EVSE; the other is then kept for the reservation (H01.FR.20: Reserved).
    await sim.cmd("@1 plugin")
    assert (await sim.cmd("@1 tag STRANGER")).startswith("Tag Accepted")
    assert (2, "Reserved") in statuses(sim, mark)
    await sim.cmd("@2 plugin")
    assert not (await sim.cmd("@2 tag STRANGER2")).startswith("Tag Accepted")
    await sim.cmd("@2 unplug")
    mark = sim.mark()
    await sim.cmd("@2 plugin")
    await sim.cmd("@2 tag RESERVED1")
    [started] = _started(sim, mark)
    assert (started["evse"]["id"], started["reservationId"]) == (2, 31)


@pytest.mark.octt201("TC_H_09")
async def test_h09_unspecified_evse_all_reserved(sim201: Sim) -> None:
    assert await _reserve(sim201, 32, evseId=1) == "Accepted"
    assert await _reserve(sim201, 33, "OTHER") == "Occupied"


@pytest.mark.octt201("TC_H_10")
async def test_h10_unspecified_evse_all_occupied(sim201: Sim) -> None:
    await sim201.cmd("plugin")
    assert await _reserve(sim201, 34) == "Occupied"


@pytest.mark.octt201("TC_H_12")
async def test_h12_unspecified_evse_unavailable(sim201: Sim) -> None:
    reply = await call(sim201, "ChangeAvailability", {"operationalStatus": "Inoperative"})
    assert reply["status"] == "Accepted"
    assert await _reserve(sim201, 35) == "Unavailable"


@pytest.mark.octt201("TC_H_13")
async def test_h13_unspecified_evse_not_supported(sim201: Sim) -> None:
    await _disable(sim201, "NonEvseSpecific")
    assert await _reserve(sim201, 36) == "Rejected"
    assert await _reserve(sim201, 37, evseId=1) == "Accepted"  # a specific EVSE still can be


@pytest.mark.octt201("TC_H_14")
async def test_h14_as_many_reservations_as_evses(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    mark = sim.mark()
    assert await _reserve(sim, 41, "DRIVER1") == "Accepted"
    assert statuses(sim, mark) == []
    assert await _reserve(sim, 42, "DRIVER2") == "Accepted"
    # H01.FR.20: the available EVSEs are as many as the reservations: all of them are Reserved.
    assert sorted(statuses(sim, mark)) == [(1, "Reserved"), (2, "Reserved")]
    assert await _reserve(sim, 43, "DRIVER3") == "Occupied"
    # One driver uses an EVSE: the other stays Reserved for the second reservation.
    mark = sim.mark()
    await sim.cmd("@1 plugin")
    await sim.cmd("@1 tag DRIVER1")
    [started] = _started(sim, mark)
    assert started["reservationId"] == 41
    assert (2, "Available") not in statuses(sim, mark)
    # Cancelling the second frees the last EVSE.
    mark = sim.mark()
    assert await call(sim, "CancelReservation", {"reservationId": 42}) == {"status": "Accepted"}
    assert statuses(sim, mark) == [(2, "Available")]


# ---------------------------------------------------------------- H01: a connector type


@pytest.mark.octt201("TC_H_15")
async def test_h15_connector_type_success(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    assert await _reserve(sim, 51, connectorType="cType2") == "Accepted"
    mark = sim.mark()
    await sim.cmd("@2 plugin")
    await sim.cmd("@2 tag RESERVED1")
    [started] = _started(sim, mark)
    assert started["reservationId"] == 51


@pytest.mark.octt201("TC_H_16")
async def test_h16_connector_type_as_many_as_connectors(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await _reserve(sim201, 52, connectorType="cType2") == "Accepted"
    assert statuses(sim201, mark) == [(1, "Reserved")]  # H01.FR.24
    assert await _reserve(sim201, 53, "OTHER", connectorType="cType2") == "Occupied"


# ---------------------------------------------------------------- H02: cancel


@pytest.mark.octt201("TC_H_17")
async def test_h17_cancel_reservation(sim201: Sim) -> None:
    assert await _reserve(sim201, 61, evseId=1) == "Accepted"
    mark = sim201.mark()
    assert await call(sim201, "CancelReservation", {"reservationId": 61}) == {"status": "Accepted"}
    assert statuses(sim201, mark) == [(1, "Available")]
    assert _updates(sim201, mark) == []  # cancelled by the CSMS: nothing to tell it


@pytest.mark.octt201("TC_H_18")
async def test_h18_cancel_unknown_reservation(sim201: Sim) -> None:
    assert await call(sim201, "CancelReservation", {"reservationId": 62}) == {"status": "Rejected"}


# ---------------------------------------------------------------- H03: groupIdToken


def _group_answers(sim: Sim, group: str) -> None:
    """The CSMS knows every token as a member of `group` (IdTokenInfo.groupIdToken, C09)."""
    info = {"status": "Accepted", "groupIdToken": {"idToken": group, "type": "Central"}}
    sim.csms.responders["Authorize"] = lambda charger_id, payload: {"idTokenInfo": info}


@pytest.mark.octt201("TC_H_19")
async def test_h19_reserved_evse_used_by_group_member(sim201: Sim) -> None:
    group = {"idToken": "FLEET-A", "type": "Central"}
    assert await _reserve(sim201, 71, "DRIVER1", evseId=1, groupIdToken=group) == "Accepted"
    _group_answers(sim201, "FLEET-A")
    mark = sim201.mark()
    await sim201.cmd("plugin")
    await sim201.cmd("tag COLLEAGUE")
    [started] = _started(sim201, mark)
    assert started["reservationId"] == 71
    assert started["idToken"]["idToken"] == "COLLEAGUE"


@pytest.mark.octt201("TC_H_24")
async def test_h24_unspecified_evse_group_member(sim201: Sim) -> None:
    group = {"idToken": "FLEET-B", "type": "Central"}
    assert await _reserve(sim201, 72, "DRIVER1", groupIdToken=group) == "Accepted"
    _group_answers(sim201, "FLEET-OTHER")
    await sim201.cmd("plugin")
    assert not (await sim201.cmd("tag OUTSIDER")).startswith("Tag Accepted")
    await sim201.cmd("unplug")
    _group_answers(sim201, "FLEET-B")
    mark = sim201.mark()
    await sim201.cmd("plugin")
    await sim201.cmd("tag COLLEAGUE")
    [started] = _started(sim201, mark)
    assert started["reservationId"] == 72


# ---------------------------------------------------------------- configuration, replacement


@pytest.mark.octt201("TC_H_22")
async def test_h22_configured_to_reject(sim201: Sim) -> None:
    await _disable(sim201, "Enabled")
    assert await _reserve(sim201, 81, evseId=1) == "Rejected"
    assert statuses(sim201, sim201.mark()) == []


@pytest.mark.octt201("TC_H_23")
async def test_h23_replace_reservation(sim201_factory: Any) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    assert await _reserve(sim, 91, evseId=1) == "Accepted"
    mark = sim.mark()
    assert await _reserve(sim, 91, evseId=2) == "Accepted"  # the same id: moved (H01.FR.02)
    assert sorted(statuses(sim, mark)) == [(1, "Available"), (2, "Reserved")]
    assert await call(sim, "CancelReservation", {"reservationId": 91}) == {"status": "Accepted"}


async def test_h_reservation_device_model(sim201: Sim) -> None:
    from conformance_201.steps import get_variables

    got = await get_variables(
        sim201,
        (component("ReservationCtrlr"), variable("Available"), None),
        (component("ReservationCtrlr"), variable("Enabled"), None),
        (component("ReservationCtrlr"), variable("NonEvseSpecific"), None),
    )
    assert [(g["attributeStatus"], g.get("attributeValue")) for g in got] == [("Accepted", "true")] * 3


async def test_h_bad_reserve_now_gets_a_call_error(sim201: Sim) -> None:
    bad_time = {"id": 1, "expiryDateTime": "soon", "idToken": _token("A"), "evseId": 1}
    no_token = {"id": 2, "expiryDateTime": _expiry(sim201)}
    got = []
    for payload in (bad_time, no_token):
        answer = await sim201.csms.call(sim201.id, "ReserveNow", payload)
        assert isinstance(answer, CallError), answer
        got.append(answer.code)
    assert got == ["TypeConstraintViolation", "OccurrenceConstraintViolation"]
    assert await _reserve(sim201, 3, evseId=1) == "Accepted"  # the station carries on
