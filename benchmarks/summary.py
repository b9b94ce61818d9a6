"""The fleet issue's four figures against its targets, from what the benchmarks last wrote in
benchmarks/results/ (each with the command that produced it). `make bench` runs them, then this.

    python benchmarks/summary.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def main() -> int:
    rows: list[tuple[str, str, bool | None, str]] = []
    capacity = _load("fleet_mix-100000.json")
    if capacity is None:
        rows.append(("100,000 chargers, <= 40 KiB each", "not run", None, "make bench-capacity"))
    else:
        held = capacity["connected_during_window"]
        fewest = capacity.get("connected_fewest_during_window", held)
        kib = capacity["rss_kib_per_charger"]
        busy = capacity["fleet_cores_busy"] + capacity["sink_cores_busy"]
        rows.append(
            (
                "100,000 chargers in the standard mix, <= 40 KiB each",
                f"{fewest} held all window ({held} at its end), {kib} KiB per charger, {busy:.2f} cores "
                f"busy, CS->CP p99 {capacity['probe_latency_ms_p99']} ms",
                fewest >= 100_000 and kib <= 40,
                capacity["command"],
            )
        )
    path = _load("message_path.json")
    if path is not None:
        rate = path["round_trips_per_cpu_second"]
        rows.append(
            (
                ">= 10,000 round trips/s per core, full stack",
                f"{rate:,.0f} round trips per CPU-second",
                rate >= 10_000,
                "python benchmarks/message_path.py",
            )
        )
    mix = _load("fleet_mix.json")
    if mix is not None:
        p99 = mix["probe_latency_ms_p99"]
        rows.append(
            (
                "CS->CP p99 <= 10 ms at 10,000 chargers",
                f"p99 {p99} ms (p50 {mix['probe_latency_ms_p50']} ms, {mix['probe_calls']} calls)",
                p99 <= 10 and mix["connected_during_window"] == 10_000,
                mix["command"],
            )
        )
    boot = _load("boot_storm.json")
    if boot is not None:
        seconds = boot["boot_seconds"]
        rows.append(
            (
                "10,000 boots <= 15 s",
                f"{boot['booted']} booted in {seconds:.2f} s",
                boot["booted"] == 10_000 and seconds <= 15,
                boot["command"],
            )
        )
    print("issue 5 targets (2 cores, 24 GiB):")
    for target, measured, met, command in rows:
        verdict = "not run" if met is None else ("met" if met else "NOT met")
        print(f"  {target}: {measured} -> {verdict}\n      ({command})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
