"""What a fleet run is, apart from the chargers that run it: its spec and settings, which worker runs which
charger, and the summary at its end. A sharded fleet's parent needs this and nothing of the runtime:
without the model, the adapters, picows and the validators it is ~8 MiB lighter, at every fleet of
more than one process (docs/performance.md, "Process base")."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ocppsim.runtime.fleet_counts import FleetCounts
from ocppsim.settings.specs import FleetCharger, FleetSpec, HttpSettings
from ocppsim.transport.call_stats import FleetStats

__all__ = ["FleetRun", "chargers_of", "for_shard", "print_summary", "shard_of"]


@dataclass(frozen=True, slots=True)
class FleetRun:
    spec: FleetSpec
    http: HttpSettings | None = None
    speed: float = 1.0
    duration: float = 0.0
    live: bool | None = None  # None: a live table when stdout is a terminal
    stats_json: str | None = None
    stats_csv: str | None = None
    text_host: str = "127.0.0.1"
    text_port: int | None = None  # the fleet's text command interface; None: none
    # (k, n): this process is worker k of n, reporting to its parent on stdout; its spec holds its own
    # chargers only, those whose index i in the fleet's has i % n == k (`for_shard`).
    shard: tuple[int, int] | None = None


def for_shard(run: FleetRun, shard: tuple[int, int]) -> FleetRun:
    """Worker `shard`'s run: its spec keeps that worker's chargers and lets go of the others. Every
    worker reads the whole fleet file; kept, the other workers' chargers (~0.4-0.7 KiB each: their
    params, id, URL) were a per-charger cost of every process: at 50,000 chargers each of four workers
    held 37,500 it does not run (docs/performance.md, "Process base")."""
    own = tuple(item for item, _ in chargers_of(run.spec, shard))
    return replace(run, spec=replace(run.spec, chargers=own), shard=shard, live=False)


def shard_of(index: int, workers: int) -> int:
    """Which worker runs the charger at `index` of the fleet spec (round-robin: templates mix evenly)."""
    return index % workers


def chargers_of(spec: FleetSpec, shard: tuple[int, int] | None) -> list[tuple[FleetCharger, bool]]:
    """The chargers this process runs (all, or shard (k, n)'s), each with whether it is one of the
    spec's `charging_share` that start charging once booted.

    The share is spread evenly over the process's own chargers: its n-th charges when the share's
    running count steps up. Spread over the fleet's index instead, a share of 0.5 over two workers
    (round-robin) gave every charging charger to one worker and none to the other, which then did
    all the metering (benchmarks/fleet_mix.py 30000: one worker busy ~70 %, the other ~40 %)."""
    share = spec.charging_share
    mine = [
        item
        for index, item in enumerate(spec.chargers)
        if shard is None or shard_of(index, shard[1]) == shard[0]
    ]
    return [(item, int((n + 1) * share) > int(n * share)) for n, item in enumerate(mine)]


def print_summary(counts: FleetCounts, stats: FleetStats, run: FleetRun) -> None:
    c = counts
    print(f"done: chargers {c.chargers}, connected {c.connected}, booted {c.booted}, queued {c.queued}")
    print("summary: " + json.dumps(stats.summary()), flush=True)
    if run.stats_json:
        stats.write_json(run.stats_json)
    if run.stats_csv:
        stats.write_csv(run.stats_csv)
