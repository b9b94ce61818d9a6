"""What a fleet run shows while it runs: a live table (rich) on a terminal, one plain line every few
seconds otherwise (logs, CI, pipes). rich is imported for the live table only: a fleet's worker, and any
fleet whose output is not a terminal, runs without it (~6 MiB of RSS; docs/performance.md, "Process
base")."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from ocppsim.control.readout import FleetReadout
from ocppsim.runtime.fleet_counts import FleetCounts

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["fleet_line", "fleet_table", "show_fleet"]


class _Rates:
    """Messages per second over the last interval (the summary's rates are over the whole run)."""

    def __init__(self) -> None:
        self._at = time.monotonic()
        self._out = self._in = 0

    def update(self, summary: dict[str, Any]) -> tuple[float, float]:
        now = time.monotonic()
        dt = max(1e-9, now - self._at)
        rates = ((summary["calls_out"] - self._out) / dt, (summary["calls_in"] - self._in) / dt)
        self._at, self._out, self._in = now, summary["calls_out"], summary["calls_in"]
        return rates


def fleet_line(fleet: FleetReadout, rates: tuple[float, float], counts: FleetCounts | None = None) -> str:
    c, s = counts or fleet.counts(), fleet.stats.summary()
    return (
        f"chargers {c.chargers} connected {c.connected} booted {c.booted} charging {c.charging}"
        " | "
        f"out {rates[0]:.1f}/s in {rates[1]:.1f}/s | latency ms p50 "
        f"{s['latency_ms_p50']} p95 {s['latency_ms_p95']} p99 {s['latency_ms_p99']} | "
        f"errors {sum(s['errors'].values())}"
    )


def fleet_table(fleet: FleetReadout, rates: tuple[float, float], counts: FleetCounts | None = None) -> Table:
    from rich.table import Table  # noqa: PLC0415 - the live view only (see the module's note)

    c, s = counts or fleet.counts(), fleet.stats.summary()
    table = Table(title=f"ocppsim fleet · {s['seconds']:.0f} s", show_header=True, header_style="bold")
    for name in (
        "chargers",
        "connected",
        "booted",
        "charging",
        "queued",
        "out/s",
        "in/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
    ):
        table.add_column(name, justify="right")
    table.add_row(
        str(c.chargers),
        str(c.connected),
        str(c.booted),
        str(c.charging),
        str(c.queued),
        f"{rates[0]:.1f}",
        f"{rates[1]:.1f}",
        str(s["latency_ms_p50"]),
        str(s["latency_ms_p95"]),
        str(s["latency_ms_p99"]),
    )
    errors = ", ".join(f"{kind} {count}" for kind, count in sorted(s["errors"].items())) or "none"
    table.caption = f"errors: {errors}"
    return table


# Seconds between the status lines; OCPPSIM_STATUS_INTERVAL changes it (the benchmarks time a fleet's
# boot from these lines, to the second, as they do for the bare client they compare it with).
STATUS_INTERVAL_S = 5.0


async def show_fleet(fleet: FleetReadout, *, interval: float | None = None, live: bool | None = None) -> None:
    """Until cancelled: a live table on a terminal (`live` None: when stdout is one), else a line."""
    if interval is None:
        interval = float(os.environ.get("OCPPSIM_STATUS_INTERVAL", STATUS_INTERVAL_S))
    rates = _Rates()
    if live is None:
        live = sys.stdout.isatty()
    if not live:
        while True:
            await asyncio.sleep(interval)
            counts = await fleet.counts_gradually()
            print(fleet_line(fleet, rates.update(fleet.stats.summary()), counts), flush=True)
    from rich.console import Console  # noqa: PLC0415 - the live view only (see the module's note)
    from rich.live import Live  # noqa: PLC0415

    console = Console()
    with Live(fleet_table(fleet, (0.0, 0.0)), console=console, refresh_per_second=2) as view:
        while True:
            await asyncio.sleep(min(interval, 1.0))
            counts = await fleet.counts_gradually()
            view.update(fleet_table(fleet, rates.update(fleet.stats.summary()), counts))
