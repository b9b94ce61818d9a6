"""What a fleet counts of its chargers, on its own: a sharded fleet's parent adds up its workers' counts
and shows them without importing the runtime that makes them (docs/performance.md, "Process base")."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FleetCounts"]


@dataclass(frozen=True, slots=True)
class FleetCounts:
    chargers: int
    connected: int
    booted: int
    charging: int
    queued: int
