"""CS->CP operations of the FirmwareManagement profile: UpdateFirmware (OCPP 1.6 section 5.19) and
GetDiagnostics (5.9). The schema checks the fields (a missing location or retrieveDate, a malformed date:
FormationViolation / TypeConstraintViolation before this runs); the transfers follow the answer as
effects (runtime/file_transfer.py)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _update_firmware(ch: Charger, p: Payload, now: float) -> Payload:
    ch.firmware.update_firmware(
        p["location"],
        parse_time(p["retrieveDate"]),
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        now=now,
    )
    return {}  # UpdateFirmware.conf has no fields (section 6.51)


def _get_diagnostics(ch: Charger, p: Payload, now: float) -> Payload:
    start, stop = p.get("startTime"), p.get("stopTime")
    name = ch.firmware.get_diagnostics(
        p["location"],
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        start_time=parse_time(start) if start is not None else None,
        stop_time=parse_time(stop) if stop is not None else None,
        now=now,
    )
    return {"fileName": name}


HANDLERS: dict[str, Handler] = {
    "UpdateFirmware": _update_firmware,
    "GetDiagnostics": _get_diagnostics,
}
