"""Invariants over random profile sets (hypothesis)."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    ChargingProfileKind as K,
)
from ocppsim.model.types import (
    ChargingProfilePurpose as P,
)
from ocppsim.model.types import (
    ChargingRateUnit as U,
)
from ocppsim.model.types import (
    RecurrencyKind,
    RegistrationStatus,
    Timestamp,
)

T0 = 1_717_200_000.0  # 2024-06-01T00:00:00Z
V = 230.0


@st.composite
def profiles(draw: st.DrawFn, pid: int) -> ChargingProfile:
    purpose = draw(st.sampled_from([P.TX_DEFAULT_PROFILE, P.TX_DEFAULT_PROFILE, P.CHARGE_POINT_MAX_PROFILE]))
    kind = draw(
        st.sampled_from([K.ABSOLUTE, K.RECURRING] + ([K.RELATIVE] if purpose is P.TX_DEFAULT_PROFILE else []))
    )
    unit = draw(st.sampled_from([U.AMPS, U.WATTS]))
    starts = sorted(draw(st.sets(st.integers(1, 20_000), max_size=3)))
    periods = tuple(
        SchedulePeriod(
            start,
            draw(st.integers(0, 400)) / 10 if unit is U.AMPS else float(draw(st.integers(0, 25_000))),
            draw(st.sampled_from([None, 1, 3])),
        )
        for start in [0, *starts]
    )
    start = T0 + draw(st.integers(-20_000, 20_000)) if kind is not K.RELATIVE else None
    valid_from = T0 + draw(st.integers(-30_000, 30_000)) if draw(st.booleans()) else None
    valid_to = (
        valid_from + draw(st.integers(1, 40_000)) if valid_from is not None and draw(st.booleans()) else None
    )
    return ChargingProfile(
        id=pid,
        connector_id=0 if purpose is P.CHARGE_POINT_MAX_PROFILE else draw(st.sampled_from([0, 1])),
        stack_level=draw(st.integers(0, 7)),
        purpose=purpose,
        kind=kind,
        schedule=ChargingSchedule(
            unit, periods, draw(st.sampled_from([None, 3600, 30_000])), Timestamp(start) if start else None
        ),
        recurrency=RecurrencyKind.DAILY if kind is K.RECURRING else None,
        valid_from=Timestamp(valid_from) if valid_from is not None else None,
        valid_to=Timestamp(valid_to) if valid_to is not None else None,
    )


profile_sets = st.integers(1, 6).flatmap(lambda n: st.tuples(*(profiles(i + 1) for i in range(n))))
instants = st.integers(-10_000, 90_000).map(lambda s: T0 + s)


def charger_with(profile_set: tuple[ChargingProfile, ...]) -> Charger:
    ch = Charger(ChargerParams("CP", max_offer_a=63.0), now=T0 - 100_000)
    ch.boot.on_connected(T0 - 100_000)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0 - 100_000)
    for p in profile_set:
        ch.smart_charging.profiles.install(p)
    return ch


@settings(max_examples=300, deadline=None)
@given(profile_sets, instants)
def test_limit_never_exceeds_charge_point_max(profile_set: tuple[ChargingProfile, ...], t: float) -> None:
    ch = charger_with(profile_set)
    cp = ch.smart_charging.profiles.cp_limit(t)
    limit = ch.smart_charging.limit_at(1, t, preview_start=T0)
    assert limit.watts(V) <= ch.smart_charging.own_limit(1, t, preview_start=T0).watts(V) + 1e-6
    if cp is not None:
        assert limit.watts(V) <= cp.on(V, 3).watts(V) + 1e-6


@settings(max_examples=300, deadline=None)
@given(profile_sets, instants, st.integers(0, 630).map(lambda a: a / 10))
def test_a_higher_stack_level_wins_while_valid(
    profile_set: tuple[ChargingProfile, ...], t: float, amps: float
) -> None:
    defaults = tuple(p for p in profile_set if p.purpose is P.TX_DEFAULT_PROFILE)
    ch = charger_with(defaults)
    top = ChargingProfile(
        id=99,
        connector_id=0,
        stack_level=8,
        purpose=P.TX_DEFAULT_PROFILE,
        kind=K.ABSOLUTE,
        schedule=ChargingSchedule(U.AMPS, (SchedulePeriod(0, amps),), start_schedule=Timestamp(T0 - 50_000)),
    )
    ch.smart_charging.profiles.install(top)
    assert ch.smart_charging.limit_at(1, t, preview_start=T0).amps == amps


@settings(max_examples=200, deadline=None)
@given(profile_sets, st.sampled_from([U.AMPS, U.WATTS]), st.integers(0, 86_400))
def test_composite_at_any_instant_equals_the_limit(
    profile_set: tuple[ChargingProfile, ...], unit: U, offset: int
) -> None:
    ch = charger_with(profile_set)
    start, duration = T0, 86_400
    periods = ch.smart_charging.composite_schedule(1, start, duration, unit)
    assert periods[0].start_period == 0
    assert all(a.start_period < b.start_period for a, b in itertools.pairwise(periods))
    t = start + offset if offset < duration else start + duration - 1
    current = [p for p in periods if p.start_period <= t - start][-1]
    limit = ch.smart_charging.limit_at(1, t, preview_start=start)
    expected = limit.watts(V) if unit is U.WATTS else limit.amps
    assert current.limit == math.floor(expected * 10 + 1e-6) / 10
    assert current.number_phases == limit.phases
