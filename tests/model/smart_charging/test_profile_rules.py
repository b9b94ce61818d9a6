"""ClearChargingProfile with every combination of its fields, and the SmartCharging keys enforced."""

from __future__ import annotations

import itertools

import pytest

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, StartTransactionReq
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileStatus,
    ClearChargingProfileStatus,
    RegistrationStatus,
    Timestamp,
)
from ocppsim.model.types import (
    ChargingProfileKind as K,
)
from ocppsim.model.types import (
    ChargingProfilePurpose as P,
)
from ocppsim.model.types import (
    ChargingRateUnit as U,
)

T0 = 1_717_200_000.0


def make(pid: int, purpose: P, stack: int, periods: int = 1, unit: U = U.AMPS) -> ChargingProfile:
    return ChargingProfile(
        id=pid,
        connector_id=0,
        stack_level=stack,
        purpose=purpose,
        kind=K.ABSOLUTE if purpose is not P.TX_PROFILE else K.RELATIVE,
        schedule=ChargingSchedule(
            unit,
            tuple(SchedulePeriod(i * 60, 10.0) for i in range(periods)),
            start_schedule=Timestamp(T0) if purpose is not P.TX_PROFILE else None,
        ),
    )


def charger() -> Charger:
    ch = Charger(ChargerParams("CP", number_of_connectors=2), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0)
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.ACCEPTED), T0)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(start.tx_ref, 1, IdTagInfo(AuthorizationStatus.ACCEPTED), T0)
    return ch


# (id, connector, purpose, stack)
INSTALLED = [
    (1, 0, P.CHARGE_POINT_MAX_PROFILE, 0),
    (2, 0, P.TX_DEFAULT_PROFILE, 0),
    (3, 1, P.TX_DEFAULT_PROFILE, 1),
    (4, 2, P.TX_DEFAULT_PROFILE, 0),
    (5, 1, P.TX_PROFILE, 1),
]
CHOICES = {
    "profile_id": [None, 3, 42],
    "connector_id": [None, 0, 1, 2],
    "purpose": [None, *P],
    "stack_level": [None, 0, 1, 5],
}


def combinations() -> list[dict[str, object]]:
    keys = list(CHOICES)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*CHOICES.values())]


@pytest.mark.parametrize("fields", combinations())
def test_clear_charging_profile_every_combination(fields: dict[str, object]) -> None:
    ch = charger()
    for pid, connector, purpose, stack in INSTALLED:
        assert (
            ch.smart_charging.set_charging_profile(connector, make(pid, purpose, stack), T0)
            is ChargingProfileStatus.ACCEPTED
        )
    # Oracle (section 5.5): an id clears that profile only; otherwise all given fields must match.
    if fields["profile_id"] is not None:
        expected = {pid for pid, *_ in INSTALLED if pid == fields["profile_id"]}
    else:
        expected = {
            pid
            for pid, connector, purpose, stack in INSTALLED
            if fields["connector_id"] in (None, connector)
            and fields["purpose"] in (None, purpose)
            and fields["stack_level"] in (None, stack)
        }
    status = ch.smart_charging.clear_charging_profile(now=T0, **fields)  # type: ignore[arg-type]
    assert status is (ClearChargingProfileStatus.ACCEPTED if expected else ClearChargingProfileStatus.UNKNOWN)
    assert set(ch.smart_charging.profiles.profiles) == {pid for pid, *_ in INSTALLED} - expected


def test_keys_are_enforced() -> None:
    ch = charger()
    assert (
        ch.smart_charging.set_charging_profile(0, make(1, P.TX_DEFAULT_PROFILE, 8), T0)
        is ChargingProfileStatus.ACCEPTED
    )
    assert (
        ch.smart_charging.set_charging_profile(0, make(2, P.TX_DEFAULT_PROFILE, 9), T0)
        is ChargingProfileStatus.REJECTED
    )
    periods_ok = make(3, P.TX_DEFAULT_PROFILE, 1, periods=24)
    assert ch.smart_charging.set_charging_profile(0, periods_ok, T0) is ChargingProfileStatus.ACCEPTED
    too_many = make(4, P.TX_DEFAULT_PROFILE, 2, periods=25)  # ChargingScheduleMaxPeriods = 24
    assert ch.smart_charging.set_charging_profile(0, too_many, T0) is ChargingProfileStatus.REJECTED
    # MaxChargingProfilesInstalled = 16, counted after replacement
    for i in range(14):  # distinct (connector, stack level): nothing replaces anything
        profile = make(10 + i, P.TX_DEFAULT_PROFILE, i % 7)
        assert (
            ch.smart_charging.set_charging_profile(1 + i // 7, profile, T0) is ChargingProfileStatus.ACCEPTED
        )
    assert len(ch.smart_charging.profiles.profiles) == 16
    assert (
        ch.smart_charging.set_charging_profile(0, make(30, P.TX_DEFAULT_PROFILE, 3), T0)
        is ChargingProfileStatus.REJECTED
    )
    replacing = make(10, P.TX_DEFAULT_PROFILE, 3)  # same id: replaces, the count stays 16
    assert ch.smart_charging.set_charging_profile(0, replacing, T0) is ChargingProfileStatus.ACCEPTED
    assert len(ch.smart_charging.profiles.profiles) == 16


def test_allowed_charging_rate_unit_is_enforced() -> None:
    ch = charger()
    ch.config.load("ChargingScheduleAllowedChargingRateUnit", "Current")
    in_watts = make(1, P.TX_DEFAULT_PROFILE, 0, unit=U.WATTS)
    assert ch.smart_charging.set_charging_profile(0, in_watts, T0) is ChargingProfileStatus.REJECTED
    assert (
        ch.smart_charging.set_charging_profile(0, make(2, P.TX_DEFAULT_PROFILE, 0), T0)
        is ChargingProfileStatus.ACCEPTED
    )


def test_tx_profile_for_another_transaction_is_rejected() -> None:
    ch = charger()
    other = ChargingProfile(
        7, 0, 0, P.TX_PROFILE, K.RELATIVE, make(7, P.TX_PROFILE, 0).schedule, transaction_id=99
    )
    assert ch.smart_charging.set_charging_profile(1, other, T0) is ChargingProfileStatus.REJECTED
    mine = ChargingProfile(
        7, 0, 0, P.TX_PROFILE, K.RELATIVE, make(7, P.TX_PROFILE, 0).schedule, transaction_id=1
    )
    assert ch.smart_charging.set_charging_profile(1, mine, T0) is ChargingProfileStatus.ACCEPTED
    assert (
        ch.smart_charging.set_charging_profile(0, mine, T0) is ChargingProfileStatus.REJECTED
    )  # TxProfile on connector 0
