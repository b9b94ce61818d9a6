"""The send batch: every outbox that asked is pumped once, in the order they asked; one that fails does not
strand the others."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

import pytest

from ocppsim.runtime.outbox import Outbox, SendBatch


class _Recording:
    """An outbox stand-in that records its pump."""

    log = logging.getLogger("test.send_batch")

    def __init__(self, name: str, order: list[str]) -> None:
        self.name = name
        self.order = order

    def pump(self) -> None:
        self.order.append(self.name)


async def test_every_outbox_is_pumped_once_in_the_order_they_asked() -> None:
    loop = asyncio.get_running_loop()
    batch = SendBatch(loop)
    order: list[str] = []
    for outbox in [_Recording(f"a{n}", order) for n in range(20)]:
        batch.defer(cast(Outbox, outbox))
    await asyncio.sleep(0)
    for outbox in [_Recording(f"b{n}", order) for n in range(3)]:  # asked after the batch ran: the next one
        batch.defer(cast(Outbox, outbox))
    await asyncio.sleep(0.01)
    assert order == [f"a{n}" for n in range(20)] + [f"b{n}" for n in range(3)]


async def test_a_failing_pump_is_logged_and_the_others_go_on(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.get_running_loop()
    batch = SendBatch(loop)
    order: list[str] = []

    class _Failing(_Recording):
        def pump(self) -> None:
            raise RuntimeError("boom")

    for outbox in (_Recording("x", order), _Failing("f", order), _Recording("y", order)):
        batch.defer(cast(Outbox, outbox))
    await asyncio.sleep(0.01)
    assert order == ["x", "y"]
    assert [r.getMessage() for r in caplog.records] == ["sending failed"]
