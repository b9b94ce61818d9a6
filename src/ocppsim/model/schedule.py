"""Charging profiles (OCPP 1.6 sections 3.13 and 5.16, smart-charging.md): storage rules and the limit
at time t.

This module answers "what is the limit on connector c at time t" and "when can it change next"
(`next_change`, so the charger ticks exactly at period boundaries instead of polling).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ocppsim.model.types import (
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ClearChargingProfileStatus,
    RecurrencyKind,
    Timestamp,
)

__all__ = [
    "ChargingProfile",
    "ChargingSchedule",
    "Limit",
    "Offer",
    "ProfileStore",
    "SchedulePeriod",
]

P = ChargingProfilePurpose
_RECURRENCE = {RecurrencyKind.DAILY: 86_400.0, RecurrencyKind.WEEKLY: 604_800.0}


@dataclass(frozen=True, slots=True)
class SchedulePeriod:
    start_period: int
    limit: float
    number_phases: int | None = None


@dataclass(frozen=True, slots=True)
class ChargingSchedule:
    unit: ChargingRateUnit
    periods: tuple[SchedulePeriod, ...]
    duration: int | None = None
    start_schedule: Timestamp | None = None
    min_charging_rate: float | None = None


@dataclass(frozen=True, slots=True)
class ChargingProfile:
    id: int
    connector_id: int
    stack_level: int
    purpose: ChargingProfilePurpose
    kind: ChargingProfileKind
    schedule: ChargingSchedule
    recurrency: RecurrencyKind | None = None
    valid_from: Timestamp | None = None
    valid_to: Timestamp | None = None
    transaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class Limit:
    """A schedule period's limit: A per phase, or W in total, on `number_phases` phases."""

    value: float
    unit: ChargingRateUnit
    number_phases: int

    def on(self, voltage: float, charger_phases: int) -> Offer:
        """What this limit offers on a charger with `charger_phases` phases at `voltage`: A are applied
        as given to the phases actually used (errata 3.34); W are spread over them."""
        phases = max(1, min(self.number_phases, charger_phases))
        if self.unit is ChargingRateUnit.AMPS:
            return Offer(max(0.0, self.value), phases)
        return Offer(max(0.0, self.value) / (voltage * phases), phases)


@dataclass(frozen=True, slots=True)
class Offer:
    """What the EVSE offers: `amps` per phase on `phases` phases."""

    amps: float
    phases: int

    def watts(self, voltage: float) -> float:
        return self.amps * voltage * self.phases

    @staticmethod
    def lower(a: Offer, b: Offer, voltage: float) -> Offer:
        """The tighter of two offers, compared in W (smart-charging.md section 4, mixed phases)."""
        return a if a.watts(voltage) <= b.watts(voltage) else b


def _start(profile: ChargingProfile, t: float, tx_start: float | None) -> float | None:
    kind = profile.kind
    sched = profile.schedule
    if kind is ChargingProfileKind.RELATIVE:
        return tx_start
    if kind is ChargingProfileKind.RECURRING:
        if sched.start_schedule is None or profile.recurrency is None:
            return None
        period = _RECURRENCE[profile.recurrency]
        anchor = float(sched.start_schedule)
        return anchor + math.floor((t - anchor) / period) * period
    # Absolute: startSchedule, or (some CPs) the time of receipt, stored as start_schedule on install.
    return float(sched.start_schedule) if sched.start_schedule is not None else None


def _duration(profile: ChargingProfile) -> float:
    duration = float(profile.schedule.duration) if profile.schedule.duration is not None else math.inf
    if profile.kind is ChargingProfileKind.RECURRING and profile.recurrency is not None:
        return min(duration, _RECURRENCE[profile.recurrency])
    return duration


def _valid(profile: ChargingProfile, t: float) -> bool:
    return (profile.valid_from is None or profile.valid_from <= t) and (
        profile.valid_to is None or t < profile.valid_to
    )


def _value(profile: ChargingProfile, t: float, tx_start: float | None) -> Limit | None:
    if not _valid(profile, t):
        return None
    start = _start(profile, t, tx_start)
    if start is None or t < start or t - start >= _duration(profile):
        return None
    offset = t - start
    chosen: SchedulePeriod | None = None
    for period in profile.schedule.periods:
        if period.start_period <= offset:
            chosen = period
        else:
            break
    if chosen is None:
        return None
    return Limit(chosen.limit, profile.schedule.unit, chosen.number_phases or 3)


def _boundaries(profile: ChargingProfile, t: float, tx_start: float | None) -> list[float]:
    """Instants after t at which this profile's contribution may change."""
    points: list[float] = []
    for edge in (profile.valid_from, profile.valid_to):
        if edge is not None and edge > t:
            points.append(float(edge))
    start = _start(profile, t, tx_start)
    if start is None:
        return points
    starts = [start]
    if profile.kind is ChargingProfileKind.RECURRING and profile.recurrency is not None:
        starts.append(start + _RECURRENCE[profile.recurrency])
    duration = _duration(profile)
    for s in starts:
        for period in profile.schedule.periods:
            if period.start_period < duration:
                points.append(s + period.start_period)
        if duration != math.inf:
            points.append(s + duration)
    return [p for p in points if p > t]


