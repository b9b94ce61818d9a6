"""The runtime's loop look-up without a system call, and the lazily allocated event."""

from __future__ import annotations

import asyncio
import threading

import pytest

from ocppsim.runtime.clock import LazyEvent, running_loop


def test_running_loop_follows_each_new_loop_and_thread() -> None:
    seen: list[tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]] = []

    async def look() -> None:
        seen.append((running_loop(), asyncio.get_running_loop()))

    asyncio.run(look())
    asyncio.run(look())  # a new loop in the same thread
    thread = threading.Thread(target=lambda: asyncio.run(look()))
    thread.start()
    thread.join()
    assert all(mine is real for mine, real in seen)
    assert len({id(real) for _, real in seen}) == 3
    with pytest.raises(RuntimeError):
        running_loop()  # no loop runs here (any more)


async def test_lazy_event_wakes_every_waiter_and_forgets_cancelled_ones() -> None:
    event = LazyEvent()
    woken: list[int] = []

    async def waiter(n: int) -> None:
        await event.wait()
        woken.append(n)

    tasks = [asyncio.create_task(waiter(n)) for n in range(3)]
    gone = asyncio.create_task(event.wait())
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.sleep(0)
    assert woken == [] and not event.is_set()
    event.set()
    await asyncio.gather(*tasks)
    assert sorted(woken) == [0, 1, 2]
    await asyncio.wait_for(event.wait(), 0.1)  # set: returns at once
    event.clear()
    later = asyncio.create_task(event.wait())
    await asyncio.sleep(0.01)
    assert not later.done()
    event.set()
    await asyncio.wait_for(later, 0.1)
