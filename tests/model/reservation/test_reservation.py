"""The reservation block (OCPP 1.6 sections 5.1 CancelReservation, 5.13 ReserveNow): every answer, the
Reserved status and its ends (use, expiry, cancel, fault, unavailable), who may use a reserved connector,
connector 0, and the reservationId in StartTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from charger_fixtures import ACCEPTED, T0, booted, statuses

from ocppsim.model.charger import Charger, ChargerParams, Fault
from ocppsim.model.outgoing import (
    AuthorizeReq,
    IdTagInfo,
    Reservation,
    ReservationsChanged,
    StartTransactionReq,
)
from ocppsim.model.types import (
    AuthorizationStatus,
    AvailabilityType,
    CancelReservationStatus,
    ChargePointErrorCode,
    RegistrationStatus,
    RemoteStartStopStatus,
    ReservationStatus,
    Timestamp,
    UpdateType,
)

R = ReservationStatus
EXPIRY = Timestamp(T0 + 600)


def reserve(
    ch: Charger,
    connector: int = 1,
    *,
    tag: str = "OWNER",
    rid: int = 7,
    expiry: float = EXPIRY,
    parent: str | None = None,
    now: float = T0,
) -> ReservationStatus:
    return ch.reservation.reserve_now(connector, Timestamp(expiry), tag, rid, now, parent_id_tag=parent)


def started(effects: list[Any]) -> StartTransactionReq:
    return next(e for e in effects if isinstance(e, StartTransactionReq))


def saved(effects: list[Any]) -> tuple[Reservation, ...]:
    changes = [e for e in effects if isinstance(e, ReservationsChanged)]
    assert changes, "the change is emitted for the store"
    return changes[-1].reservations


def present(ch: Charger, tag: str, info: IdTagInfo, connector: int = 1, now: float = T0) -> Any:
    """Present a tag and answer its Authorize with `info`."""
    ch.authorization.present_tag(connector, tag, now)
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    return ch.authorization.on_authorize_result(req, info, now)


# ---------------------------------------------------------------- answers


def test_accepted_reserves_the_connector() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    effects = ch.drain()
    assert statuses(effects) == ["Reserved"]  # A7
    assert saved(effects) == (Reservation(7, 1, "OWNER", EXPIRY),)
    assert ch.view(1, T0).reservation_id == 7


def test_faulted_connector_or_charge_point() -> None:
    ch = booted(number_of_connectors=2)
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0)
    assert reserve(ch, 1) is R.FAULTED
    ch.availability.set_fault(0, Fault(ChargePointErrorCode.INTERNAL_ERROR), T0)
    assert reserve(ch, 2) is R.FAULTED
    assert ch.reservation.reservations == ()


def test_unavailable_connector_or_charge_point() -> None:
    ch = booted(number_of_connectors=2)
    ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
    assert reserve(ch, 1) is R.UNAVAILABLE
    ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
    assert reserve(ch, 2) is R.UNAVAILABLE


@pytest.mark.parametrize("use", ["plugged", "charging"])
def test_occupied_when_in_use(use: str) -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    if use == "charging":
        assert present(ch, "TAG", ACCEPTED).accepted
    assert reserve(ch) is R.OCCUPIED


def test_occupied_when_reserved_for_the_same_or_another_tag() -> None:
    ch = booted()
    assert reserve(ch, rid=1) is R.ACCEPTED
    assert reserve(ch, rid=2, tag="OWNER") is R.OCCUPIED
    assert reserve(ch, rid=3, tag="OTHER") is R.OCCUPIED


def test_rejected_unknown_connector_and_past_expiry() -> None:
    ch = booted()
    assert reserve(ch, 5) is R.REJECTED
    assert reserve(ch, expiry=T0 - 1) is R.REJECTED
    assert ch.drain() == []


def test_same_reservation_id_replaces() -> None:
    ch = booted(number_of_connectors=2)
    assert reserve(ch, 1, rid=7) is R.ACCEPTED
    ch.drain()
    later = Timestamp(T0 + 1200)
    assert reserve(ch, 1, rid=7, tag="NEW", expiry=later) is R.ACCEPTED  # same connector: not Occupied
    assert saved(ch.drain()) == (Reservation(7, 1, "NEW", later),)
    assert reserve(ch, 2, rid=7, tag="NEW", expiry=later) is R.ACCEPTED  # moves to connector 2
    effects = ch.drain()
    assert statuses(effects, 1) == ["Available"] and statuses(effects, 2) == ["Reserved"]
    assert saved(effects) == (Reservation(7, 2, "NEW", later),)


def test_a_refused_replacement_keeps_the_old_reservation() -> None:
    ch = booted(number_of_connectors=2)
    assert reserve(ch, 1, rid=7) is R.ACCEPTED
    ch.ev_inputs.plug_in(2, T0)
    assert reserve(ch, 2, rid=7) is R.OCCUPIED
    assert ch.reservation.reservations == (Reservation(7, 1, "OWNER", EXPIRY),)


# ---------------------------------------------------------------- ends


def without_heartbeat(ch: Charger) -> Charger:
    """No other deadline than the reservation's."""
    ch.config.load("HeartbeatInterval", "0")
    ch.boot.restart_heartbeat(T0)
    return ch


