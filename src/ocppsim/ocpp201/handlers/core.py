"""CS->CP operations of the core block in 2.0.1: Reset (B11 OnIdle / Immediate, B12 with transactions),
ChangeAvailability (G03, G04), DataTransfer (P01)."""

from __future__ import annotations

from ocppsim.model.types import AvailabilityType, ResetType
from ocppsim.ocpp201.handlers.call_error import Handler, Payload, evse_connector
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _reset(session: Session, p: Payload, now: float) -> Payload:
    if p.get("evseId") is not None:
        # Resetting one EVSE (B11.FR.08) is not supported: Rejected (TC_B_28).
        return {"status": "Rejected"}
    boot = session.charger.boot
    # Immediate (B11.FR.03/B12.FR.02): transactions end (stoppedReason ImmediateReset) and the station
    # restarts, as the 1.6 Soft reset does; OnIdle waits for them (B12.FR.01: Scheduled).
    # The next BootNotification says why (BootReasonEnumType; TC_B_21: ScheduledReset, TC_B_22: RemoteReset).
    if p["type"] == "Immediate":
        boot.reset(ResetType.SOFT, now)
        status = "Accepted"
    else:
        status = "Accepted" if boot.reset_on_idle(ResetType.SOFT, now) else "Scheduled"
    session.boot_reason = "ScheduledReset" if status == "Scheduled" else "RemoteReset"
    return {"status": status}


def _change_availability(session: Session, p: Payload, now: float) -> Payload:
    connector = evse_connector(session, p.get("evse"))
    if connector is None:
        return {"status": "Rejected"}
    availability = session.charger.availability
    status = availability.change_availability(connector, AvailabilityType(p["operationalStatus"]), now)
    return {"status": status.value}


def _data_transfer(session: Session, p: Payload, now: float) -> Payload:
    # No vendor extensions are implemented (P01.FR.06: UnknownVendorId).
    return {"status": "UnknownVendorId"}


HANDLERS: dict[str, Handler] = {
    "Reset": _reset,
    "ChangeAvailability": _change_availability,
    "DataTransfer": _data_transfer,
}
