"""CS->CP operations of the smart charging block in 2.0.1, on the 1.6 block and its schedule
evaluation: SetChargingProfile (K01), ClearChargingProfile (K10), GetChargingProfiles (K09, answered by
ReportChargingProfiles), GetCompositeSchedule (K08). EVSE n is connector n; evseId 0 is the station."""

from __future__ import annotations

import math

from ocppsim.model.outgoing import ReportChargingProfilesReq
from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.types import ChargingProfilePurpose, ChargingProfileStatus, ChargingRateUnit
from ocppsim.ocpp201.convert import format_time
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.profiles import PURPOSES, profile_from_payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _rejected(reason: str) -> Payload:
    return {"status": "Rejected", "statusInfo": {"reasonCode": reason}}


def _set_profile(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    evse = p["evseId"]
    payload = p["chargingProfile"]
    if evse != 0 and not charger.has_connector(evse):
        return _rejected("UnknownEVSE")
    if payload["chargingProfilePurpose"] not in PURPOSES or len(payload["chargingSchedule"]) != 1:
        return _rejected("UnsupportedParam")
    if payload["chargingProfilePurpose"] == "TxProfile" and payload.get("transactionId") is None:
        return _rejected("TxNotFound")  # K01.FR.03: a TxProfile names its transaction
    profile = profile_from_payload(payload, evse)
    if payload.get("transactionId") is not None:
        c = charger.state.connectors.get(evse)
        if c is None or c.tx is None or profile.transaction_id != c.tx.ref:
            return _rejected("TxNotFound")
    status = charger.smart_charging.set_charging_profile(evse, profile, now)
    return {"status": "Accepted"} if status is ChargingProfileStatus.ACCEPTED else _rejected("InvalidValue")


def _clear_profile(session: Session, p: Payload, now: float) -> Payload:
    criteria = p.get("chargingProfileCriteria") or {}
    purpose = criteria.get("chargingProfilePurpose")
    if purpose is not None and purpose not in PURPOSES:
        return {"status": "Unknown"}
    status = session.charger.smart_charging.clear_charging_profile(
        profile_id=p.get("chargingProfileId"),
        connector_id=criteria.get("evseId"),
        purpose=PURPOSES[purpose] if purpose else None,
        stack_level=criteria.get("stackLevel"),
        now=now,
    )
    return {"status": status.value}


def _get_profiles(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    criteria = p["chargingProfile"]
    purpose = criteria.get("chargingProfilePurpose")
    ids = criteria.get("chargingProfileId")
    sources = criteria.get("chargingLimitSource")
    evse = p.get("evseId")
    if (purpose is not None and purpose not in PURPOSES) or (sources and "CSO" not in sources):
        return {"status": "NoProfiles"}  # only the CSMS (CSO) sets profiles here
    wanted_purpose: ChargingProfilePurpose | None = PURPOSES[purpose] if purpose else None
    chosen = [
        profile
        for profile in charger.smart_charging.profiles.profiles.values()
        if (evse is None or profile.connector_id == evse)
        and (wanted_purpose is None or profile.purpose is wanted_purpose)
        and (criteria.get("stackLevel") is None or profile.stack_level == criteria["stackLevel"])
        and (not ids or profile.id in ids)
    ]
    if not chosen:
        return {"status": "NoProfiles"}
    by_evse: dict[int, list[ChargingProfile]] = {}
    for profile in chosen:
        by_evse.setdefault(profile.connector_id, []).append(profile)
    evses = sorted(by_evse)
    for index, evse_id in enumerate(evses):
        charger.state.emit(
            ReportChargingProfilesReq(
                p["requestId"],
                evse_id,
                tuple(by_evse[evse_id]),
                index < len(evses) - 1,
            )
        )
    return {"status": "Accepted"}


def _composite(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    evse = p["evseId"]
    if evse != 0 and not charger.has_connector(evse):
        return _rejected("UnknownEVSE")
    unit = ChargingRateUnit(p.get("chargingRateUnit") or ChargingRateUnit.AMPS.value)
    start = math.floor(now * 1000.0) / 1000.0
    periods = charger.smart_charging.composite_schedule(evse, start, p["duration"], unit)
    return {
        "status": "Accepted",
        "schedule": {
            "evseId": evse,
            "duration": p["duration"],
            "scheduleStart": format_time(start),
            "chargingRateUnit": unit.value,
            "chargingSchedulePeriod": [
                {"startPeriod": x.start_period, "limit": x.limit}
                | ({"numberPhases": x.number_phases} if x.number_phases is not None else {})
                for x in periods
            ],
        },
    }


HANDLERS: dict[str, Handler] = {
    "SetChargingProfile": _set_profile,
    "ClearChargingProfile": _clear_profile,
    "GetChargingProfiles": _get_profiles,
    "GetCompositeSchedule": _composite,
}
