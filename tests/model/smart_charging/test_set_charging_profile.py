"""SetChargingProfile's rules (smart_charging/block.py), on the Charger."""

from __future__ import annotations

from charger_fixtures import T0, booted, tx_default

from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.types import ChargingProfileKind, ChargingProfilePurpose, ChargingProfileStatus


def test_set_charging_profile_rules() -> None:
    ch = booted()
    cp_max_on_1 = ChargingProfile(
        1,
        1,
        0,
        ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
        ChargingProfileKind.ABSOLUTE,
        tx_default(1).schedule,
    )
    assert ch.smart_charging.set_charging_profile(1, cp_max_on_1, T0) is ChargingProfileStatus.REJECTED
    too_high = tx_default(10, stack=9)
    assert ch.smart_charging.set_charging_profile(0, too_high, T0) is ChargingProfileStatus.REJECTED
    tx = ChargingProfile(
        3, 1, 0, ChargingProfilePurpose.TX_PROFILE, ChargingProfileKind.RELATIVE, tx_default(1).schedule
    )
    assert (
        ch.smart_charging.set_charging_profile(1, tx, T0) is ChargingProfileStatus.REJECTED
    )  # no transaction
    assert ch.smart_charging.set_charging_profile(0, tx_default(16), T0) is ChargingProfileStatus.ACCEPTED
    assert ch.view(1, T0).offer == 16.0
