from __future__ import annotations

from pathlib import Path

from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RecurrencyKind,
    Timestamp,
)
from ocppsim.store import Store


def test_profiles_round_trip_and_empty_set_is_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.profiles.load("CP") is None
    profile = ChargingProfile(
        id=5,
        connector_id=0,
        stack_level=2,
        purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
        kind=ChargingProfileKind.RECURRING,
        schedule=ChargingSchedule(
            ChargingRateUnit.WATTS,
            (SchedulePeriod(0, 11000.0, 3), SchedulePeriod(3600, 3680.0, 1)),
            86400,
            Timestamp(1_700_000_000.0),
            1500.0,
        ),
        recurrency=RecurrencyKind.DAILY,
        valid_from=Timestamp(1_700_000_000.0),
        valid_to=Timestamp(1_800_000_000.0),
        transaction_id=None,
    )
    store.profiles.save("CP", [profile])
    assert store.profiles.load("CP") == [profile]
    store.profiles.save("CP", [])
    assert store.profiles.load("CP") == []
