"""What a fleet readout offers to the surfaces that show it (the live view, /metrics, the dashboard's
pages): a fleet in this process, or the sum of a sharded fleet's workers."""

from __future__ import annotations

from typing import Protocol

from ocppsim.runtime.fleet_counts import FleetCounts
from ocppsim.transport.call_stats import FleetStats

__all__ = ["FleetReadout"]


class FleetReadout(Protocol):
    """What the view reads: a fleet in this process, or the sum of a sharded fleet's workers."""

    @property
    def stats(self) -> FleetStats: ...

    def counts(self) -> FleetCounts: ...

    async def counts_gradually(self) -> FleetCounts: ...
