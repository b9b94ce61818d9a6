"""The only place that reads time. `SystemClock` for real runs, `FakeClock` for tests: the model is
given `now` by the runtime, and a test moves a FakeClock instead of waiting."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable
from types import MethodType
from typing import Protocol, TypeVar

__all__ = [
    "PASS_BUDGET_S",
    "TIMER_GRID_S",
    "Clock",
    "FakeClock",
    "LazyEvent",
    "ScaledClock",
    "SystemClock",
    "TimerHandle",
    "per_loop",
    "running_loop",
    "sleep_or_event",
]

_loops: dict[int, asyncio.AbstractEventLoop] = {}
_T = TypeVar("_T")


def running_loop() -> asyncio.AbstractEventLoop:
    """The running event loop, as `asyncio.get_running_loop()` gives it, without its system call.

    Python 3.11 calls getpid() on every get_running_loop() (and in asyncio.Event, sleep, ensure_future,
    wait), to notice a fork: several system calls per message. py-spy put getpid() at 7-9 % of a
    10,000-charger fleet worker's samples (it over-counts system calls: one costs ~0.24 us here when
    timed alone). The loop found is kept per thread and used while it runs. Not for a process forked
    while its loop runs (ours are spawned, never forked)."""
    thread = threading.get_ident()
    loop = _loops.get(thread)
    if loop is None or not loop.is_running():
        loop = _loops[thread] = asyncio.get_running_loop()
    return loop


def per_loop(table: dict[asyncio.AbstractEventLoop, _T], make: Callable[[], _T]) -> _T:
    """The running loop's entry of `table` (a module's one-per-loop object: the handshake gate, the send
    batch), made by `make` on first use; entries of closed loops are dropped then."""
    loop = running_loop()
    entry = table.get(loop)
    if entry is None:
        for old in [key for key in table if key.is_closed()]:
            del table[old]
        entry = table[loop] = make()
    return entry


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    def now(self) -> float: ...

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle: ...

    async def sleep(self, seconds: float) -> None: ...


# Timers fire on the next boundary of this grid of the event loop's clock at or after their time, from a
# timer wheel: one list of timers per grid slot, one event-loop timer for the earliest slot.
# - A fleet's chargers have deadlines spread over every millisecond (meter samples, heartbeats, answer
#   timeouts, pings): one loop wake-up each cost an epoll_wait, a timer pass and a group commit per
#   event. On a 10 ms grid the timers of a slot share one wake-up, one commit and one send batch.
# - The event loop's own timers keep a heap of every timer: at 10,000 chargers (~30,000 timers) a
#   call_later and its cancel cost ~8 % of a worker's CPU (py-spy), most of it cache misses in the heap
#   walk. A slot's list is an append; a cancel clears one reference; cancelled timers (nearly every answer
#   timeout) are dropped in bulk when their slot comes.
# 10 ms is far below anything OCPP times (seconds), and a real charger's timers are not more exact.
TIMER_GRID_S = 0.01
# One pass of the wheel runs the due timers for this long at most, then yields and goes on at the next
# loop timer: the loop polls its sockets in between. A slot of a 100,000-charger fleet's worker could hold
# hundreds of meter samples and heartbeats (30-50 ms of CPU, 4x that in wall time on a machine shared by
# 14 processes), and a CALL from the CSMS that came meanwhile waited for all of them (issue 20: the
# CS->CP p99). A few ms keeps the answer's wait short and the pass's own cost (a loop timer) negligible.
PASS_BUDGET_S = 0.002
_BUDGET_CHECK_EVERY = 8  # timers between two looks at the clock (a look is ~60 ns, a timer ~10-100 us)


class _WheelTimer:
    """A timer of the wheel. A bound method (every owner's timer callback: `self._due`) is kept as its
    function and object: the bound method is made anew by each `call_at`, and kept it is 64 B against 8
    for one more slot (three timers at each of a fleet's chargers: ~170 B a charger, issue 20)."""

    __slots__ = ("callback", "owner")

    def __init__(self, callback: Callable[[], None]) -> None:
        if type(callback) is MethodType:
            self.callback: Callable[..., None] | None = callback.__func__
            self.owner: object = callback.__self__
        else:
            self.callback = callback
            self.owner = _PLAIN

    def cancel(self) -> None:
        self.callback = None

    def fire(self) -> None:
        callback = self.callback
        if callback is None:
            return
        self.callback = None
        owner = self.owner
        if owner is _PLAIN:
            callback()
        else:
            callback(owner)


_PLAIN = object()  # the owner of a timer whose callback is not a bound method


class _TimerWheel:
    """Timers of one event loop on a grid of `grid` seconds of loop time."""

    __slots__ = ("_armed", "_handle", "_order", "_slots", "grid", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, grid: float) -> None:
        self.loop = loop
        self.grid = grid
        self._slots: dict[int, list[_WheelTimer]] = {}
        self._order: list[int] = []  # a heap of the slots that hold timers
        self._armed: int | None = None  # the slot the loop timer is set for
        self._handle: asyncio.TimerHandle | None = None

    def call_later(self, delay: float, callback: Callable[[], None]) -> _WheelTimer:
        slot = math.ceil((self.loop.time() + delay) / self.grid)
        timer = _WheelTimer(callback)
        timers = self._slots.get(slot)
        if timers is not None:
            timers.append(timer)
            return timer
        self._slots[slot] = [timer]
        heapq.heappush(self._order, slot)
        if self._armed is None or slot < self._armed:
            self._arm(slot)
        return timer

    def _arm(self, slot: int) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._armed = slot
        self._handle = self.loop.call_at(slot * self.grid, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self._armed = None
        # The loop's timers are whole milliseconds: a slot may fire a little before its boundary.
        due = math.floor((self.loop.time() + self.grid / 2) / self.grid)
        order, slots = self._order, self._slots
        ends = time.perf_counter() + PASS_BUDGET_S
        count = 0
        while order and order[0] <= due:
            # A callback may add timers that are due already: they get a slot of their own on the heap
            # and run in this same pass.
            slot = heapq.heappop(order)
            timers = slots.pop(slot)
            for index, timer in enumerate(timers):
                callback = timer.callback
                if callback is None:
                    continue
                count += 1
                if count % _BUDGET_CHECK_EVERY == 0 and time.perf_counter() > ends:
                    # Over budget: the rest of the slot goes back and the pass goes on at the next loop
                    # timer, after the loop has polled its sockets (see PASS_BUDGET_S).
                    rest = timers[index:]
                    added = slots.get(slot)  # by this pass's callbacks, for this same slot: on the heap
                    if added is None:
                        heapq.heappush(order, slot)
                    else:
                        rest += added
                    slots[slot] = rest
                    self._arm(slot)
                    return
                owner = timer.owner
                try:
                    timer.fire()
                except Exception as exc:  # as the loop's own timers: report it, go on with the others
                    what = repr(callback) if owner is _PLAIN else f"{callback!r} of {owner!r}"
                    self.loop.call_exception_handler(
                        {"message": f"Exception in timer callback {what}", "exception": exc}
                    )
        if order:
            self._arm(order[0])


_wheels: dict[tuple[asyncio.AbstractEventLoop, float], _TimerWheel] = {}


# The wheel of the last call, by thread: a clock's timers nearly always go to the wheel its last one went to
# (one loop per thread), and finding it again costs more than the rest of a call_later.
_last_wheel: dict[int, _TimerWheel] = {}


def _call_on_grid(real_delay: float, callback: Callable[[], None], grid: float) -> TimerHandle:
    delay = real_delay if real_delay > 0.0 else 0.0
    wheel = _last_wheel.get(threading.get_ident())
    if wheel is not None and wheel.grid == grid and wheel.loop.is_running():
        return wheel.call_later(delay, callback)
    loop = running_loop()
    if grid <= 0:
        return loop.call_later(delay, callback)
    wheel = _wheels.get((loop, grid))
    if wheel is None:
        for old in [key for key in _wheels if key[0].is_closed()]:
            del _wheels[old]
        wheel = _wheels[loop, grid] = _TimerWheel(loop, grid)
    _last_wheel[threading.get_ident()] = wheel
    return wheel.call_later(delay, callback)


class SystemClock:
    """Wall-clock time (UTC epoch seconds); timers on the running event loop, on a `grid` (seconds; 0 =
    exact)."""

    def __init__(self, *, grid: float = TIMER_GRID_S) -> None:
        self.grid = grid

    def now(self) -> float:
        return time.time()

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        return _call_on_grid(when - self.now(), callback, self.grid)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ScaledClock:
    """Simulated time running `speed` times faster than the wall clock, from the wall-clock time it was
    made (issue 5 `--speed`): EV, meter, intervals and the timestamps sent all follow it."""

    def __init__(self, speed: float, *, grid: float = TIMER_GRID_S) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self.grid = grid  # of real time, as SystemClock's
        self._wall0 = time.time()
        self._mono0 = time.monotonic()

    def now(self) -> float:
        return self._wall0 + (time.monotonic() - self._mono0) * self.speed

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        return _call_on_grid((when - self.now()) / self.speed, callback, self.grid)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class _FakeHandle:
    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """Time moves only when a test calls `advance()`; timers and sleeps fire in time order."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._heap: list[tuple[float, int, _FakeHandle, Callable[[], None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        handle = _FakeHandle()
        heapq.heappush(self._heap, (when, next(self._seq), handle, callback))
        return handle

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = running_loop().create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        handle = self.call_at(self._now + max(0.0, seconds), wake)
        try:
            await future
        finally:
            handle.cancel()

    def next_timer(self) -> float | None:
        """When the earliest live timer fires (None: no timer)."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    async def advance(self, seconds: float, *, settle: int = 5) -> None:
        """Move time forward, firing every timer due on the way at its own instant."""
        target = self._now + seconds
        while self._heap and self._heap[0][0] <= target:
            when, _, handle, callback = heapq.heappop(self._heap)
            if handle.cancelled:
                continue
            self._now = max(self._now, when)
            callback()
            for _ in range(settle):
                await asyncio.sleep(0)
        self._now = target
        for _ in range(settle):
            await asyncio.sleep(0)


class LazyEvent:
    """An asyncio.Event that costs a flag until somebody waits: an Event's deque is ~600 B, a fleet holds
    thousands of chargers with several rarely used signals each, and Event.wait() looks the loop up
    with a system call (see `running_loop`)."""

    __slots__ = ("_flag", "_waiters")

    def __init__(self) -> None:
        self._flag = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def set(self) -> None:
        self._flag = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._flag = False

    def is_set(self) -> bool:
        return self._flag

    async def wait(self) -> None:
        if self._flag:
            return
        waiter: asyncio.Future[None] = running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


async def sleep_or_event(clock: Clock, seconds: float, event: asyncio.Event | LazyEvent) -> None:
    """Sleep on `clock` for `seconds`, or less if `event` is set meanwhile."""
    loop = running_loop()
    sleeper = loop.create_task(clock.sleep(seconds))
    waiter = loop.create_task(event.wait())
    try:
        await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
        waiter.cancel()
        await asyncio.gather(sleeper, waiter, return_exceptions=True)
