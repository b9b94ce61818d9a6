"""Steps shared by the conformance cases: CS->CP calls that must be answered, times on the central
system's clock, the status reports of one connector, going offline and back."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import Sim
from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import CallResult


async def ask(sim: Sim, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A CS->CP call, its CALLRESULT payload (a CALLERROR fails the case), once the charger is quiet."""
    result = await sim.csms.call(sim.id, action, payload)
    assert isinstance(result, CallResult), result
    await sim.quiet()
    return result.payload


def in_csms_time(sim: Sim, seconds: float) -> str:
    """A time `seconds` from now on the central system's clock (the charger keeps the offset)."""
    return format_time(sim.clock.now() + sim.station.charger.state.clock_offset + seconds)


def statuses(sim: Sim, since: int, connector: int = 1) -> list[str]:
    """The statuses the charger reported for one connector since `since`, in order."""
    return [s for a, v in sim.sent(since) if a == "StatusNotification" and v[0] == connector for s in [v[1]]]


def actions(sim: Sim, since: int) -> list[str]:
    return [a for a, _ in sim.sent(since)]


async def set_key(sim: Sim, key: str, value: str) -> None:
    assert await ask(sim, "ChangeConfiguration", {"key": key, "value": value}) == {"status": "Accepted"}


async def go_offline(sim: Sim) -> None:
    """The central system drops the link and refuses the charger (HTTP 404) until come_back."""
    sim.csms.charger_ids = set()
    await sim.csms.disconnect(sim.id)
    for _ in range(200):
        if not sim.station.online:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("still online")


async def come_back(sim: Sim) -> None:
    """Accept the charger again and move simulated time until it has reconnected and delivered its queue."""
    sim.csms.charger_ids = None
    for _ in range(40):
        await sim.advance(15)
        if sim.station.online and len(sim.station.outbox) == 0:
            return
    raise AssertionError("did not deliver after reconnecting")
