"""A broken or hostile central system: the charger answers what it owes, logs, and keeps working."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from conftest import REAL_TIMEOUT, Sim
from ocppsim.ocpp16.framing import CallResult


async def test_late_and_unknown_call_results_are_ignored(sim: Sim, caplog: pytest.LogCaptureFixture) -> None:
    sim.csms.responders["Heartbeat"] = lambda cid, p: None  # never answers
    await sim.csms.call(sim.id, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    heartbeat = await sim.csms.wait_for_call(sim.id, "Heartbeat")
    await sim.clock.advance(30)  # MessageTimeout
    await sim.quiet()
    await sim.csms.push(sim.id, json.dumps([3, heartbeat.unique_id, {"currentTime": "2030-01-01T00:00:00Z"}]))
    await sim.csms.push(sim.id, json.dumps([3, "never-sent", {}]))
    await sim.csms.push(sim.id, json.dumps([4, "never-sent-either", "GenericError", "", {}]))
    await asyncio.sleep(0.05)
    assert "unknown or expired message id" in caplog.text
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"


async def test_duplicate_call_ids_are_each_answered(sim: Sim) -> None:
    first = await sim.csms.send_raw(sim.id, json.dumps([2, "dup", "ClearCache", {}]), unique_id="dup")
    second = await sim.csms.send_raw(sim.id, json.dumps([2, "dup", "ClearCache", {}]), unique_id="dup")
    assert isinstance(first, CallResult) and isinstance(second, CallResult)


async def test_server_closing_mid_call_keeps_the_message_for_the_next_connection(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    closing: dict[str, Any] = {"armed": True}

    def stop(charger_id: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        if closing["armed"]:
            closing["armed"] = False
            asyncio.get_running_loop().create_task(sim.csms.disconnect(charger_id))
            return None  # closes instead of answering
        return {"idTagInfo": {"status": "Accepted"}}

    sim.csms.responders["StopTransaction"] = stop
    reply = await sim.conn.command("unplug")
    assert reply == "Succesfully stopped transaction. id_tag_info: None"
    for _ in range(200):
        if not sim.station.online:
            break
        await asyncio.sleep(0.01)
    # Reconnect after the back-off (simulated time), boot, and the StopTransaction goes out again.
    for _ in range(20):
        await sim.clock.advance(5)
        await asyncio.sleep(0.02)
        if len(sim.calls("StopTransaction")) == 2:
            break
    await sim.quiet()
    stops = sim.calls("StopTransaction")
    assert len(stops) == 2  # at-least-once: the unanswered one is sent again after reconnecting
    assert stops[0].payload == stops[1].payload
    boots = sim.calls("BootNotification")
    assert sim.csms.frames.index(stops[1]) > sim.csms.frames.index(boots[-1])
    assert len(sim.station.outbox) == 0


async def test_oversized_frame_closes_the_link_and_the_charger_reconnects(sim: Sim) -> None:
    await sim.csms.push(
        sim.id, json.dumps([2, "big", "DataTransfer", {"vendorId": "x", "data": "A" * (2 << 20)}])
    )
    for _ in range(200):
        if not sim.station.online:
            break
        await asyncio.sleep(0.01)
    assert not sim.station.online
    for _ in range(20):
        await sim.clock.advance(5)
        await asyncio.sleep(0.02)
        if sim.station.online:
            break
    await sim.csms.wait_connected(sim.id, REAL_TIMEOUT)
    await sim.quiet()
    assert len(sim.calls("BootNotification")) == 2
    assert await sim.cmd("status") == (
        "Status: Available, transaction_id: None, offer: 32.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )
