"""SetChargingProfile and GetCompositeSchedule (handlers/smart_charging.py), no network."""

from __future__ import annotations

from ocppsim.model.charger import Charger

from .handler_calls import call


def test_limit_with_decimal_step_is_accepted(charger: Charger) -> None:
    profile = {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8.6}],
        },
    }
    assert call(charger, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    composite = call(
        charger, "GetCompositeSchedule", {"connectorId": 1, "duration": 3600, "chargingRateUnit": "W"}
    )
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 5934.0, "numberPhases": 3}
    ]
    assert call(charger, "GetCompositeSchedule", {"connectorId": 9, "duration": 60}) == {"status": "Rejected"}
