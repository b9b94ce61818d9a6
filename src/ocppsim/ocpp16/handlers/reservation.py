"""CS->CP operations of the reservation block: ReserveNow (OCPP 1.6 sections 5.13, 6.37, 6.38) and
CancelReservation (5.1, 6.5, 6.6). The schema checks the fields; an expiryDate that is not a date is a
TypeConstraintViolation (OCPP-J section 4.2.3, Table 7)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.framing import ErrorCode
from ocppsim.ocpp16.handlers.call_error import Handler, OcppCallError, Payload

__all__ = ["HANDLERS"]


def _reserve_now(ch: Charger, p: Payload, now: float) -> Payload:
    try:
        expiry = parse_time(p["expiryDate"])
    except ValueError:
        raise OcppCallError(
            ErrorCode.TYPE_CONSTRAINT_VIOLATION, f"expiryDate {p['expiryDate']!r} is not a date-time"
        ) from None
    status = ch.reservation.reserve_now(
        p["connectorId"],
        expiry,
        p["idTag"],
        p["reservationId"],
        now,
        parent_id_tag=p.get("parentIdTag"),
    )
    return {"status": status.value}


def _cancel_reservation(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.reservation.cancel_reservation(p["reservationId"], now).value}


HANDLERS: dict[str, Handler] = {
    "ReserveNow": _reserve_now,
    "CancelReservation": _cancel_reservation,
}
