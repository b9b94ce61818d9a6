"""Smart charging keeps the fraction of a second: a central system installs profiles at 12:00:00.640,
not at whole seconds (issue: a composite schedule began with a bogus period at the charger's maximum
and repeated start times; a fresh profile ran a second at the maximum)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import ChargingProfileKind as K
from ocppsim.model.types import ChargingProfilePurpose as P
from ocppsim.model.types import ChargingProfileStatus, RegistrationStatus, Timestamp
from ocppsim.model.types import ChargingRateUnit as U

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC).timestamp()


def booted(now: float) -> Charger:
    ch = Charger(ChargerParams("CP", strict_transitions=True), now=now)
    ch.boot.on_connected(now)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    ch.drain()
    return ch


def tx_default(periods: tuple[tuple[int, float], ...], start: float | None = None) -> ChargingProfile:
    return ChargingProfile(
        id=7,
        connector_id=0,
        stack_level=1,
        purpose=P.TX_DEFAULT_PROFILE,
        kind=K.ABSOLUTE,
        schedule=ChargingSchedule(
            U.AMPS,
            tuple(SchedulePeriod(s, limit) for s, limit in periods),
            start_schedule=Timestamp(start) if start is not None else None,
        ),
    )


STEPS = ((0, 10.0), (60, 6.0), (120, 8.0))


def periods(ch: Charger, start: float, duration: int = 600) -> list[tuple[int, float]]:
    return [
        (p.start_period, p.limit) for p in ch.smart_charging.composite_schedule(1, start, duration, U.AMPS)
    ]


def test_a_profile_installed_at_a_fraction_is_in_force_at_once() -> None:
    installed = T0 + 0.640
    ch = booted(T0)
    assert (
        ch.smart_charging.set_charging_profile(1, tx_default(STEPS), installed)
        is ChargingProfileStatus.ACCEPTED
    )
    # No second at the hardware maximum: the limit holds from the instant of receipt.
    assert ch.smart_charging.limit_amps_at(1, installed) == 10.0
    assert ch.smart_charging.limit_amps_at(1, installed + 0.001) == 10.0
    assert ch.smart_charging.limit_amps_at(1, installed - 0.001) == 32.0
    assert ch.view(1, installed + 0.001).offer == 10.0


def test_composite_schedule_asked_after_a_fractional_install() -> None:
    ch = booted(T0)
    ch.smart_charging.set_charging_profile(1, tx_default(STEPS), T0 + 0.640)
    # Asked 60 ms later: the periods fall 59.94 s and 119.94 s after the start, carried as 60 and 120.
    assert periods(ch, T0 + 0.700) == [(0, 10.0), (60, 6.0), (120, 8.0)]


def test_composite_schedule_in_the_same_millisecond_as_the_install() -> None:
    ch = booted(T0)
    ch.smart_charging.set_charging_profile(1, tx_default(STEPS), T0 + 0.6405)
    # The wire's scheduleStart is cut to the millisecond (T0 + 0.640): the profile starts 0.5 ms later,
    # in the same wire second, so the schedule starts with the profile, not with a period at 32 A.
    assert periods(ch, T0 + 0.640) == [(0, 10.0), (60, 6.0), (120, 8.0)]


def test_boundaries_within_one_wire_second_leave_the_value_in_force() -> None:
    ch = booted(T0)
    # Starts 0.3 s after the schedule's start: the 0.3 s at 32 A are not a period of their own.
    ch.smart_charging.set_charging_profile(1, tx_default(STEPS, start=T0 + 0.3), T0)
    assert periods(ch, T0) == [(0, 10.0), (60, 6.0), (120, 8.0)]
    # 0.6 s later rounds to the next second: the maximum holds for that first second.
    ch2 = booted(T0)
    ch2.smart_charging.set_charging_profile(1, tx_default(STEPS, start=T0 + 0.6), T0)
    assert periods(ch2, T0) == [(0, 32.0), (1, 10.0), (61, 6.0), (121, 8.0)]


@given(
    install=st.floats(min_value=0.0, max_value=5.0),
    delay=st.floats(min_value=0.0, max_value=5.0),
)
def test_composite_start_periods_strictly_increase_and_start_at_zero(install: float, delay: float) -> None:
    ch = booted(T0)
    ch.smart_charging.set_charging_profile(1, tx_default(STEPS), T0 + install)
    result = periods(ch, T0 + install + delay, duration=300)
    starts = [s for s, _ in result]
    assert starts[0] == 0
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert all(s < 300 for s in starts)
    # Equal neighbours are merged.
    assert all(a[1] != b[1] for a, b in itertools.pairwise(result))
