"""What a fleet run did: messages in and out, CSMS answer latency percentiles, errors by kind; exported
as JSON and CSV. One object per fleet, fed by every station's outbox (no per-charger cost but a call)."""

from __future__ import annotations

import csv
import json
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FleetStats"]


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class FleetStats:
    started: float = field(default_factory=time.monotonic)
    calls_out: Counter[str] = field(default_factory=Counter)  # CP -> CS CALLs answered or failed, by action
    calls_in: Counter[str] = field(default_factory=Counter)  # CS -> CP CALLs, by action
    errors: Counter[str] = field(default_factory=Counter)  # by kind: CALLERROR code, Timeout, ...
    # Answer latencies (s) of the most recent CALLs: a bounded window keeps memory flat in long runs.
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=200_000))

    def call_answered(self, action: str, latency_s: float, error: str | None) -> None:
        self.calls_out[action] += 1
        if error is None:
            self.latencies.append(latency_s)
        else:
            self.errors[error.split(":")[0]] += 1

    def call_received(self, action: str) -> None:
        self.calls_in[action] += 1

    def summary(self) -> dict[str, Any]:
        elapsed = max(1e-9, time.monotonic() - self.started)
        ordered = sorted(self.latencies)
        out, inbound = sum(self.calls_out.values()), sum(self.calls_in.values())
        return {
            "seconds": round(elapsed, 3),
            "calls_out": out,
            "calls_in": inbound,
            "calls_out_per_s": round(out / elapsed, 1),
            "calls_in_per_s": round(inbound / elapsed, 1),
            "latency_ms_p50": round(_percentile(ordered, 0.50) * 1000, 2),
            "latency_ms_p95": round(_percentile(ordered, 0.95) * 1000, 2),
            "latency_ms_p99": round(_percentile(ordered, 0.99) * 1000, 2),
            "errors": dict(self.errors),
            "calls_out_by_action": dict(self.calls_out),
            "calls_in_by_action": dict(self.calls_in),
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.summary(), indent=2) + "\n")

    def write_csv(self, path: str | Path) -> None:
        """One row per (direction, action) with its count, plus rows for latency and errors."""
        summary = self.summary()
        with Path(path).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["metric", "name", "value"])
            for key in (
                "seconds",
                "calls_out_per_s",
                "calls_in_per_s",
                "latency_ms_p50",
                "latency_ms_p95",
                "latency_ms_p99",
            ):
                writer.writerow([key, "", summary[key]])
            for action, count in sorted(self.calls_out.items()):
                writer.writerow(["calls_out", action, count])
            for action, count in sorted(self.calls_in.items()):
                writer.writerow(["calls_in", action, count])
            for kind, count in sorted(self.errors.items()):
                writer.writerow(["errors", kind, count])
