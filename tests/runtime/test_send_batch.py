"""The send batch: every outbox that asked is pumped once, in the order they asked, and a batch longer than
the pass budget yields to the loop between its parts."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import cast

import pytest

from ocppsim.runtime.clock import PASS_BUDGET_S
from ocppsim.runtime.outbox import Outbox, SendBatch


class _Busy:
    """An outbox stand-in whose pump takes a quarter of the pass budget."""

    log = logging.getLogger("test.send_batch")

    def __init__(self, name: str, order: list[str]) -> None:
        self.name = name
        self.order = order

    def pump(self) -> None:
        ends = time.perf_counter() + PASS_BUDGET_S / 4
        while time.perf_counter() < ends:
            pass
        self.order.append(self.name)


async def test_a_long_batch_yields_to_the_loop_and_pumps_each_outbox_once_in_order() -> None:
    loop = asyncio.get_running_loop()
    batch = SendBatch(loop)
    order: list[str] = []
    first = [_Busy(f"a{n}", order) for n in range(60)]
    for outbox in first:
        batch.defer(cast(Outbox, outbox))
    loop.call_soon(order.append, "between")  # asked after the batch: the loop's next thing
    await asyncio.sleep(0)
    later = [_Busy(f"b{n}", order) for n in range(3)]
    for outbox in later:  # asked while the batch's rest waits: pumped after it
        batch.defer(cast(Outbox, outbox))
    for _ in range(200):
        await asyncio.sleep(0.002)
        if len(order) == 64:
            break
    pumped = [name for name in order if name != "between"]
    assert pumped == [f"a{n}" for n in range(60)] + [f"b{n}" for n in range(3)]
    assert order.index("between") < 40, order  # not behind the whole batch


async def test_a_failing_pump_is_logged_and_the_others_go_on(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.get_running_loop()
    batch = SendBatch(loop)
    order: list[str] = []

    class _Failing(_Busy):
        def pump(self) -> None:
            raise RuntimeError("boom")

    for outbox in (_Busy("x", order), _Failing("f", order), _Busy("y", order)):
        batch.defer(cast(Outbox, outbox))
    await asyncio.sleep(0.01)
    assert order == ["x", "y"]
    assert [r.getMessage() for r in caplog.records] == ["sending failed"]
