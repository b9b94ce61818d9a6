from __future__ import annotations

from pathlib import Path

from ocppsim.model.smart_charging import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RecurrencyKind,
    Timestamp,
)
from ocppsim.store.sqlite import Store


def test_schema_is_migrated_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.schema_version == 6
    store.save_config("CP", "HeartbeatInterval", "30")
    store.close()
    again = Store(tmp_path)  # reopening runs no migration twice
    assert again.schema_version == 6
    assert again.load_config("CP") == {"HeartbeatInterval": "30"}


def test_registers_never_go_backwards(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_registers("CP", {1: 1000.5})
    store.save_registers("CP", {1: 900.0})
    assert store.load_registers("CP") == {1: 1000.5}
    assert store.load_registers("OTHER") == {}


def test_profiles_round_trip_and_empty_set_is_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.load_profiles("CP") is None
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
    store.save_profiles("CP", [profile])
    assert store.load_profiles("CP") == [profile]
    store.save_profiles("CP", [])
    assert store.load_profiles("CP") == []
