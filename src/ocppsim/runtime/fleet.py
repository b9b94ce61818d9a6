"""Many chargers in one event loop: start them at a ramp-up rate, look them up by id in O(1), stop them
together. Each keeps the full behaviour of a single charger (one timer, one outbox, one connection)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from ocppsim.model.charger import ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.model.vehicles import Vehicle, VehicleRegistry
from ocppsim.runtime.clock import Clock
from ocppsim.runtime.events import Event, EventBus
from ocppsim.runtime.fleet_counts import FleetCounts
from ocppsim.runtime.gc_policy import keep_long_lived_out_of_gc
from ocppsim.runtime.message_log import LoggedFrame, MessageLog
from ocppsim.runtime.meter_history import MeterHistory
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.store import Store
from ocppsim.transport.call_stats import FleetStats

__all__ = ["ChargerTemplate", "DuplicateChargerError", "Fleet", "FleetCounts", "UnknownChargerError"]

log = logging.getLogger("ocppsim.fleet")


class DuplicateChargerError(ValueError):
    """Two chargers with one id would fight over one CSMS session."""


COUNT_SLICE = 500
SHARED_OPTIONS_MAX = 256
RAMP_BURST = 64  # stations a ramp behind schedule starts in one loop turn
RAMP_PATIENCE_S = 5.0  # a station still not booted after this no longer holds a ramp back
RAMP_POLL_S = 0.05


class _Ramp:
    """Paces a fleet's start: the n-th station is due n / rate after the first, whatever the loop's lag.

    It slept once per station before, which started at most one per loop turn: a loop busy with the
    chargers already running (~10 ms a turn) held a ramp of 2,000/s to a few hundred a second, and the
    100,000-charger benchmark ran out of time connecting. Behind schedule it starts what is due,
    RAMP_BURST per loop turn, as long as fewer than a second's worth (`rate`, at least RAMP_BURST) of
    the stations it started are still connecting and booting: a ramp that catches up must not become a
    connection storm that the CSMS's accept queue drops."""

    def __init__(self, clock: Clock, rate: float, stopped: Callable[[], bool]) -> None:
        self._clock = clock
        self._stopped = stopped
        self._rate = rate
        self._began: float | None = None
        self._count = 0
        self._most = max(RAMP_BURST, int(rate))
        self._booting: deque[tuple[float, Station]] = deque()

    async def next(self) -> None:
        """Wait until the next station is due and may start."""
        clock = self._clock
        if self._began is None:
            self._began = clock.now()
            return
        wait = self._began + self._count / self._rate - clock.now()
        if wait > 0:
            await clock.sleep(wait)
            return
        if self._count % RAMP_BURST == 0:
            await asyncio.sleep(0)
        while self._settle() >= self._most and not self._stopped():
            await clock.sleep(RAMP_POLL_S)

    def started(self, station: Station) -> None:
        self._count += 1
        self._booting.append((self._clock.now(), station))
        if len(self._booting) > self._most:
            self._settle()

    def _settle(self) -> int:
        """Forget the oldest stations that have booted (or waited too long); how many are still booting."""
        booting, now, accepted = self._booting, self._clock.now(), RegistrationStatus.ACCEPTED
        while booting and (
            booting[0][1].charger.registration is accepted or now - booting[0][0] > RAMP_PATIENCE_S
        ):
            booting.popleft()
        return len(booting)


def _tally(stations: Iterable[Station]) -> tuple[int, int, int, int]:
    """(connected, booted, charging, queued) over these stations."""
    connected = booted = charging = queued = 0
    accepted = RegistrationStatus.ACCEPTED
    for st in stations:
        connected += st.online
        charger = st.charger
        booted += charger.registration is accepted
        charging += charger.charging_connectors > 0
        queued += len(st.outbox)
    return connected, booted, charging, queued


class UnknownChargerError(KeyError):
    """No charger with this id."""


@dataclass(frozen=True, slots=True)
class ChargerTemplate:
    """What a charger created at run time (REST API) is made of; its id is given at creation."""

    name: str
    params: ChargerParams
    options: StationOptions
    config_defaults: Mapping[str, str] = field(default_factory=dict)


