"""CS->CP operations of the core block: ChangeAvailability (OCPP 1.6 section 5.2), Reset (5.14),
DataTransfer (5.6), and the original ocppsim's answer to a CS->CP Authorize."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.types import AvailabilityType, ResetType
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _change_availability(ch: Charger, p: Payload, now: float) -> Payload:
    status = ch.availability.change_availability(p["connectorId"], AvailabilityType(p["type"]), now)
    return {"status": status.value}


def _reset(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.boot.reset(ResetType(p["type"]), now).value}


def _data_transfer(ch: Charger, p: Payload, now: float) -> Payload:
    # No vendor extensions are implemented: UnknownVendorId, without data (section 5.6).
    return {"status": "UnknownVendorId"}


def _authorize(ch: Charger, p: Payload, now: float) -> Payload:
    # The original ocppsim answered an (unusual) CS->CP Authorize with Accepted; kept for compatibility.
    return {"idTagInfo": {"status": "Accepted"}}


HANDLERS: dict[str, Handler] = {
    "ChangeAvailability": _change_availability,
    "Reset": _reset,
    "DataTransfer": _data_transfer,
    "Authorize": _authorize,
}