def test_expiry_is_a_deadline_and_frees_the_connector() -> None:
    ch = without_heartbeat(booted())
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    assert ch.next_deadline() == pytest.approx(EXPIRY, abs=1e-6)
    ch.tick(EXPIRY - 1)
    assert statuses(ch.drain()) == []
    ch.tick(EXPIRY)
    effects = ch.drain()
    assert statuses(effects) == ["Available"]  # G1
    assert saved(effects) == ()
    assert ch.reservation.next_expiry() is None  # no deadline left for it


def test_expiry_follows_the_central_system_clock() -> None:
    ch = without_heartbeat(booted())
    ch.boot.set_clock_offset(100.0)  # the CSMS is 100 s ahead: its expiryDate comes 100 s earlier here
    assert reserve(ch) is R.ACCEPTED
    assert ch.next_deadline() == pytest.approx(EXPIRY - 100, abs=1e-6)


def test_cancel_accepted_and_unknown_rejected() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    assert ch.reservation.cancel_reservation(8, T0) is CancelReservationStatus.REJECTED
    assert ch.reservation.cancel_reservation(7, T0) is CancelReservationStatus.ACCEPTED
    effects = ch.drain()
    assert statuses(effects) == ["Available"]
    assert saved(effects) == ()
    assert ch.reservation.cancel_reservation(7, T0) is CancelReservationStatus.REJECTED


def test_a_fault_ends_the_reservation() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0)
    effects = ch.drain()
    assert statuses(effects) == ["Faulted"]  # G9
    assert saved(effects) == ()
    ch.availability.set_fault(1, None, T0)
    assert statuses(ch.drain()) == ["Available"]  # not Reserved again


def test_unavailable_ends_the_reservation() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
    effects = ch.drain()
    assert statuses(effects) == ["Unavailable"]  # G8
    assert saved(effects) == ()


def test_the_charge_point_faulted_ends_every_reservation() -> None:
    ch = booted(number_of_connectors=2)
    assert reserve(ch, 1, rid=1) is R.ACCEPTED
    ch.drain()
    ch.availability.set_fault(0, Fault(ChargePointErrorCode.INTERNAL_ERROR), T0)
    effects = ch.drain()
    assert statuses(effects, 1) == ["Available"]
    assert saved(effects) == ()


def test_a_warning_does_not_end_it() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.WEAK_SIGNAL), T0)
    assert ch.connector_status(1).value == "Reserved"
    assert ch.reservation.reservations != ()


# ---------------------------------------------------------------- use


def test_the_reserved_tag_starts_with_the_reservation_id() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    ch.ev_inputs.plug_in(1, T0)
    assert statuses(ch.drain()) == ["Preparing"]  # G2
    assert present(ch, "owner", ACCEPTED).accepted  # idTags are case-insensitive
    effects = ch.drain()
    assert started(effects).reservation_id == 7
    assert statuses(effects) == ["Charging"]
    assert saved(effects) == ()
    assert ch.reservation.next_expiry() is None  # no deadline left for it


def test_the_reserved_tag_presented_before_the_cable() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    assert present(ch, "OWNER", ACCEPTED).accepted
    effects = ch.drain()
    assert statuses(effects) == ["Preparing", "Charging"]  # the tag stands for the EV (contract `tag`)
    assert started(effects).reservation_id == 7


