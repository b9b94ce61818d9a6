"""A central system that is not the one a run starts itself: the built-in one in a thread of its own,
standing in for a team's CSMS behind --ocpp-url / --csms-url."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ocppsim.testing.harness import start_builtin_csms


@pytest.fixture
def other_csms() -> Iterator[Any]:
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def serve() -> None:
        state["csms"] = await start_builtin_csms()
        state["stop"] = asyncio.Event()
        state["loop"] = asyncio.get_running_loop()
        ready.set()
        await state["stop"].wait()
        await state["csms"].stop()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(5)
    yield state["csms"]
    state["loop"].call_soon_threadsafe(state["stop"].set)
    thread.join(5)
