"""CS->CP operations of the smart charging block: SetChargingProfile (OCPP 1.6 section 5.16),
ClearChargingProfile (5.5), GetCompositeSchedule (5.7)."""

from __future__ import annotations

import math

from ocppsim.model.charger import Charger
from ocppsim.model.errors import UnknownConnectorError
from ocppsim.model.types import ChargingProfilePurpose, ChargingRateUnit
from ocppsim.ocpp16.convert import format_time, profile_from_payload
from ocppsim.ocpp16.framing import ErrorCode
from ocppsim.ocpp16.handlers.call_error import Handler, OcppCallError, Payload

__all__ = ["HANDLERS"]


def _set_profile(ch: Charger, p: Payload, now: float) -> Payload:
    profile = profile_from_payload(p["csChargingProfiles"])
    try:
        return {"status": ch.smart_charging.set_charging_profile(p["connectorId"], profile, now).value}
    except UnknownConnectorError as exc:
        raise OcppCallError(ErrorCode.PROPERTY_CONSTRAINT_VIOLATION, str(exc)) from None


def _clear_profile(ch: Charger, p: Payload, now: float) -> Payload:
    purpose = p.get("chargingProfilePurpose")
    status = ch.smart_charging.clear_charging_profile(
        profile_id=p.get("id"),
        connector_id=p.get("connectorId"),
        purpose=ChargingProfilePurpose(purpose) if purpose else None,
        stack_level=p.get("stackLevel"),
        now=now,
    )
    return {"status": status.value}


def _composite(ch: Charger, p: Payload, now: float) -> Payload:
    """GetCompositeSchedule (section 5.7): scheduleStart = receipt, to the millisecond the wire carries
    (a profile installed at 12:00:00.640 is already in force in a schedule asked for at .700, not after
    a bogus first period at the maximum); no startSchedule in the schedule (errata 3.57). Unknown
    connector -> Rejected."""
    unit = ChargingRateUnit(p.get("chargingRateUnit") or ChargingRateUnit.AMPS.value)
    start = math.floor(now * 1000.0) / 1000.0
    try:
        periods = ch.smart_charging.composite_schedule(p["connectorId"], start, p["duration"], unit)
    except UnknownConnectorError:
        return {"status": "Rejected"}
    return {
        "status": "Accepted",
        "connectorId": p["connectorId"],
        "scheduleStart": format_time(start),
        "chargingSchedule": {
            "duration": p["duration"],
            "chargingRateUnit": unit.value,
            "chargingSchedulePeriod": [
                {"startPeriod": x.start_period, "limit": x.limit, "numberPhases": x.number_phases}
                for x in periods
            ],
        },
    }


HANDLERS: dict[str, Handler] = {
    "SetChargingProfile": _set_profile,
    "ClearChargingProfile": _clear_profile,
    "GetCompositeSchedule": _composite,
}