def test_another_tag_is_refused_and_the_connector_stays_reserved() -> None:
    ch = booted()
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    outcome = present(ch, "STRANGER", ACCEPTED)
    assert not outcome.accepted and outcome.reserved_for_other
    assert ch.connector_status(1).value == "Reserved"
    assert not any(isinstance(e, StartTransactionReq) for e in ch.drain())


def test_a_tag_with_the_parent_id_tag_from_authorize_may_use_it() -> None:
    ch = booted()
    assert reserve(ch, parent="FLEET") is R.ACCEPTED
    ch.drain()
    outcome = present(ch, "DRIVER2", IdTagInfo(AuthorizationStatus.ACCEPTED, "fleet"))
    assert outcome.accepted
    assert started(ch.drain()).reservation_id == 7


def test_a_tag_with_another_parent_is_refused() -> None:
    ch = booted()
    assert reserve(ch, parent="FLEET") is R.ACCEPTED
    ch.drain()
    outcome = present(ch, "DRIVER2", IdTagInfo(AuthorizationStatus.ACCEPTED, "OTHERFLEET"))
    assert not outcome.accepted and outcome.reserved_for_other
    assert ch.connector_status(1).value == "Reserved"


def test_the_parent_id_tag_is_found_in_the_local_list() -> None:
    ch = booted()
    listed = IdTagInfo(AuthorizationStatus.ACCEPTED, "FLEET")
    assert ch.authorization.send_local_list(1, UpdateType.FULL, [("DRIVER2", listed)]).value == "Accepted"
    assert reserve(ch, parent="FLEET") is R.ACCEPTED
    ch.drain()
    # LocalPreAuthorize: decided from the list, no Authorize.req; the list gives the parent idTag.
    ch.config.load("LocalPreAuthorize", "true")
    outcome = ch.authorization.present_tag(1, "DRIVER2", T0)
    effects = ch.drain()
    assert not any(isinstance(e, AuthorizeReq) for e in effects)
    assert getattr(outcome, "accepted", False)
    assert started(effects).reservation_id == 7


def test_the_reserved_tag_on_another_connector_leaves_the_reservation() -> None:
    ch = booted(number_of_connectors=2)
    assert reserve(ch, 1) is R.ACCEPTED
    ch.drain()
    assert present(ch, "OWNER", ACCEPTED, connector=2).accepted
    assert started(ch.drain()).reservation_id is None
    assert ch.connector_status(1).value == "Reserved"


def test_remote_start_with_the_reserved_tag_only() -> None:
    ch = booted()
    ch.config.load("AuthorizeRemoteTxRequests", "false")
    assert reserve(ch) is R.ACCEPTED
    ch.drain()
    assert ch.transactions.remote_start("OTHER", 1, None, T0) is RemoteStartStopStatus.REJECTED
    assert ch.transactions.remote_start("OTHER", None, None, T0) is RemoteStartStopStatus.REJECTED
    assert ch.transactions.remote_start("OWNER", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    assert statuses(ch.drain()) == ["Preparing"]  # G2
    ch.ev_inputs.plug_in(1, T0)
    assert started(ch.drain()).reservation_id == 7


def test_remote_start_without_connector_picks_the_reserved_one() -> None:
    ch = booted(number_of_connectors=2)
    ch.config.load("AuthorizeRemoteTxRequests", "false")
    assert reserve(ch, 2) is R.ACCEPTED
    assert ch.transactions.remote_start("OWNER", None, None, T0) is RemoteStartStopStatus.ACCEPTED
    ch.ev_inputs.plug_in(2, T0)
    assert started(ch.drain()).reservation_id == 7


def test_remote_start_with_a_parent_tag_is_authorized_first() -> None:
    ch = booted()
    ch.config.load("AuthorizeRemoteTxRequests", "false")
    assert reserve(ch, parent="FLEET") is R.ACCEPTED
    ch.drain()
    assert ch.transactions.remote_start("DRIVER2", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))  # the parent must be learnt
    outcome = ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.ACCEPTED, "FLEET"), T0)
    assert outcome.accepted
    ch.ev_inputs.plug_in(1, T0)
    assert started(ch.drain()).reservation_id == 7


