"""Smart charging: SetChargingProfile, ClearChargingProfile, GetCompositeSchedule (OCPP 1.6 sections
3.13, 5.5, 5.7, 5.16; smart-charging.md) and what each connector is offered as a result. Profile storage
and evaluation at an instant are `model/schedule.py` (version-neutral).

Time keeps its full precision here: a profile installed at 12:00:00.640 starts then, not at a whole
second; only the wire format rounds (startPeriod is an integer number of seconds).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ocppsim.model.charger_state import ChargerState, Connector
from ocppsim.model.errors import UnknownConnectorError
from ocppsim.model.outgoing import ProfilesChanged
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, Offer, ProfileStore, SchedulePeriod
from ocppsim.model.types import (
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingProfileStatus,
    ChargingRateUnit,
    ClearChargingProfileStatus,
    Timestamp,
)

__all__ = ["CompositePeriod", "SmartCharging"]

P = ChargingProfilePurpose


@dataclass(frozen=True, slots=True)
class CompositePeriod:
    start_period: int
    limit: float
    number_phases: int


class SmartCharging:
    __slots__ = ("_s", "profiles")

    def __init__(self, state: ChargerState, profiles: list[ChargingProfile] | None) -> None:
        """`profiles`: the persisted profiles (None = none ever saved: install the INI defaults)."""
        self._s = state
        self.profiles = ProfileStore()
        if profiles is not None:
            for profile in profiles:
                # Transactions do not survive a restart, so neither do their TxProfiles.
                if profile.purpose is not P.TX_PROFILE:
                    self.profiles.install(profile)
        elif state.params.default_profiles:
            self._install_default_profiles()

    def _install_default_profiles(self) -> None:
        """INI `default_profiles`: TxDefault stack 0 = 6 A, stack 1 = 0 A, so the offer is 0 A until the
        CSMS sends a higher limit (compatibility contract)."""
        for pid, stack, limit in ((1, 0, 6.0), (2, 1, 0.0)):
            self.profiles.install(
                ChargingProfile(
                    id=pid,
                    connector_id=0,
                    stack_level=stack,
                    purpose=P.TX_DEFAULT_PROFILE,
                    kind=ChargingProfileKind.ABSOLUTE,
                    schedule=ChargingSchedule(
                        ChargingRateUnit.AMPS, (SchedulePeriod(0, limit),), start_schedule=Timestamp(0.0)
                    ),
                )
            )

    def _changed(self) -> None:
        self._s.emit(ProfilesChanged(tuple(self.profiles.profiles.values())))

    # ------------------------------------------------------------------ hooks for transactions

    def install_tx_profile(self, connector_id: int, p: ChargingProfile) -> None:
        """The chargingProfile of a RemoteStartTransaction, installed as the new transaction's TxProfile."""
        self.profiles.install(
            ChargingProfile(
                id=p.id,
                connector_id=connector_id,
                stack_level=p.stack_level,
                purpose=P.TX_PROFILE,
                kind=p.kind,
                schedule=p.schedule,
                recurrency=p.recurrency,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
            )
        )
        self._changed()

    def remove_tx_profiles(self, connector_id: int) -> None:
        """The transaction ended: its TxProfiles go with it (section 3.13.4)."""
        if self.profiles.remove_tx_profiles(connector_id):
            self._changed()

    # ------------------------------------------------------------------ limits and offers

    def next_profile_change(self, t: float) -> float | None:
        """The first instant after t at which a charging profile may change a limit."""
        if not self.profiles.profiles:
            return None
        starts = {c.id: c.tx.start for c in self._s.connectors.values() if c.tx is not None}
        return self.profiles.next_change(t, starts)

    def own_limit(self, connector_id: int, t: float, *, preview_start: float | None = None) -> Offer:
        """The connector's own limit at t: its Tx(Default)Profile capped by the hardware (max_offer)."""
        state = self._s
        c = state.conn(connector_id)
        tx = c.tx
        limit = self.profiles.tx_limit(
            c.id,
            t,
            tx_start=tx.start if tx is not None else preview_start,
            tx_id=tx.transaction_id if tx is not None else None,
            in_transaction=tx is not None,
        )
        params = state.params
        hardware = Offer(params.max_offer_a, params.phases)
        if limit is None:
            return hardware
        voltage = state.voltage
        return Offer.lower(limit.on(voltage, params.phases), hardware, voltage)

    def limit_at(self, connector_id: int, t: float, *, preview_start: float | None = None) -> Offer:
        """The connector's limit at t incl. ChargePointMaxProfile, not shared with other connectors (what
        its composite schedule shows)."""
        own = self.own_limit(connector_id, t, preview_start=preview_start)
        cp = self.profiles.cp_limit(t)
        if cp is None:
            return own
        voltage = self._s.voltage
        return Offer.lower(own, cp.on(voltage, self._s.params.phases), voltage)

    def limit_amps_at(self, connector_id: int, t: float) -> float:
        return self.limit_at(connector_id, t).amps

    def refresh_offers(self, now: float) -> None:
        """Every connector's offer; a ChargePointMaxProfile is shared among the EVs that draw: equal
        shares, each capped by what it can take, leftovers redistributed (smart-charging.md section 4)."""
        state = self._s
        params = state.params
        if not self.profiles.profiles:
            # No charging profile: every connector is offered the hardware limit (what own_limit gives
            # without one). The common case, and this runs at every tick.
            for c in state.connectors.values():
                c.offer_a = params.max_offer_a
                c.offer_phases = params.phases
            return
        voltage = state.voltage
        limits = {cid: self.limit_at(cid, now) for cid in state.connectors}
        offers = dict(limits)
        cp = self.profiles.cp_limit(now)
        drawing = [c for c in state.connectors.values() if c.tx is not None and c.plugged and c.ev.draws]
        if cp is not None and len(drawing) > 1:
            remaining = cp.on(voltage, params.phases).watts(voltage)
            wants: list[tuple[float, Connector]] = []
            for c in drawing:
                limit = limits[c.id]
                phases = max(1, min(c.ev.phases, limit.phases))
                wants.append((c.ev.current(limit.amps, c.max_cap) * voltage * phases, c))
            wants.sort(key=lambda item: item[0])
            for index, (want, c) in enumerate(wants):
                share = min(want, remaining / (len(wants) - index))
                remaining -= share
                if share < want - 1e-9:
                    phases = max(1, min(c.ev.phases, limits[c.id].phases))
                    offers[c.id] = Offer(share / (voltage * phases), phases)
        for cid, offer in offers.items():
            c = state.connectors[cid]
            c.offer_a = offer.amps
            c.offer_phases = offer.phases

    # ------------------------------------------------------------------ CS -> CP operations

    def set_charging_profile(
        self, connector_id: int, profile: ChargingProfile, now: float
    ) -> ChargingProfileStatus:
        """Section 5.16 and smart-charging.md section 3."""
        state = self._s
        state.advance(now)
        rejected = ChargingProfileStatus.REJECTED
        if connector_id != 0 and connector_id not in state.connectors:
            raise UnknownConnectorError(f"connector {connector_id} does not exist")
        purpose = profile.purpose
        if purpose is P.CHARGE_POINT_MAX_PROFILE and connector_id != 0:
            return rejected
        if purpose is P.TX_PROFILE:
            if connector_id == 0:
                return rejected
            tx = state.connectors[connector_id].tx
            if tx is None:
                return rejected
            if (
                profile.transaction_id is not None
                and tx.transaction_id is not None
                and profile.transaction_id != tx.transaction_id
            ):
                return rejected
        if not self._acceptable(profile):
            return rejected
        sched = profile.schedule
        if profile.kind is ChargingProfileKind.ABSOLUTE and sched.start_schedule is None:
            # No startSchedule on an Absolute profile: start at receipt, to the fraction of a second
            # (smart-charging.md section 3).
            sched = ChargingSchedule(
                sched.unit, sched.periods, sched.duration, state.ts(now), sched.min_charging_rate
            )
        stored = ChargingProfile(
            id=profile.id,
            connector_id=connector_id,
            stack_level=profile.stack_level,
            purpose=purpose,
            kind=profile.kind,
            schedule=sched,
            recurrency=profile.recurrency,
            valid_from=profile.valid_from,
            valid_to=profile.valid_to,
            transaction_id=profile.transaction_id,
        )
        if self.profiles.count_after_install(stored) > state.config.get_int("MaxChargingProfilesInstalled"):
            return rejected
        self.profiles.install(stored)
        self._changed()
        state.status.settle_all(now)
        return ChargingProfileStatus.ACCEPTED

    def _acceptable(self, profile: ChargingProfile) -> bool:
        config = self._s.config
        sched = profile.schedule
        periods = sched.periods
        allowed_units = {"Current": ChargingRateUnit.AMPS, "Power": ChargingRateUnit.WATTS}
        allowed = {
            allowed_units[item]
            for item in config.raw("ChargingScheduleAllowedChargingRateUnit").split(",")
            if item in allowed_units
        }
        return (
            0 <= profile.stack_level <= config.get_int("ChargeProfileMaxStackLevel")
            and 0 < len(periods) <= config.get_int("ChargingScheduleMaxPeriods")
            and sched.unit in allowed
            and periods[0].start_period == 0
            and all(a.start_period < b.start_period for a, b in itertools.pairwise(periods))
            and all(p.limit >= 0 and (p.number_phases is None or 1 <= p.number_phases <= 3) for p in periods)
            and (profile.kind is not ChargingProfileKind.RECURRING or profile.recurrency is not None)
            and (profile.kind is not ChargingProfileKind.RECURRING or sched.start_schedule is not None)
            and (sched.duration is None or sched.duration >= 0)
        )

    def clear_charging_profile(
        self,
        *,
        profile_id: int | None,
        connector_id: int | None,
        purpose: ChargingProfilePurpose | None,
        stack_level: int | None,
        now: float,
    ) -> ClearChargingProfileStatus:
        state = self._s
        state.advance(now)
        status = self.profiles.clear(
            profile_id=profile_id, connector_id=connector_id, purpose=purpose, stack_level=stack_level
        )
        if status is ClearChargingProfileStatus.ACCEPTED:
            self._changed()
        state.status.settle_all(now)
        return status

    def composite_schedule(
        self, connector_id: int, start: float, duration: int, unit: ChargingRateUnit
    ) -> list[CompositePeriod]:
        """GetCompositeSchedule (section 5.7, smart-charging.md section 6): the limit over
        [start, start + duration) from every profile, evaluated at each boundary, equal neighbours merged,
        values rounded down to 0.1 in `unit`. Connector 0: min(ChargePointMax, sum of the connectors).
        Without any profile the hardware limit is reported. Raises UnknownConnectorError.

        `start` keeps its fraction of a second. Each boundary's offset is rounded to the whole second the
        wire carries (startPeriod is an integer); boundaries that round to the same second leave the
        last value, which is the one in force from then on."""
        state = self._s
        if connector_id != 0:
            state.conn(connector_id)
        voltage = state.voltage
        ids = list(state.connectors) if connector_id == 0 else [connector_id]
        # Relative profiles of connectors without a transaction are previewed from `start`.
        starts = {cid: (c.tx.start if c.tx is not None else start) for cid, c in state.connectors.items()}

        def value(t: float) -> tuple[float, int]:
            if connector_id == 0:
                offers = [self.own_limit(cid, t, preview_start=starts[cid]) for cid in ids]
                watts = sum(o.watts(voltage) for o in offers)
                phases = max(o.phases for o in offers)
                cp = self.profiles.cp_limit(t)
                if cp is not None:
                    cp_offer = cp.on(voltage, state.params.phases)
                    if cp_offer.watts(voltage) < watts:
                        watts, phases = cp_offer.watts(voltage), cp_offer.phases
                total = Offer(watts / (voltage * phases), phases)
            else:
                total = self.limit_at(connector_id, t, preview_start=starts[connector_id])
            raw = total.watts(voltage) if unit is ChargingRateUnit.WATTS else total.amps
            return math.floor(raw * 10 + 1e-6) / 10, total.phases

        periods: list[CompositePeriod] = []
        t = start
        end = start + duration
        while t < end:
            limit, phases = value(t)
            offset = round(t - start)
            if offset >= duration:
                break
            if periods and periods[-1].start_period >= offset:
                periods.pop()  # a boundary in the same wire second: the later value wins
            if not periods or (periods[-1].limit, periods[-1].number_phases) != (limit, phases):
                periods.append(CompositePeriod(offset, limit, phases))
            nxt = self.profiles.next_change(t, starts)
            if nxt is None:
                break
            t = nxt
        return periods
