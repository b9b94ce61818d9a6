"""The parent's view of a sharded fleet: each worker process (its ports, its last report) and which worker
holds which charger. Read by the parent's router (to forward a request) and kept up to date by `workers`
(which starts the processes and reads their reports); neither imports the other."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from ocppsim.runtime.fleet_counts import FleetCounts
from ocppsim.transport.call_stats import FleetStats

__all__ = ["ShardedFleet", "Worker"]


@dataclass
class Worker:
    index: int
    process: asyncio.subprocess.Process
    http_port: int | None = None
    text_port: int | None = None
    chargers: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    said_done: bool = False


class ShardedFleet:
    """The parent's view of all workers: the fleet readout (counts, merged stats) and who holds whom."""

    def __init__(self, workers: list[Worker], owners: dict[str, int], token: str) -> None:
        self.workers = workers
        self.owners = owners  # charger id -> worker index
        self.token = token  # the workers' internal API token
        self.started = time.monotonic()

    @property
    def stats(self) -> FleetStats:
        merged = FleetStats(started=self.started)
        for worker in self.workers:
            if worker.stats is not None:
                merged.merge(worker.stats)
        return merged

    def counts(self) -> FleetCounts:
        total = dict.fromkeys(("chargers", "connected", "booted", "charging", "queued"), 0)
        for worker in self.workers:
            for key in total:
                total[key] += worker.counts.get(key, 0)
        return FleetCounts(**total)

    async def counts_gradually(self) -> FleetCounts:
        return self.counts()  # the workers' reports, added up: nothing to count here

    def owner(self, charger_id: str) -> Worker | None:
        index = self.owners.get(charger_id)
        return self.workers[index] if index is not None else None

    def least_loaded(self) -> Worker:
        return min(self.workers, key=lambda w: w.counts.get("chargers", w.chargers))
