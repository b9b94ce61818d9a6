"""OCPP 2.0.1 ConnectorStatusEnumType (part 2 appendices, G01 "Status Notification") from the 1.6 status
the shared status block keeps: 2.0.1 folds the 1.6 transaction states into Occupied (the charging
state travels in TransactionEvent, E01-E03)."""

from __future__ import annotations

from typing import Final

from ocppsim.model.types import ChargePointStatus

__all__ = ["connector_status"]

S = ChargePointStatus

_STATUS: Final = {
    S.AVAILABLE: "Available",
    S.PREPARING: "Occupied",
    S.CHARGING: "Occupied",
    S.SUSPENDED_EV: "Occupied",
    S.SUSPENDED_EVSE: "Occupied",
    S.FINISHING: "Occupied",
    S.RESERVED: "Reserved",
    S.UNAVAILABLE: "Unavailable",
    S.FAULTED: "Faulted",
}


def connector_status(status: ChargePointStatus) -> str:
    return _STATUS[status]