@dataclass(slots=True)
class ProfileStore:
    profiles: dict[int, ChargingProfile] = field(default_factory=dict)

    def install(self, profile: ChargingProfile) -> None:
        """Storage rules of smart-charging.md section 3: same id, or same connector+purpose+stack, replace."""
        self.profiles.pop(profile.id, None)
        for other in list(self.profiles.values()):
            if (
                other.connector_id == profile.connector_id
                and other.purpose is profile.purpose
                and other.stack_level == profile.stack_level
                and (profile.purpose is not P.TX_PROFILE or other.transaction_id == profile.transaction_id)
            ):
                del self.profiles[other.id]
        self.profiles[profile.id] = profile

    def count_after_install(self, profile: ChargingProfile) -> int:
        replaced = {
            other.id
            for other in self.profiles.values()
            if other.id == profile.id
            or (
                other.connector_id == profile.connector_id
                and other.purpose is profile.purpose
                and other.stack_level == profile.stack_level
            )
        }
        return len(self.profiles) - len(replaced) + 1

    def clear(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: ChargingProfilePurpose | None = None,
        stack_level: int | None = None,
    ) -> ClearChargingProfileStatus:
        """ClearChargingProfile (section 5.5): id wins; otherwise all given fields must match."""
        if profile_id is not None:
            matched = [profile_id] if profile_id in self.profiles else []
        else:
            matched = [
                p.id
                for p in self.profiles.values()
                if (connector_id is None or p.connector_id == connector_id)
                and (purpose is None or p.purpose is purpose)
                and (stack_level is None or p.stack_level == stack_level)
            ]
        for pid in matched:
            del self.profiles[pid]
        return ClearChargingProfileStatus.ACCEPTED if matched else ClearChargingProfileStatus.UNKNOWN

    def remove_tx_profiles(self, connector_id: int) -> bool:
        """Drop the connector's TxProfiles (their transaction ended); True if there were any."""
        ids = [
            p.id
            for p in self.profiles.values()
            if p.purpose is P.TX_PROFILE and p.connector_id == connector_id
        ]
        for pid in ids:
            del self.profiles[pid]
        return bool(ids)

    def _prevailing(
        self, purpose: ChargingProfilePurpose, connectors: tuple[int, ...], t: float, tx_start: float | None
    ) -> Limit | None:
        # Highest stack level whose schedule covers t wins; a connector-n profile beats a connector-0 one
        # of the same stack level (smart-charging.md section 4, our documented choice).
        best: tuple[int, int, Limit] | None = None
        for p in self.profiles.values():
            if p.purpose is not purpose or p.connector_id not in connectors:
                continue
            value = _value(p, t, tx_start)
            if value is None:
                continue
            rank = (p.stack_level, 1 if p.connector_id != 0 else 0)
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], value)
        return best[2] if best else None

    def tx_limit(
        self, connector_id: int, t: float, *, tx_start: float | None, tx_id: int | None, in_transaction: bool
    ) -> Limit | None:
        """TxProfile (only in a transaction) overrides TxDefaultProfile (connector n, else 0); None = none.

        `tx_start` anchors Relative profiles: the transaction start, or the preview start of a composite
        schedule when no transaction runs (smart-charging.md section 4)."""
        if in_transaction:
            best: tuple[int, Limit] | None = None
            for p in self.profiles.values():
                if p.purpose is not P.TX_PROFILE or p.connector_id != connector_id:
                    continue
                if p.transaction_id is not None and tx_id is not None and p.transaction_id != tx_id:
                    continue
                value = _value(p, t, tx_start)
                if value is not None and (best is None or p.stack_level > best[0]):
                    best = (p.stack_level, value)
            if best is not None:
                return best[1]
        return self._prevailing(P.TX_DEFAULT_PROFILE, (connector_id, 0), t, tx_start)

    def cp_limit(self, t: float) -> Limit | None:
        """The ChargePointMaxProfile limit for the whole charge point (connector 0)."""
        return self._prevailing(P.CHARGE_POINT_MAX_PROFILE, (0,), t, None)

    def next_change(self, t: float, tx_starts: dict[int, float]) -> float | None:
        """The earliest instant after t at which any limit may change."""
        candidates: list[float] = []
        for p in self.profiles.values():
            if p.kind is ChargingProfileKind.RELATIVE:
                for connector, start in tx_starts.items():
                    if p.connector_id in (0, connector):
                        candidates.extend(_boundaries(p, t, start))
            else:
                candidates.extend(_boundaries(p, t, None))
        return min(candidates) if candidates else None
