"""CS->CP operations of the reservation block in 2.0.1: ReserveNow (H01 a specific EVSE, an unspecified
EVSE, a connector type; H03 groupIdToken) and CancelReservation (H02), on the shared reservation block
(model/reservation/): EVSE n is its connector n, no evseId is connector 0. The block tells the CSMS
when a reservation ends unused (ReservationStatusUpdate, H04) and puts the reservationId into the
TransactionEvent Started of the transaction that uses it (H03, ocpp201/wire.py)."""

from __future__ import annotations

from ocppsim.model.types import ReservationStatus
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]

# ConnectorEnumType of this station's connectors (device model Connector.ConnectorType, variables.py);
# "Unknown" names no type, so any connector serves it.
_CONNECTOR_TYPES = frozenset({"cType2", "Unknown"})


def _reserve_now(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    config = charger.config
    try:
        expiry = parse_time(p["expiryDateTime"])
    except ValueError:
        raise OcppCallError(
            ErrorCode.TYPE_CONSTRAINT_VIOLATION, f"expiryDateTime {p['expiryDateTime']!r} is not a date-time"
        ) from None
    if not config.get_bool("ReservationCtrlr.Enabled"):
        return {"status": "Rejected", "statusInfo": {"reasonCode": "Disabled"}}
    evse = p.get("evseId")
    connector_type = p.get("connectorType")
    if connector_type is not None and connector_type not in _CONNECTOR_TYPES:
        # H01.FR.06: no EVSE of this station has a connector of that type.
        return {"status": "Rejected", "statusInfo": {"reasonCode": "UnknownConnectorType"}}
    if evse is not None and not charger.has_connector(evse):
        return {"status": "Rejected", "statusInfo": {"reasonCode": "UnknownEvse"}}
    token = p["idToken"]
    group = p.get("groupIdToken")
    id_tag = token["idToken"]
    # No evseId (any EVSE, or any EVSE with the connectorType: every EVSE here has the same type) is the
    # block's connector 0, allowed by NonEvseSpecific (H01.FR.18/19).
    status = charger.reservation.reserve_now(
        evse or 0,
        expiry,
        id_tag,
        p["id"],
        now,
        parent_id_tag=group["idToken"] if group else None,
        any_connector_supported=config.get_bool("ReservationCtrlr.NonEvseSpecific"),
    )
    if status is ReservationStatus.ACCEPTED:
        # The token's type is echoed in what the station sends about it (the TransactionEvent).
        session.id_types[id_tag.lower()] = token["type"]
    # ReserveNowStatusEnumType spells every status of the 1.6 ReservationStatus the same way.
    return {"status": status.value}


def _cancel_reservation(session: Session, p: Payload, now: float) -> Payload:
    # H02: Accepted when a reservation has this id (its EVSE back to Available), else Rejected.
    return {"status": session.charger.reservation.cancel_reservation(p["reservationId"], now).value}


HANDLERS: dict[str, Handler] = {
    "ReserveNow": _reserve_now,
    "CancelReservation": _cancel_reservation,
}
