"""OCPP 2.0.1 ChargingProfileType <-> the model's ChargingProfile (K01; the schema of ocpp/v201 wins for
fields): ChargingStationMaxProfile is 1.6's ChargePointMaxProfile, an EVSE is a connector, a TxProfile
names its transaction by the id the station gave it (convert.transaction_id). The model evaluates one
schedule per profile: a profile with more than one chargingSchedule (allowed for ISO 15118) is refused
by the handler, as is ChargingStationExternalConstraints (set by the station's own EMS, never by the
CSMS: K01.FR.22)."""

from __future__ import annotations

from typing import Any, Final

from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import ChargingProfileKind, ChargingProfilePurpose, ChargingRateUnit, RecurrencyKind
from ocppsim.ocpp16.convert import format_time, parse_time

__all__ = ["PURPOSES", "profile_from_payload", "profile_payload"]

P = ChargingProfilePurpose
PURPOSES: Final = {
    "ChargingStationMaxProfile": P.CHARGE_POINT_MAX_PROFILE,
    "TxDefaultProfile": P.TX_DEFAULT_PROFILE,
    "TxProfile": P.TX_PROFILE,
}
_NAMES: Final = {purpose: name for name, purpose in PURPOSES.items()}


def profile_from_payload(payload: dict[str, Any], evse_id: int) -> ChargingProfile:
    """A schema-valid ChargingProfileType with one schedule and a purpose of PURPOSES."""
    sched = payload["chargingSchedule"][0]
    periods = tuple(
        SchedulePeriod(int(p["startPeriod"]), round(float(p["limit"]), 1), p.get("numberPhases"))
        for p in sched["chargingSchedulePeriod"]
    )
    start = sched.get("startSchedule")
    min_rate = sched.get("minChargingRate")
    valid_from = payload.get("validFrom")
    valid_to = payload.get("validTo")
    recurrency = payload.get("recurrencyKind")
    transaction = payload.get("transactionId")
    return ChargingProfile(
        id=payload["id"],
        connector_id=evse_id,
        stack_level=payload["stackLevel"],
        purpose=PURPOSES[payload["chargingProfilePurpose"]],
        kind=ChargingProfileKind(payload["chargingProfileKind"]),
        schedule=ChargingSchedule(
            unit=ChargingRateUnit(sched["chargingRateUnit"]),
            periods=periods,
            duration=sched.get("duration"),
            start_schedule=parse_time(start) if start else None,
            min_charging_rate=float(min_rate) if min_rate is not None else None,
        ),
        recurrency=RecurrencyKind(recurrency) if recurrency else None,
        valid_from=parse_time(valid_from) if valid_from else None,
        valid_to=parse_time(valid_to) if valid_to else None,
        transaction_id=int(transaction)
        if transaction is not None and transaction.isascii() and transaction.isdigit()
        else None,
    )


def profile_payload(profile: ChargingProfile) -> dict[str, Any]:
    sched = profile.schedule
    schedule: dict[str, Any] = {
        "id": profile.id,
        "chargingRateUnit": sched.unit.value,
        "chargingSchedulePeriod": [
            {"startPeriod": x.start_period, "limit": x.limit}
            | ({"numberPhases": x.number_phases} if x.number_phases is not None else {})
            for x in sched.periods
        ],
    }
    if sched.duration is not None:
        schedule["duration"] = sched.duration
    if sched.start_schedule is not None:
        schedule["startSchedule"] = format_time(sched.start_schedule)
    if sched.min_charging_rate is not None:
        schedule["minChargingRate"] = sched.min_charging_rate
    payload: dict[str, Any] = {
        "id": profile.id,
        "stackLevel": profile.stack_level,
        "chargingProfilePurpose": _NAMES[profile.purpose],
        "chargingProfileKind": profile.kind.value,
        "chargingSchedule": [schedule],
    }
    if profile.recurrency is not None:
        payload["recurrencyKind"] = profile.recurrency.value
    if profile.valid_from is not None:
        payload["validFrom"] = format_time(profile.valid_from)
    if profile.valid_to is not None:
        payload["validTo"] = format_time(profile.valid_to)
    if profile.transaction_id is not None:
        payload["transactionId"] = str(profile.transaction_id)
    return payload