def test_remote_start_with_a_foreign_parent_goes_back_to_reserved() -> None:
    ch = booted()
    assert reserve(ch, parent="FLEET") is R.ACCEPTED
    ch.drain()
    assert ch.transactions.remote_start("DRIVER2", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    outcome = ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.ACCEPTED, "X"), T0)
    assert not outcome.accepted and outcome.reserved_for_other
    assert statuses(ch.drain()) == ["Available", "Reserved"]  # B1, A7: no Preparing -> Reserved
    assert ch.reservation.reservations != ()


def test_a_session_that_times_out_returns_to_reserved() -> None:
    ch = booted()
    ch.config.load("AuthorizeRemoteTxRequests", "false")
    assert reserve(ch) is R.ACCEPTED
    assert ch.transactions.remote_start("OWNER", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    ch.drain()
    timeout = ch.config.get_int("ConnectionTimeOut")
    ch.tick(T0 + timeout)
    assert statuses(ch.drain()) == ["Available", "Reserved"]


# ---------------------------------------------------------------- connector 0


def test_connector_zero_rejected_by_default() -> None:
    ch = booted()
    assert ch.config.get_bool("ReserveConnectorZeroSupported") is False
    assert reserve(ch, 0) is R.REJECTED


def zero_supported(connectors: int = 2) -> Charger:
    ch = booted(number_of_connectors=connectors)
    ch.config.load("ReserveConnectorZeroSupported", "true")
    return ch


def test_connector_zero_keeps_one_connector_free_for_the_tag() -> None:
    ch = zero_supported(2)
    assert reserve(ch, 0) is R.ACCEPTED
    assert statuses(ch.drain(), 1) == []  # no connector is shown Reserved
    assert present(ch, "A", ACCEPTED, connector=1).accepted  # one free connector is left
    assert started(ch.drain()).reservation_id is None
    refused = present(ch, "B", ACCEPTED, connector=2)  # the last free one is the reservation's
    assert not refused.accepted and refused.reserved_for_other
    assert present(ch, "OWNER", ACCEPTED, connector=2).accepted
    assert started(ch.drain()).reservation_id == 7
    assert ch.reservation.reservations == ()


def test_connector_zero_occupied_faulted_unavailable() -> None:
    ch = zero_supported(1)
    ch.ev_inputs.plug_in(1, T0)
    assert reserve(ch, 0) is R.OCCUPIED
    ch.ev_inputs.unplug(1, T0)
    assert reserve(ch, 0, rid=1) is R.ACCEPTED
    assert reserve(ch, 0, rid=2) is R.OCCUPIED  # the one connector is held already
    assert reserve(ch, 1, rid=3) is R.OCCUPIED  # for the connector 0 reservation
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0)
    assert ch.reservation.cancel_reservation(1, T0) is CancelReservationStatus.ACCEPTED
    assert reserve(ch, 0, rid=4) is R.FAULTED
    ch.availability.set_fault(1, None, T0)
    ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
    assert reserve(ch, 0, rid=5) is R.UNAVAILABLE


def test_connector_zero_ends_when_the_charge_point_becomes_unavailable() -> None:
    ch = zero_supported(2)
    assert reserve(ch, 0) is R.ACCEPTED
    ch.drain()
    ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
    assert saved(ch.drain()) == ()
    assert reserve(ch, 0, rid=8) is R.UNAVAILABLE


# ---------------------------------------------------------------- restart


def test_reservations_come_back_and_expired_ones_are_dropped() -> None:
    kept = Reservation(1, 1, "OWNER", Timestamp(T0 + 60), "FLEET")
    expired = Reservation(2, 2, "OLD", Timestamp(T0 - 1))
    gone = Reservation(3, 9, "NOWHERE", Timestamp(T0 + 60))  # its connector no longer exists
    ch = Charger(
        ChargerParams("CP", number_of_connectors=2, strict_transitions=True),
        now=T0,
        reservations=[kept, expired, gone],
    )
    assert ch.reservation.reservations == (kept,)
    assert saved(ch.drain()) == (kept,)  # the store forgets the others
    assert ch.next_deadline() == pytest.approx(T0 + 60, abs=1e-6)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    assert statuses(ch.drain()) == ["Reserved"]  # reported after the boot (errata 3.22)
