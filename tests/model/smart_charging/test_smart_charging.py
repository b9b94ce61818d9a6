"""The worked examples E1-E6 of smart-charging.md, on the model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocppsim.model.charger import Charger, ChargerParams, CompositePeriod
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, StartTransactionReq
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileStatus,
    ClearChargingProfileStatus,
    RecurrencyKind,
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

A, W = U.AMPS, U.WATTS


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def profile(
    pid: int,
    purpose: P,
    stack: int,
    kind: K,
    unit: U,
    periods: list[tuple[int, float] | tuple[int, float, int]],
    *,
    start: str | None = None,
    duration: int | None = None,
    recurrency: RecurrencyKind | None = None,
    valid_from: str | None = None,
    valid_to: str | None = None,
    transaction_id: int | None = None,
) -> ChargingProfile:
    return ChargingProfile(
        id=pid,
        connector_id=0,
        stack_level=stack,
        purpose=purpose,
        kind=kind,
        schedule=ChargingSchedule(
            unit,
            tuple(SchedulePeriod(p[0], p[1], p[2] if len(p) > 2 else None) for p in periods),  # type: ignore[misc]
            duration,
            Timestamp(ts(start)) if start else None,
        ),
        recurrency=recurrency,
        valid_from=Timestamp(ts(valid_from)) if valid_from else None,
        valid_to=Timestamp(ts(valid_to)) if valid_to else None,
        transaction_id=transaction_id,
    )


def charger(now: float, connectors: int = 1) -> Charger:
    ch = Charger(ChargerParams("CP", number_of_connectors=connectors, strict_transitions=True), now=now)
    ch.boot.on_connected(now)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    ch.drain()
    return ch


def start_tx(ch: Charger, connector: int, now: float, tx_id: int) -> None:
    ch.ev_inputs.plug_in(connector, now)
    ch.authorization.present_tag(connector, "TAG", now)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.ACCEPTED), now)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(
        start.tx_ref, tx_id, IdTagInfo(AuthorizationStatus.ACCEPTED), now
    )
    ch.drain()


def amps(ch: Charger, connector: int, when: str) -> float:
    return round(ch.smart_charging.limit_at(connector, ts(when)).amps, 1)


def watts(ch: Charger, connector: int, when: str) -> float:
    return round(ch.smart_charging.limit_at(connector, ts(when)).watts(230.0), 1)


def composite(ch: Charger, connector: int, when: str, duration: int, unit: U) -> list[tuple[int, float]]:
    return [
        (p.start_period, p.limit)
        for p in ch.smart_charging.composite_schedule(connector, ts(when), duration, unit)
    ]


def test_e1_daily_recurring_tx_default() -> None:
    ch = charger(ts("2024-05-01T06:00:00"))
    e1 = profile(
        100,
        P.TX_DEFAULT_PROFILE,
        0,
        K.RECURRING,
        W,
        [(0, 11000), (28800, 6000), (72000, 11000)],
        start="2013-01-01T00:00:00",
        duration=86400,
        recurrency=RecurrencyKind.DAILY,
    )
    assert (
        ch.smart_charging.set_charging_profile(0, e1, ts("2024-05-01T06:00:00"))
        is ChargingProfileStatus.ACCEPTED
    )
    start_tx(ch, 1, ts("2024-05-01T06:00:00"), 1)
    day = "2024-05-01T"
    expected = {"07:59:59": 11000, "08:00:00": 6000, "19:59:59": 6000, "20:00:00": 11000}
    for clock, value in expected.items():
        assert watts(ch, 1, day + clock) == value
    assert watts(ch, 1, "2024-05-02T03:00:00") == 11000
    assert ch.smart_charging.limit_at(1, ts(day + "07:59:59")).amps == pytest.approx(15.94, abs=0.01)
    assert ch.smart_charging.limit_at(1, ts(day + "08:00:00")).amps == pytest.approx(8.69, abs=0.01)
    assert composite(ch, 1, day + "07:00:00", 10800, W) == [(0, 11000.0), (3600, 6000.0)]
    assert composite(ch, 1, day + "07:00:00", 10800, A) == [(0, 15.9), (3600, 8.6)]


def test_e2_stacking_validity_and_short_recurrence() -> None:
    now = ts("2024-12-25T00:00:00")
    ch = charger(now)
    ch.smart_charging.set_charging_profile(
        0, profile(1, P.TX_DEFAULT_PROFILE, 0, K.ABSOLUTE, A, [(0, 32)], start="2024-01-01T00:00:00"), now
    )
    ch.smart_charging.set_charging_profile(
        0,
        profile(
            2,
            P.TX_DEFAULT_PROFILE,
            1,
            K.ABSOLUTE,
            A,
            [(0, 10)],
            start="2024-12-25T00:00:00",
            valid_from="2024-12-25T12:00:00",
            valid_to="2024-12-25T14:00:00",
        ),
        now,
    )
    ch.smart_charging.set_charging_profile(
        0,
        profile(
            3,
            P.TX_DEFAULT_PROFILE,
            2,
            K.RECURRING,
            A,
            [(0, 6)],
            start="2024-01-01T22:00:00",
            duration=28800,
            recurrency=RecurrencyKind.DAILY,
        ),
        now,
    )
    table = {
        "2024-12-25T11:59:59": 32,
        "2024-12-25T12:00:00": 10,
        "2024-12-25T13:59:59": 10,
        "2024-12-25T14:00:00": 32,
        "2024-12-25T21:59:59": 32,
        "2024-12-25T22:00:00": 6,
        "2024-12-26T05:59:59": 6,
        "2024-12-26T06:00:00": 32,
    }
    for when, value in table.items():
        assert amps(ch, 1, when) == value, when


def test_e3_relative_tx_profile_over_tx_default() -> None:
    start = ts("2024-06-01T10:00:00")
    ch = charger(start, connectors=2)
    ch.smart_charging.set_charging_profile(
        0, profile(1, P.TX_DEFAULT_PROFILE, 0, K.ABSOLUTE, A, [(0, 32)], start="2024-01-01T00:00:00"), start
    )
    start_tx(ch, 1, start, 1234)
    tx = profile(7, P.TX_PROFILE, 0, K.RELATIVE, A, [(0, 16), (1800, 8)], duration=3600, transaction_id=1234)
    assert ch.smart_charging.set_charging_profile(1, tx, start) is ChargingProfileStatus.ACCEPTED
    table = {"10:00:00": 16, "10:29:59": 16, "10:30:00": 8, "10:59:59": 8, "11:00:00": 32}
    for clock, value in table.items():
        assert amps(ch, 1, "2024-06-01T" + clock) == value, clock
    assert composite(ch, 1, "2024-06-01T10:15:00", 3600, A) == [(0, 16.0), (900, 8.0), (2700, 32.0)]
    ch.transactions.remote_stop(1234, ts("2024-06-01T11:10:00"))
    none_left = ch.smart_charging.clear_charging_profile(
        profile_id=7, connector_id=None, purpose=None, stack_level=None, now=ts("2024-06-01T11:10:00")
    )
    assert none_left is ClearChargingProfileStatus.UNKNOWN
    other = profile(8, P.TX_PROFILE, 0, K.RELATIVE, A, [(0, 16)])
    assert ch.smart_charging.set_charging_profile(2, other, start) is ChargingProfileStatus.REJECTED


def test_e4_charge_point_max_caps_and_is_shared() -> None:
    now = ts("2024-03-01T15:00:00")
    ch = charger(now, connectors=2)
    ch.smart_charging.set_charging_profile(
        0, profile(1, P.TX_DEFAULT_PROFILE, 0, K.ABSOLUTE, A, [(0, 32)], start="2024-01-01T00:00:00"), now
    )
    cp_max = profile(
        50,
        P.CHARGE_POINT_MAX_PROFILE,
        0,
        K.ABSOLUTE,
        A,
        [(0, 40), (7200, 20)],
        start="2024-03-01T16:00:00",
        duration=14400,
    )
    assert ch.smart_charging.set_charging_profile(0, cp_max, now) is ChargingProfileStatus.ACCEPTED
    start_tx(ch, 1, now, 1)
    table = {"15:59:59": 32, "17:00:00": 32, "18:00:00": 20, "19:59:59": 20, "20:00:00": 32}
    for clock, value in table.items():
        assert amps(ch, 1, "2024-03-01T" + clock) == value, clock
    assert composite(ch, 1, "2024-03-01T17:00:00", 14400, A) == [(0, 32.0), (3600, 20.0), (10800, 32.0)]
    # Two connectors charging at 18:30: the shared 20 A is split; each composite still says 20 A.
    at = ts("2024-03-01T18:30:00")
    ch.tick(at)
    start_tx(ch, 2, at, 2)
    views = [ch.view(c, at) for c in (1, 2)]
    assert [v.offer for v in views] == [10.0, 10.0]
    assert [v.usage for v in views] == [10.0, 10.0]
    assert composite(ch, 2, "2024-03-01T18:30:00", 60, A) == [(0, 20.0)]


def test_e5_mixed_units_and_phases() -> None:
    now = ts("2024-01-01T00:00:00")
    ch = charger(now)
    cp_max = profile(
        60,
        P.CHARGE_POINT_MAX_PROFILE,
        0,
        K.ABSOLUTE,
        W,
        [(0, 11000, 3), (3600, 3680, 1)],
        start="2024-01-01T00:00:00",
    )
    ch.smart_charging.set_charging_profile(0, cp_max, now)
    start_tx(ch, 1, now, 1)
    tx = profile(61, P.TX_PROFILE, 0, K.ABSOLUTE, A, [(0, 20, 3)], start="2024-01-01T00:00:00")
    assert ch.smart_charging.set_charging_profile(1, tx, now) is ChargingProfileStatus.ACCEPTED
    early = ch.smart_charging.limit_at(1, ts("2024-01-01T00:30:00"))
    late = ch.smart_charging.limit_at(1, ts("2024-01-01T01:30:00"))
    assert (round(early.watts(230), 1), round(early.amps, 1), early.phases) == (11000, 15.9, 3)
    assert (round(late.watts(230), 1), round(late.amps, 1), late.phases) == (3680, 16.0, 1)
    assert ch.smart_charging.composite_schedule(1, now, 7200, W) == [
        CompositePeriod(0, 11000.0, 3),
        CompositePeriod(3600, 3680.0, 1),
    ]
    # The EV follows: 16 A on one phase after 01:00.
    ch.tick(ts("2024-01-01T01:00:00"))
    view = ch.view(1, ts("2024-01-01T01:30:00"))
    assert (view.offer, view.usage) == (16.0, 16.0)


def test_e6_replacement_connector_override_and_clearing() -> None:
    now = ts("2024-01-01T00:00:00")
    ch = charger(now, connectors=2)

    def tx_default(pid: int, stack: int, limit: float, connector: int) -> ChargingProfileStatus:
        p = profile(
            pid, P.TX_DEFAULT_PROFILE, stack, K.ABSOLUTE, A, [(0, limit)], start="2024-01-01T00:00:00"
        )
        return ch.smart_charging.set_charging_profile(connector, p, now)

    def limits() -> tuple[float, float]:
        return (ch.smart_charging.limit_at(1, now).amps, ch.smart_charging.limit_at(2, now).amps)

    assert tx_default(10, 0, 16, 0) is ChargingProfileStatus.ACCEPTED
    assert limits() == (16, 16)
    tx_default(11, 0, 24, 1)
    assert limits() == (24, 16)
    tx_default(12, 0, 20, 0)
    assert limits() == (24, 20)
    assert 10 not in ch.smart_charging.profiles.profiles
    tx_default(11, 3, 6, 1)
    assert limits() == (6, 20)

    def clear(**fields: object) -> ClearChargingProfileStatus:
        args = {"profile_id": None, "connector_id": None, "purpose": None, "stack_level": None, **fields}
        return ch.smart_charging.clear_charging_profile(now=now, **args)  # type: ignore[arg-type]

    assert clear(stack_level=3, purpose=P.TX_DEFAULT_PROFILE) is ClearChargingProfileStatus.ACCEPTED
    assert limits() == (20, 20)
    assert clear(profile_id=99) is ClearChargingProfileStatus.UNKNOWN
    assert clear() is ClearChargingProfileStatus.ACCEPTED
    assert limits() == (32, 32)  # no profile: the hardware limit
    cp_on_1 = profile(
        70, P.CHARGE_POINT_MAX_PROFILE, 0, K.ABSOLUTE, A, [(0, 10)], start="2024-01-01T00:00:00"
    )
    assert ch.smart_charging.set_charging_profile(1, cp_on_1, now) is ChargingProfileStatus.REJECTED
    assert tx_default(13, 9, 10, 0) is ChargingProfileStatus.REJECTED  # ChargeProfileMaxStackLevel = 8
