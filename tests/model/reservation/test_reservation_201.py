"""The reservation block on a charger that speaks OCPP 2.0.1 (part 2 H01-H04): ReservationStatusUpdate
when a reservation ends unused (Expired, Removed) and never when it is used or cancelled; the EVSEs that
connector 0 ("any EVSE") reservations need shown Reserved (H01.FR.20); NonEvseSpecific passed by the
adapter instead of ReserveConnectorZeroSupported. A 1.6 charger does none of it (section 5.13)."""

from __future__ import annotations

from typing import Any

from charger_fixtures import ACCEPTED, T0, booted, statuses

from ocppsim.model.charger import Charger, Fault
from ocppsim.model.outgoing import AuthorizeReq, ReservationStatusUpdateReq, StartTransactionReq
from ocppsim.model.types import (
    AvailabilityType,
    ChargePointErrorCode,
    ReservationStatus,
    Timestamp,
)

R = ReservationStatus
V201 = ("2.0.1",)


def reserve(ch: Charger, connector: int, rid: int, *, tag: str = "OWNER", expiry: float = 600) -> R:
    return ch.reservation.reserve_now(
        connector, Timestamp(T0 + expiry), tag, rid, T0, any_connector_supported=True
    )


def updates(effects: list[Any]) -> list[tuple[int, str]]:
    return [(e.reservation_id, e.status) for e in effects if isinstance(e, ReservationStatusUpdateReq)]


def start(ch: Charger, connector: int, tag: str) -> StartTransactionReq | None:
    ch.ev_inputs.plug_in(connector, T0)
    ch.authorization.present_tag(connector, tag, T0)
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, ACCEPTED, T0)
    return next((e for e in ch.drain() if isinstance(e, StartTransactionReq)), None)


def test_expiry_is_reported_on_201_only() -> None:
    for versions, expected in ((V201, [(5, "Expired")]), (("1.6",), [])):
        ch = booted(ocpp_versions=versions)
        assert reserve(ch, 1, 5, expiry=60) is R.ACCEPTED
        ch.drain()
        ch.tick(T0 + 61)
        effects = ch.drain()
        assert updates(effects) == expected
        assert statuses(effects) == ["Available"]


def test_removed_when_the_evse_or_the_station_is_lost() -> None:
    ch = booted(ocpp_versions=V201, number_of_connectors=2)
    assert reserve(ch, 1, 1) is R.ACCEPTED
    assert reserve(ch, 2, 2) is R.ACCEPTED
    ch.drain()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0)
    assert updates(ch.drain()) == [(1, "Removed")]
    ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
    assert updates(ch.drain()) == [(2, "Removed")]


def test_used_or_cancelled_is_not_reported() -> None:
    ch = booted(ocpp_versions=V201, number_of_connectors=2)
    assert reserve(ch, 1, 1) is R.ACCEPTED
    assert reserve(ch, 2, 2) is R.ACCEPTED
    ch.drain()
    started = start(ch, 1, "OWNER")
    assert started is not None and started.reservation_id == 1
    ch.reservation.cancel_reservation(2, T0)
    assert updates(ch.drain()) == []


def test_connector_zero_follows_the_adapter_not_the_16_key() -> None:
    ch = booted(ocpp_versions=V201)
    assert ch.config.get_bool("ReserveConnectorZeroSupported") is False
    assert reserve(ch, 0, 3) is R.ACCEPTED
    refused = ch.reservation.reserve_now(0, Timestamp(T0 + 600), "X", 4, T0, any_connector_supported=False)
    assert refused is R.REJECTED


def test_held_evses_shown_reserved_when_reservations_match_free_evses() -> None:
    ch = booted(ocpp_versions=V201, number_of_connectors=2)
    assert reserve(ch, 0, 1, tag="A") is R.ACCEPTED
    effects = ch.drain()
    assert statuses(effects, 1) == statuses(effects, 2) == []  # two free EVSEs, one reservation
    # A stranger takes EVSE 1: the one left is needed by the reservation (H01.FR.20).
    assert start(ch, 1, "STRANGER") is not None
    ch.tick(T0)
    assert ch.connector_status(2).value == "Reserved"
    assert not ch.reservation.may_admit(ch.state.conn(2), "STRANGER2")
    # Its holder uses it: nothing is held any more.
    started = start(ch, 2, "A")
    assert started is not None and started.reservation_id == 1
    assert ch.reservation.holds(ch.state.conn(2)) is False


def test_held_evse_freed_by_cancel_and_by_a_second_evse_coming_free() -> None:
    ch = booted(ocpp_versions=V201, number_of_connectors=2)
    assert reserve(ch, 0, 1, tag="A") is R.ACCEPTED
    assert reserve(ch, 0, 2, tag="B") is R.ACCEPTED
    effects = ch.drain()
    assert statuses(effects, 1) == statuses(effects, 2) == ["Reserved"]
    assert reserve(ch, 0, 3, tag="C") is R.OCCUPIED
    assert ch.reservation.cancel_reservation(2, T0).value == "Accepted"
    effects = ch.drain()
    assert statuses(effects, 1) == statuses(effects, 2) == ["Available"]


def test_16_charger_never_shows_held_evses() -> None:
    ch = booted(number_of_connectors=1)
    ch.config.load("ReserveConnectorZeroSupported", "true")
    assert ch.reservation.reserve_now(0, Timestamp(T0 + 600), "A", 1, T0) is R.ACCEPTED
    assert statuses(ch.drain()) == []  # section 5.13: connector 0 reservations show on no connector
    assert ch.reservation.holds(ch.state.conn(1)) is False


def test_ev_connecting_leaves_a_reserved_evse_reserved() -> None:
    """G03.FR.09 / H03.FR.10 (errata 2023-12), and 1.6's Preparing (section 4.9 G2) for comparison."""
    for versions, on_plug in ((V201, []), (("1.6",), ["Preparing"])):
        ch = booted(ocpp_versions=versions)
        assert ch.reservation.reserve_now(1, Timestamp(T0 + 600), "OWNER", 1, T0) is R.ACCEPTED
        ch.drain()
        ch.ev_inputs.plug_in(1, T0)
        assert statuses(ch.drain()) == on_plug
    # 2.0.1: the reservation's idToken comes: G2 then the transaction (the reservation used).
    ch = booted(ocpp_versions=V201)
    assert ch.reservation.reserve_now(1, Timestamp(T0 + 600), "OWNER", 1, T0) is R.ACCEPTED
    ch.drain()
    started = start(ch, 1, "OWNER")
    assert started is not None and started.reservation_id == 1
    assert ch.state.illegal_transitions is None
    assert ch.connector_status(1).value == "Charging"


def test_ev_waiting_on_a_reserved_evse_when_the_reservation_expires() -> None:
    ch = booted(ocpp_versions=V201)
    assert reserve(ch, 1, 1, expiry=60) is R.ACCEPTED
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    ch.tick(T0 + 61)
    effects = ch.drain()
    assert updates(effects) == [(1, "Expired")]
    assert statuses(effects) == ["Preparing"]  # G2: the EV is there, no reservation holds the EVSE
