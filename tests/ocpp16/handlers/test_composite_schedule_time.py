"""GetCompositeSchedule on the wire keeps the fraction of a second (issue: a schedule asked for at
12:00:00.700 started at 12:00:00 with a bogus period at the charger's maximum, then repeated start times,
for a profile installed at 12:00:00.640)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.validation import validators

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC).timestamp()

PROFILE = {
    "chargingProfileId": 7,
    "stackLevel": 1,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Absolute",
    "chargingSchedule": {
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 10},
            {"startPeriod": 60, "limit": 6},
            {"startPeriod": 120, "limit": 8},
        ],
    },
}


def call(ch: Charger, action: str, payload: dict[str, Any], now: float) -> dict[str, Any]:
    result = handle_call(ch, Call("1", action, payload), now)
    validators.response(action, result)
    return result


def booted() -> Charger:
    ch = Charger(ChargerParams("CP", strict_transitions=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def test_schedule_starts_at_receipt_to_the_millisecond() -> None:
    ch = booted()
    answer = call(ch, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": PROFILE}, T0 + 0.640)
    assert answer == {"status": "Accepted"}
    composite = call(
        ch, "GetCompositeSchedule", {"connectorId": 1, "duration": 600, "chargingRateUnit": "A"}, T0 + 0.7004
    )
    assert composite["scheduleStart"] == "2025-03-01T12:00:00.700Z"
    assert parse_time(composite["scheduleStart"]) == T0 + 0.7
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3},
        {"startPeriod": 60, "limit": 6.0, "numberPhases": 3},
        {"startPeriod": 120, "limit": 8.0, "numberPhases": 3},
    ]


def test_profile_with_a_fractional_start_schedule() -> None:
    ch = booted()
    profile = {
        **PROFILE,
        "chargingSchedule": {**PROFILE["chargingSchedule"], "startSchedule": "2025-03-01T12:00:00.250Z"},
    }
    call(ch, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}, T0 + 0.1)
    composite = call(ch, "GetCompositeSchedule", {"connectorId": 1, "duration": 300}, T0 + 0.9)
    starts = [p["startPeriod"] for p in composite["chargingSchedule"]["chargingSchedulePeriod"]]
    assert starts == [0, 59, 119]  # 59.35 s and 119.35 s after 12:00:00.900
    assert [p["limit"] for p in composite["chargingSchedule"]["chargingSchedulePeriod"]] == [10.0, 6.0, 8.0]
