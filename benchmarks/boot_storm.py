"""Boot storm and memory: N chargers (default 10,000) in this process connect and boot against the built-in
central system in sink mode in its own process. Prints the time until all are booted (BootNotification
Accepted + StatusNotifications answered) and the RSS per charger, and writes
benchmarks/results/boot_storm.json.

    python benchmarks/boot_storm.py [N] [ramp per second; none = all at once]
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from sink import csms_sink

from ocppsim.model.charger import ChargerParams
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import SystemClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.store import Store

RESULTS = Path(__file__).parent / "results" / "boot_storm.json"


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def storm(n: int, port: int, data: Path, ramp: float | None) -> dict[str, float]:
    validators.warm()
    clock = SystemClock()
    fleet = Fleet(clock=clock, store=Store(data))
    base = rss_kib()
    options = StationOptions(url=f"ws://127.0.0.1:{port}/ocpp")
    for i in range(n):
        fleet.add(ChargerParams(f"BOOT{i:05d}"), options)
    objects = rss_kib()
    start = time.perf_counter()
    runner = asyncio.create_task(fleet.run(ramp_per_s=ramp))
    booted_at = None
    while time.perf_counter() - start < 120:
        await asyncio.sleep(0.05)
        counts = fleet.counts()
        if counts.booted == n and counts.queued == 0 and all(st.idle for st in fleet):
            booted_at = time.perf_counter() - start
            break
    connected_rss = rss_kib()
    counts = fleet.counts()
    fleet.stop()
    await runner
    return {
        "chargers": n,
        "booted": counts.booted,
        "boot_seconds": booted_at if booted_at is not None else float("nan"),
        "kib_per_charger_objects": (objects - base) / n,
        "kib_per_charger_connected": (connected_rss - base) / n,
    }


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ramp = float(sys.argv[2]) if len(sys.argv) > 2 else None  # chargers started per second
    # Reconnects after handshake time-outs are part of a storm; one log line each would drown the figures.
    logging.basicConfig(level=logging.ERROR)
    with csms_sink() as port, tempfile.TemporaryDirectory() as data:
        figures = asyncio.run(storm(n, port, Path(data), ramp))
    figures["ramp_per_s"] = ramp or 0.0
    figures["command"] = f"python benchmarks/boot_storm.py {n} {ramp or ''}".strip()  # type: ignore[assignment]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"boot storm: {figures['booted']:.0f}/{n} chargers booted in {figures['boot_seconds']:.2f} s "
        f"(CSMS sink in its own process, one fleet process)"
    )
    print(
        f"memory: {figures['kib_per_charger_connected']:.1f} KiB RSS per connected charger "
        f"({figures['kib_per_charger_objects']:.1f} KiB before connecting)"
    )
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
