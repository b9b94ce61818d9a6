"""Loop lag and garbage-collector pauses of every Python process of a benchmark run (issue 20), without a
change to the code measured: put this directory first on PYTHONPATH and Python imports it at start-up in
every process (the fleet's parent and workers, the sinks, the benchmark itself):

    PYTHONPATH=benchmarks/lag_probe LAG_PROBE_DIR=/tmp/lag python benchmarks/fleet_mix.py 30000 60 50

Each process writes LAG_PROBE_DIR/<role>-<pid>.json every 5 s and at exit: every collection of 5 ms and
more and every loop lag of 10 ms and more as [wall time, kind, milliseconds] (kind: gc0 / gc1 / gc2, or
lag: how late a callback scheduled every 5 ms on the uvloop loop ran), and totals. Wall time, not CPU
time: on a busy machine a pause includes the time the process waited for a core.

With LAG_PROBE_TURNS=1 it also times the callbacks a fleet worker's loop turns are made of (the timer
wheel's pass, the send batch, the journal's end-of-turn commit, a received frame): per kind the count and
the wall and CPU milliseconds in total, and every one of 5 ms and more as [wall time, kind, wall ms, CPU
ms, items] (items: timers fired, outboxes pumped). Wall far above CPU is a callback that waited for a core.
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
_TURNS = os.environ.get("LAG_PROBE_TURNS") == "1"
_turns: dict[str, list[float]] = {}  # kind: [count, wall ms, CPU ms]
_long_turns: list[tuple[float, str, float, float, int]] = []
_patched = [False]


def _timed(kind: str, method: Any, items: Any = None) -> Any:
    def wrapper(self: Any, *args: Any) -> Any:
        n = items(self) if items is not None else 0
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return method(self, *args)
        finally:
            wall_ms = (time.perf_counter() - wall) * 1000
            cpu_ms = (time.thread_time() - cpu) * 1000
            total = _turns.setdefault(kind, [0, 0.0, 0.0])
            total[0] += 1
            total[1] += wall_ms
            total[2] += cpu_ms
            if wall_ms >= 5.0:
                _long_turns.append((round(time.time(), 3), kind, round(wall_ms, 1), round(cpu_ms, 1), n))

    return wrapper


def _patch_turns() -> None:
    """Once the fleet's modules are loaded: wrap the callbacks a worker's loop turns are made of."""
    if (
        _patched[0]
        or "ocppsim.runtime.outbox" not in sys.modules
        or "ocppsim.store.database" not in sys.modules
    ):
        return
    _patched[0] = True
    # Imported late on purpose: from sys.modules once the process itself has loaded them.
    clock = sys.modules["ocppsim.runtime.clock"]
    outbox = sys.modules["ocppsim.runtime.outbox"]
    database = sys.modules["ocppsim.store.database"]

    def due_timers(wheel: Any) -> int:
        due = int((wheel.loop.time() + wheel.grid / 2) / wheel.grid)
        first = wheel._order[0] if wheel._order else due + 1
        return sum(len(wheel._slots.get(slot, ())) for slot in range(max(first, due - 10_000), due + 1))

    wheel = clock._TimerWheel
    wheel._fire = _timed("wheel", wheel._fire, due_timers)
    batch = outbox.SendBatch
    batch._run = _timed("send_batch", batch._run, lambda b: len(b._due))
    db = database.Database
    db._end_of_turn = _timed("commit", db._end_of_turn)
    ws_client = sys.modules.get("ocppsim.runtime.ws_client")
    if ws_client is not None:
        link = ws_client.PicowsLink
        link.on_ws_frame = _timed("frame", link.on_ws_frame)


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
        "turns": {
            kind: {"count": n, "wall_ms": round(w, 1), "cpu_ms": round(c, 1)}
            for kind, (n, w, c) in _turns.items()
        },
        "long_turns": _long_turns,
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
            if _TURNS:
                _patch_turns()
            if time.monotonic() - state["dumped"] > 5:
                state["dumped"] = time.monotonic()
                _dump()

        loop.call_soon(tick)
        return loop

    uvloop.new_event_loop = new_event_loop


gc.callbacks.append(_on_gc)
_probe_loops()
atexit.register(_dump)
