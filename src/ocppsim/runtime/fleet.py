"""Many chargers in one event loop: start them at a ramp-up rate, look them up by id in O(1), stop them
together. Each keeps the full behaviour of a single charger (one timer, one outbox, one connection)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from ocppsim.model.charger import ChargerParams
from ocppsim.model.types import ChargePointStatus, RegistrationStatus
from ocppsim.runtime.clock import Clock
from ocppsim.runtime.fleet_stats import FleetStats
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.store.sqlite import Store

__all__ = ["DuplicateChargerError", "Fleet", "FleetCounts"]

log = logging.getLogger("ocppsim.fleet")


class DuplicateChargerError(ValueError):
    """Two chargers with one id would fight over one CSMS session."""


@dataclass(frozen=True, slots=True)
class FleetCounts:
    chargers: int
    connected: int
    booted: int
    charging: int
    queued: int


class Fleet:
    def __init__(self, *, clock: Clock, store: Store) -> None:
        self.clock = clock
        self.store = store
        self._stations: dict[str, Station] = {}
        self._stop = asyncio.Event()
        self.stats = FleetStats()

    def add(
        self, params: ChargerParams, options: StationOptions, *, config_defaults: dict[str, str] | None = None
    ) -> Station:
        cid = params.charge_point_id
        if cid in self._stations:
            raise DuplicateChargerError(f"charger id {cid!r} is used twice")
        station = restore_station(
            params, options, clock=self.clock, store=self.store, config_defaults=config_defaults
        )
        station.outbox.observer = self.stats
        station.inbound_observer = self.stats.call_received
        self._stations[cid] = station
        return station

    def get(self, charger_id: str) -> Station | None:
        return self._stations.get(charger_id)

    def __len__(self) -> int:
        return len(self._stations)

    def __iter__(self) -> Iterator[Station]:
        return iter(self._stations.values())

    def counts(self) -> FleetCounts:
        connected = booted = charging = queued = 0
        for st in self._stations.values():
            connected += st.online
            booted += st.charger.registration is RegistrationStatus.ACCEPTED
            charging += any(
                st.charger.connector_status(c) is ChargePointStatus.CHARGING for c in st.charger.connector_ids
            )
            queued += len(st.outbox)
        return FleetCounts(len(self._stations), connected, booted, charging, queued)

    def stop(self) -> None:
        self._stop.set()

    async def run(self, *, ramp_per_s: float | None = None) -> None:
        """Start every station (at most `ramp_per_s` a second) and serve until `stop()`."""
        async with asyncio.TaskGroup() as tg:
            tasks = []
            for index, station in enumerate(self._stations.values()):
                if self._stop.is_set():
                    break
                if ramp_per_s and index:
                    await self.clock.sleep(1.0 / ramp_per_s)
                tasks.append(tg.create_task(station.run()))
            await self._stop.wait()
            await asyncio.gather(*(st.stop() for st in self._stations.values()), return_exceptions=True)
            for task in tasks:
                task.cancel()
        self.store.save_registers_many(
            (st.id, st.charger.meter_registers()) for st in self._stations.values()
        )
