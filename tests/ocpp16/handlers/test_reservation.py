"""ReserveNow and CancelReservation through the adapter (OCPP 1.6 sections 5.1, 5.13, 6.5, 6.6, 6.37,
6.38): payload -> the block's answer, schema-valid; a malformed request -> the OCPP-J CallError."""

from __future__ import annotations

from typing import Any

import pytest

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import StatusNotificationReq
from ocppsim.model.types import AvailabilityType
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import OcppCallError, handle_call

from .handler_calls import T0, call

FUTURE = "2030-01-01T00:00:00Z"


def reserve_now(connector: int, rid: int, tag: str = "OWNER", **extra: Any) -> dict[str, Any]:
    return {"connectorId": connector, "expiryDate": FUTURE, "idTag": tag, "reservationId": rid, **extra}


def test_reserve_now_answers(charger: Charger) -> None:
    assert call(charger, "ReserveNow", reserve_now(1, 1, parentIdTag="FLEET")) == {"status": "Accepted"}
    sent = [e for e in charger.drain() if isinstance(e, StatusNotificationReq)]
    assert [(e.connector_id, e.status.value) for e in sent] == [(1, "Reserved")]
    r = charger.reservation.reservations[0]
    assert (r.id_tag, r.parent_id_tag, r.expiry_date) == ("OWNER", "FLEET", 1_893_456_000.0)
    assert call(charger, "ReserveNow", reserve_now(1, 2)) == {"status": "Occupied"}
    assert call(charger, "ReserveNow", reserve_now(0, 3)) == {"status": "Rejected"}  # not supported
    assert call(charger, "ReserveNow", reserve_now(3, 4)) == {"status": "Rejected"}  # no connector 3
    charger.availability.change_availability(2, AvailabilityType.INOPERATIVE, T0)
    assert call(charger, "ReserveNow", reserve_now(2, 5)) == {"status": "Unavailable"}
    past = reserve_now(2, 6) | {"expiryDate": "2020-01-01T00:00:00+02:00"}
    assert call(charger, "ReserveNow", past) == {"status": "Rejected"}


def test_cancel_reservation_answers(charger: Charger) -> None:
    call(charger, "ReserveNow", reserve_now(2, 11))
    assert call(charger, "CancelReservation", {"reservationId": 12}) == {"status": "Rejected"}
    assert call(charger, "CancelReservation", {"reservationId": 11}) == {"status": "Accepted"}
    assert charger.connector_status(2).value == "Available"


@pytest.mark.parametrize(
    ("action", "payload", "code"),
    [
        ("ReserveNow", {"connectorId": 1, "expiryDate": FUTURE, "idTag": "A"}, "ProtocolError"),
        ("ReserveNow", reserve_now(1, 1) | {"reservationId": "1"}, "TypeConstraintViolation"),
        ("ReserveNow", reserve_now(1, 1, tag="X" * 21), "TypeConstraintViolation"),
        ("ReserveNow", reserve_now(1, 1, parentIdTag="P" * 21), "TypeConstraintViolation"),
        ("ReserveNow", reserve_now(1, 1) | {"expiryDate": "tomorrow"}, "TypeConstraintViolation"),
        ("ReserveNow", reserve_now(1, 1) | {"expiryDate": 5}, "TypeConstraintViolation"),
        ("ReserveNow", reserve_now(1, 1, extra=True), "FormationViolation"),
        ("CancelReservation", {}, "ProtocolError"),
        ("CancelReservation", {"reservationId": 1.5}, "TypeConstraintViolation"),
    ],
)
def test_malformed_requests_get_call_errors(
    charger: Charger, action: str, payload: dict[str, Any], code: str
) -> None:
    with pytest.raises(OcppCallError) as caught:
        handle_call(charger, Call("1", action, payload), T0)
    assert caught.value.code == code
    assert charger.reservation.reservations == ()


def test_a_date_the_schema_lets_through_is_still_checked(charger: Charger) -> None:
    """Without inbound validation (a fleet may switch it off) an unparsable date is still a CallError."""
    payload = reserve_now(1, 1) | {"expiryDate": "2030-13-45T99:00:00Z"}
    with pytest.raises(OcppCallError) as caught:
        handle_call(charger, Call("1", "ReserveNow", payload), T0, validate=False)
    assert caught.value.code == "TypeConstraintViolation"
