"""Loop lag and garbage-collector pauses of every Python process of a benchmark run (issue 20), without a
change to the code measured: put this directory first on PYTHONPATH and Python imports it at start-up in
every process (the fleet's parent and workers, the sinks, the benchmark itself):

    PYTHONPATH=benchmarks/lag_probe LAG_PROBE_DIR=/tmp/lag python benchmarks/fleet_mix.py 30000 60 50

Each process writes LAG_PROBE_DIR/<role>-<pid>.json every 5 s and at exit: every collection of 5 ms and
more and every loop lag of 10 ms and more as [wall time, kind, milliseconds] (kind: gc0 / gc1 / gc2, or
lag: how late a callback scheduled every 5 ms on the uvloop loop ran), and totals. Wall time, not CPU
time: on a busy machine a pause includes the time the process waited for a core.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
import time
from typing import Any

try:
    import uvloop
except ImportError:  # the standard loop: collector pauses only
    uvloop = None

_DIR = os.environ.get("LAG_PROBE_DIR", "/tmp/lag_probe")
_PERIOD_S = 0.005
_started = time.time()
_gc_start = [0.0]
_events: list[tuple[float, str, float]] = []
_totals: dict[str, list[float]] = {"gc0": [0, 0.0], "gc1": [0, 0.0], "gc2": [0, 0.0], "lag": [0, 0.0]}


def _record(kind: str, ms: float, threshold: float) -> None:
    total = _totals[kind]
    total[0] += 1
    total[1] += ms
    if ms >= threshold:
        _events.append((round(time.time(), 3), kind, round(ms, 1)))


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_start[0] = time.perf_counter()
    else:
        _record(f"gc{info['generation']}", (time.perf_counter() - _gc_start[0]) * 1000, 5.0)


def _role() -> str:
    if "csms" in sys.argv:
        return "sink"
    if any(arg.startswith("--shard") for arg in sys.argv):
        return "worker"
    return "main"


def _dump() -> None:
    os.makedirs(_DIR, exist_ok=True)
    report = {
        "role": _role(),
        "argv": sys.argv,
        "pid": os.getpid(),
        "started": _started,
        "totals": {kind: {"count": n, "ms": round(ms, 1)} for kind, (n, ms) in _totals.items()},
        "events": _events,
    }
    with open(os.path.join(_DIR, f"{report['role']}-{os.getpid()}.json"), "w") as out:
        json.dump(report, out)


def _probe_loops() -> None:
    if uvloop is None:
        return
    make = uvloop.new_event_loop

    def new_event_loop() -> Any:
        loop = make()
        state = {"due": 0.0, "dumped": time.monotonic()}

        def tick() -> None:
            now = loop.time()
            if state["due"]:
                _record("lag", max(0.0, now - state["due"]) * 1000, 10.0)
            state["due"] = now + _PERIOD_S
            loop.call_later(_PERIOD_S, tick)
            if time.monotonic() - state["dumped"] > 5:
                state["dumped"] = time.monotonic()
                _dump()

        loop.call_soon(tick)
        return loop

    uvloop.new_event_loop = new_event_loop


gc.callbacks.append(_on_gc)
_probe_loops()
atexit.register(_dump)