class Fleet:
    def __init__(
        self,
        *,
        clock: Clock,
        store: Store,
        message_log: MessageLog | None = None,
        events: EventBus | None = None,
        persist_log: bool = False,
    ) -> None:
        """`message_log` / `events`: attached to every station (the REST API and dashboard use them);
        `persist_log`: every logged frame is also written to the store."""
        self.clock = clock
        self.store = store
        self.message_log = message_log
        self.events = events
        self.persist_log = persist_log
        # The last hour of samples of the chargers a dashboard shows (bounded: see meter_history).
        self.history = MeterHistory() if events is not None else None
        # Each station started runs its connection lifecycle in callbacks (Station.start): no task per
        # charger (a task and its coroutine frames were ~1.8 KiB at each of a fleet's chargers).
        self._stations: dict[str, Station] = {}
        self._group: asyncio.TaskGroup | None = None
        self._stop = asyncio.Event()
        self.stats = FleetStats()
        self._inbound: tuple[object, Callable[[str], None]] | None = None
        self._options: dict[StationOptions, StationOptions] = {}
        self.templates: dict[str, ChargerTemplate] = {}
        self.vehicles = VehicleRegistry()
        for tag, vehicle in store.vehicles.load():
            self.vehicles.put(tag, vehicle)
        if message_log is not None:
            if events is not None:
                message_log.listeners.append(self._publish_frame)
            if persist_log:
                message_log.listeners.append(self._persist_frame)

    def _publish_frame(self, frame: LoggedFrame) -> None:
        if self.events is not None and self.events.active:
            data = {
                "seq": frame.seq,
                "direction": frame.direction,
                "type": frame.message_type,
                "messageId": frame.message_id,
                "action": frame.action,
                "latency_ms": frame.latency_ms,
                "raw": frame.raw,
                "note": frame.note,
            }
            self.events.publish(Event("frame", frame.charger_id, frame.time, data))

    def persisted_frames(self, charger_id: str) -> list[LoggedFrame]:
        """Every frame of one charger written to the store (also those of earlier runs), oldest first."""
        return [
            LoggedFrame(-1, time, cid, direction, kind, message_id, action, raw, latency)
            for cid, time, direction, kind, message_id, action, raw, latency in self.store.frames.newest(
                charger_id, limit=1_000_000
            )
        ]

    def _persist_frame(self, frame: LoggedFrame) -> None:
        self.store.frames.append(
            (
                frame.charger_id,
                frame.time,
                frame.direction,
                frame.message_type,
                frame.message_id,
                frame.action,
                frame.raw,
                frame.latency_ms,
            )
        )

    def add(
        self, params: ChargerParams, options: StationOptions, *, config_defaults: dict[str, str] | None = None
    ) -> Station:
        cid = params.charge_point_id
        if cid in self._stations:
            raise DuplicateChargerError(f"charger id {cid!r} is used twice")
        # Chargers made from one template have equal options: one object for all (a fleet file makes
        # one per charger, 128 B each). Bounded: options that differ per charger are not kept.
        shared = self._options.get(options)
        if shared is not None:
            options = shared
        elif len(self._options) < SHARED_OPTIONS_MAX:
            self._options[options] = options
        station = restore_station(
            params, options, clock=self.clock, store=self.store, config_defaults=config_defaults
        )
        stats = self.stats
        station.outbox.observer = stats
        # One bound method for every station (each access to `stats.call_received` makes a new one:
        # 64 B at each of a fleet's chargers); made again when the statistics object was replaced.
        if self._inbound is None or self._inbound[0] is not stats:
            self._inbound = (stats, stats.call_received)
        station.inbound_observer = self._inbound[1]
        station.message_log = self.message_log
        station.events = self.events
        station.history = self.history
        self._stations[cid] = station
        if self._group is not None:  # added while the fleet runs: start it now
            station.start()
        self._publish_charger(cid, "added")
        return station

    def create(
        self, charger_id: str, template: ChargerTemplate, *, url: str | None = None, **changes: object
    ) -> Station:
        """A new charger from `template` (params changed by `changes`), started at once when running."""
        params = replace(template.params, charge_point_id=charger_id, **changes)  # type: ignore[arg-type]
        options = replace(template.options, url=url) if url else template.options
        station = self.add(params, options, config_defaults=dict(template.config_defaults))
        station.template_name = template.name
        return station

    async def remove(self, charger_id: str) -> None:
        """Stop a charger, and forget it and everything stored for it."""
        station = self._stations.pop(charger_id, None)
        if station is None:
            raise UnknownChargerError(charger_id)
        await station.stop()
        self.store.chargers.forget(charger_id)
        if self.message_log is not None:
            self.message_log.forget(charger_id)
        if self.history is not None:
            self.history.forget(charger_id)
        self._publish_charger(charger_id, "removed")

    def _publish_charger(self, charger_id: str, what: str) -> None:
        if self.events is not None and self.events.active:
            self.events.publish(Event("charger", charger_id, self.clock.now(), {"change": what}))

    def put_vehicle(self, id_tag: str, vehicle: Vehicle) -> None:
        self.vehicles.put(id_tag, vehicle)
        self.store.vehicles.save(id_tag, vehicle)

    def remove_vehicle(self, id_tag: str) -> bool:
        removed = self.vehicles.remove(id_tag)
        if removed:
            self.store.vehicles.delete(id_tag)
        return removed

    def get(self, charger_id: str) -> Station | None:
        return self._stations.get(charger_id)

    def __contains__(self, charger_id: object) -> bool:
        return charger_id in self._stations

    @property
    def running(self) -> bool:
        return self._group is not None

    def __len__(self) -> int:
        return len(self._stations)

    def __iter__(self) -> Iterator[Station]:
        return iter(self._stations.values())

    def counts(self) -> FleetCounts:
        """Exact counts now (the REST API, /metrics, the summary)."""
        return FleetCounts(len(self._stations), *_tally(self._stations.values()))

    async def counts_gradually(self) -> FleetCounts:
        """The same, counted COUNT_SLICE stations per event-loop turn, for what reports periodically (the
        live view, a worker's report to its parent). In one go, counting 10,000 chargers stopped the
        loop for 10-40 ms once a second, which was a good part of the CS->CP answers' p99."""
        stations = list(self._stations.values())
        total = [0, 0, 0, 0]
        for start in range(0, len(stations), COUNT_SLICE):
            for k, n in enumerate(_tally(stations[start : start + COUNT_SLICE])):
                total[k] += n
            await asyncio.sleep(0)
        return FleetCounts(len(stations), *total)

    def stop(self) -> None:
        self._stop.set()

    async def run(self, *, ramp_per_s: float | None = None) -> None:
        """Start every station (at most `ramp_per_s` a second) and serve until `stop()`. Cancelled, every
        station goes offline at once (as a cancelled `Station.run`)."""
        try:
            await self._run(ramp_per_s)
        finally:
            self._group = None
            for station in self._stations.values():
                station.halt()  # nothing when stopped already

    async def _run(self, ramp_per_s: float | None) -> None:
        async with asyncio.TaskGroup() as tg:
            # From the first connection: the ramp-up is where the heap grows (runtime/gc_policy.py).
            collector = tg.create_task(keep_long_lived_out_of_gc())
            ramp = _Ramp(self.clock, ramp_per_s, self._stop.is_set) if ramp_per_s else None
            for station in list(self._stations.values()):
                if self._stop.is_set():
                    break
                if ramp is not None:
                    await ramp.next()
                    if self._stop.is_set():
                        break
                if station.id in self._stations and not station.started:
                    station.start()
                    if ramp is not None:
                        ramp.started(station)
            self._group = tg  # from now on add() starts a station at once
            for station in self._stations.values():
                if not station.started and not self._stop.is_set():  # added during the ramp-up
                    station.start()
            await self._stop.wait()
            collector.cancel()
            self._group = None
            # stop() returns once the station's connection is cleaned up (its lifecycle has ended).
            await asyncio.gather(*(st.stop() for st in self._stations.values()), return_exceptions=True)
        self.store.registers.save_many(
            (st.id, st.charger.metering.meter_registers()) for st in self._stations.values()
        )
