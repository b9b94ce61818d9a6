"""What a fleet run did: messages in and out, CSMS answer latency percentiles, errors by kind; exported
as JSON and CSV. One object per fleet, fed by every station's outbox (no per-charger cost but a call).

Latencies go into a log-scale histogram (2 % wide bins from 10 us to ~100 s): constant memory however
long the run, and the histograms of several worker processes add up exactly, so the fleet's p99 is the
p99 of all its answers, not a mean of the workers' p99s."""

from __future__ import annotations

import csv
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FleetStats", "percentile"]


_LOWEST_S = 1e-5
_GROWTH = 1.02  # bin width: a percentile is read to within 2 %
_BINS = math.ceil(math.log(1e7) / math.log(_GROWTH)) + 1  # 10 us .. 100 s, then one overflow bin
_LOG_GROWTH = math.log(_GROWTH)


def _bin(seconds: float) -> int:
    if seconds <= _LOWEST_S:
        return 0
    return min(_BINS - 1, int(math.log(seconds / _LOWEST_S) / _LOG_GROWTH) + 1)


def _bin_value(index: int) -> float:
    """The middle of a bin, in seconds."""
    if index == 0:
        return _LOWEST_S
    return float(_LOWEST_S * _GROWTH ** (index - 0.5))


def percentile(histogram: list[int], share: float) -> float:
    """The `share` quantile (0..1) of the latencies counted in `histogram`, in seconds (nan if empty):
    nearest rank, the smallest value with at least `share` of the answers at or below it."""
    total = sum(histogram)
    if not total:
        return float("nan")
    rank = max(1, math.ceil(share * total))
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return _bin_value(index)
    return _bin_value(len(histogram) - 1)


@dataclass
class FleetStats:
    started: float = field(default_factory=time.monotonic)
    calls_out: Counter[str] = field(default_factory=Counter)  # CP -> CS CALLs answered or failed, by action
    calls_in: Counter[str] = field(default_factory=Counter)  # CS -> CP CALLs, by action
    errors: Counter[str] = field(default_factory=Counter)  # by kind: CALLERROR code, Timeout, ...
    # Answer latencies of successful CALLs, as counts per log-scale bin.
    latency_histogram: list[int] = field(default_factory=lambda: [0] * _BINS)

    def call_answered(self, action: str, latency_s: float, error: str | None) -> None:
        self.calls_out[action] += 1
        if error is None:
            self.latency_histogram[_bin(latency_s)] += 1
        else:
            self.errors[error.split(":")[0]] += 1

    def latency_s(self, share: float) -> float:
        return percentile(self.latency_histogram, share)

    def merge(self, other: dict[str, Any]) -> None:
        """Add another process's `export()` to these counts."""
        self.calls_out.update(other["calls_out"])
        self.calls_in.update(other["calls_in"])
        self.errors.update(other["errors"])
        for index, count in other["latency_histogram"]:
            self.latency_histogram[index] += count

    def export(self) -> dict[str, Any]:
        """Everything `merge` needs, JSON-ready (the histogram sparse: [bin, count] pairs)."""
        return {
            "calls_out": dict(self.calls_out),
            "calls_in": dict(self.calls_in),
            "errors": dict(self.errors),
            "latency_histogram": [[i, c] for i, c in enumerate(self.latency_histogram) if c],
        }

    def call_received(self, action: str) -> None:
        self.calls_in[action] += 1

    def summary(self) -> dict[str, Any]:
        elapsed = max(1e-9, time.monotonic() - self.started)
        out, inbound = sum(self.calls_out.values()), sum(self.calls_in.values())
        return {
            "seconds": round(elapsed, 3),
            "calls_out": out,
            "calls_in": inbound,
            "calls_out_per_s": round(out / elapsed, 1),
            "calls_in_per_s": round(inbound / elapsed, 1),
            "latency_ms_p50": round(self.latency_s(0.50) * 1000, 2),
            "latency_ms_p95": round(self.latency_s(0.95) * 1000, 2),
            "latency_ms_p99": round(self.latency_s(0.99) * 1000, 2),
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
