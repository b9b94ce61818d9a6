"""Automatic transaction generator: EVs arrive at random on every connector of a fleet, charge and leave,
all from one seed so a run can be repeated exactly.

One task for the whole fleet: a heap of (time, charger, connector, event), no per-charger loop and no
per-charger RNG (a fleet holds tens of thousands of connectors). Events are handled in time order, so the
RNG draws, and with a FakeClock the whole run, repeat exactly for the same seed.
"""

from __future__ import annotations

import heapq
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ocppsim.model.types import ChargePointStatus
from ocppsim.model.vehicles import EvMix
from ocppsim.runtime.clock import Clock
from ocppsim.runtime.station import Station

__all__ = ["GeneratorStats", "SessionMix", "TransactionGenerator"]

log = logging.getLogger("ocppsim.generator")

_ARRIVE, _LEAVE = 0, 1


@dataclass(frozen=True, slots=True)
class SessionMix:
    """How sessions look: arrival rate, stay, the EVs and the tags (issue 5: EV mix, id tag pool)."""

    mean_arrival_s: float = 3600.0  # mean time between an EV leaving and the next arriving, per connector
    mean_stay_s: float = 1800.0  # mean time an EV stays plugged in (it may be full before)
    capacities_wh: tuple[float, ...] = (40_000.0, 60_000.0, 77_000.0, 100_000.0)
    initial_soc: tuple[float, float] = (10.0, 60.0)
    max_currents_a: tuple[float, ...] = (16.0, 32.0)
    phases: tuple[int, ...] = (1, 3, 3, 3)
    tags: tuple[str, ...] = tuple(f"TAG{n:04d}" for n in range(1, 101))
    # Share of sessions started remotely: the driver plugs in and uses an app, so the charger presents no
    # tag and waits (ConnectionTimeOut) for the CSMS's RemoteStartTransaction (section 5.11).
    remote_start_share: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.remote_start_share <= 1.0:
            raise ValueError("remote_start_share must be between 0 and 1")


@dataclass
class GeneratorStats:
    arrivals: int = 0
    departures: int = 0
    skipped_busy: int = 0
    remote_starts: int = 0  # arrivals that waited for RemoteStartTransaction instead of presenting a tag
    events: list[tuple[float, str, int, str]] = field(
        default_factory=list
    )  # (time, charger, connector, what)


class TransactionGenerator:
    def __init__(
        self,
        stations: Sequence[Station],
        *,
        clock: Clock,
        seed: int,
        mix: SessionMix | None = None,
        ev_mixes: Mapping[str, EvMix] | None = None,
        record_events: bool = False,
    ) -> None:
        """`ev_mixes`: by charger id, the EVs of its kind (a fleet template); others draw from `mix`."""
        self.clock = clock
        self.mix = mix or SessionMix()
        self._ev_mixes = dict(ev_mixes or {})
        self.stats = GeneratorStats()
        self._record = record_events
        self._rng = random.Random(seed)
        self._stations = list(stations)
        self._heap: list[tuple[float, int, int, int]] = []
        now = clock.now()
        for index, station in enumerate(self._stations):
            for connector in station.charger.connector_ids:
                first = now + self._rng.expovariate(1.0 / self.mix.mean_arrival_s)
                heapq.heappush(self._heap, (first, index, connector, _ARRIVE))

    async def run(self) -> None:
        """Generate sessions until cancelled."""
        while self._heap:
            when, index, connector, event = self._heap[0]
            wait = when - self.clock.now()
            if wait > 0:
                await self.clock.sleep(wait)
                continue
            heapq.heappop(self._heap)
            station = self._stations[index]
            if event == _ARRIVE:
                self._arrive(station, index, connector, when)
            else:
                self._leave(station, index, connector, when)

    def _note(self, when: float, station: Station, connector: int, what: str) -> None:
        if self._record:
            self.stats.events.append((when, station.id, connector, what))

    def _arrive(self, station: Station, index: int, connector: int, when: float) -> None:
        mix, rng = self.mix, self._rng
        charger = station.charger
        if charger.connector_status(connector) is not ChargePointStatus.AVAILABLE:
            # Busy, unavailable or faulted: this EV drives on; the next one comes later.
            self.stats.skipped_busy += 1
            heapq.heappush(
                self._heap, (when + rng.expovariate(1.0 / mix.mean_arrival_s), index, connector, _ARRIVE)
            )
            return
        ev: SessionMix | EvMix = self._ev_mixes.get(station.id) or mix
        capacity = rng.choice(ev.capacities_wh)
        soc = rng.uniform(*ev.initial_soc)
        current = rng.choice(ev.max_currents_a)
        phases = rng.choice(ev.phases)
        tag = rng.choice(mix.tags)
        stay = rng.expovariate(1.0 / mix.mean_stay_s)
        # Drawn only when asked for, so runs without remote starts repeat those of earlier versions.
        remote = mix.remote_start_share > 0 and rng.random() < mix.remote_start_share
        station.run_model(
            lambda now: charger.ev_inputs.configure_ev(
                connector, capacity_wh=capacity, soc=soc, max_current=current, phases=phases, now=now
            )
        )
        station.run_model(lambda now: charger.ev_inputs.plug_in(connector, now))
        if remote:
            self.stats.remote_starts += 1
        else:
            station.run_model(lambda now: charger.authorization.present_tag(connector, tag, now))
        self.stats.arrivals += 1
        who = "remote" if remote else tag
        self._note(
            when, station, connector, f"arrive {who} {capacity:.0f}Wh {soc:.1f}% {current:.0f}A {phases}ph"
        )
        heapq.heappush(self._heap, (when + stay, index, connector, _LEAVE))

    def _leave(self, station: Station, index: int, connector: int, when: float) -> None:
        charger = station.charger
        station.run_model(lambda now: charger.ev_inputs.unplug(connector, now))
        self.stats.departures += 1
        self._note(when, station, connector, "leave")
        arrival = when + self._rng.expovariate(1.0 / self.mix.mean_arrival_s)
        heapq.heappush(self._heap, (arrival, index, connector, _ARRIVE))
