"""The cyclic garbage collector's policy for the processes that hold thousands of connections (a fleet, a
fleet worker, the sink): what is long-lived is kept out of the collector's reach, from the first
charger built to the last one stopped.

Why (issue 20, measured with a gc.callbacks probe in the fleet's worker processes):
- A generation-2 collection walks every object of every charger: at 10,000 chargers it stopped the
  event loop for ~1.1 s, and at 15,000 chargers a worker (benchmarks/fleet_mix.py 30000, two workers)
  made 8-10 of them of 0.2-3.9 s each while its chargers connected and booted, every one of which
  found nothing to free (0 objects collected).
- With `gc.freeze()` once a minute, generation 1 still held ~20,000 survivors (the 10-60 s timers,
  waiters and futures of the mix) and each of its collections stopped the loop for 5-43 ms, which was
  the p99 of CS->CP answer latency.

So every FREEZE_EVERY_S the objects that survived are moved to the permanent generation: the young
generations hold what one second allocates, the collector still frees garbage cycles that die young,
and what dies later is freed by reference counting. What the collector no longer frees is a reference
cycle that becomes garbage after it was frozen; we measured none (a full collection every 15 s of a
3,000-charger fleet freed 0 objects, also after a CSMS restart had made every charger reconnect).

The policy starts before the chargers connect (`keep_long_lived_out_of_gc` is the first task of a
fleet's run, not the last of its ramp-up): a ramp of 15,000 chargers a worker is where the heap grows,
and where the long full collections were. Before that, a worker builds its chargers in one synchronous
loop, where no task runs: `building_long_lived` holds the collector off while they are made and freezes
them once made (with the policy from the run's start only, the same probe still saw 8 full collections
of 0.2-1.4 s in each worker in its first ~55 s, while it built its 15,000 chargers and began).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterator

__all__ = ["FREEZE_EVERY_S", "building_long_lived", "keep_long_lived_out_of_gc"]

FREEZE_EVERY_S = 1.0


async def keep_long_lived_out_of_gc(every_s: float = FREEZE_EVERY_S) -> None:
    """Until cancelled: freeze what the collector tracks now, then again every `every_s` seconds."""
    while True:
        gc.freeze()
        await asyncio.sleep(every_s)


@contextlib.contextmanager
def building_long_lived() -> Iterator[None]:
    """While the body builds objects meant to live as long as the process (a fleet's chargers): no
    collection, then what it built is frozen. The collector is enabled again after it (if it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
