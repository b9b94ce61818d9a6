"""Transaction-related messages are retried after a CALLERROR: TransactionMessageAttempts in all, waiting
TransactionMessageRetryInterval x attempt (OCPP 1.6 section 3.7.1); after a timeout they are re-sent until
answered (no answer is no failure to process, OCPP-J errata 3.2); others are not."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import Sim
from ocppsim.ocpp16.framing import CallError


async def test_start_transaction_retried_then_accepted(sim: Sim) -> None:
    answers: list[str] = []

    def start(charger_id: str, payload: dict[str, Any]) -> dict[str, Any] | CallError:
        answers.append("error" if len(answers) < 2 else "ok")
        if answers[-1] == "error":
            return CallError("", "InternalError", "database down", {})
        return {"transactionId": 77, "idTagInfo": {"status": "Accepted"}}

    sim.csms.responders["StartTransaction"] = start
    await sim.cmd("plugin")
    assert await sim.cmd("tag") == "Tag Accepted. Parent: , new status: Charging"
    assert len(sim.calls("StartTransaction")) == 1
    await sim.advance(59)
    assert len(sim.calls("StartTransaction")) == 1
    await sim.advance(1)  # retry 1 after interval x 1 = 60 s
    assert len(sim.calls("StartTransaction")) == 2
    await sim.advance(119)
    assert len(sim.calls("StartTransaction")) == 2
    await sim.advance(1)  # retry 2 after interval x 2 = 120 s
    assert len(sim.calls("StartTransaction")) == 3
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 77,")
    # The MeterValues waiting behind it carry the real id, in order.
    meter = sim.calls("MeterValues")
    assert meter
    assert all(f.payload["transactionId"] == 77 for f in meter)
    first_start = sim.csms.frames.index(sim.calls("StartTransaction")[-1])
    assert all(sim.csms.frames.index(f) > first_start for f in meter)


async def test_start_transaction_dropped_after_attempts_then_minus_one(sim: Sim) -> None:
    sim.csms.responders["StartTransaction"] = lambda cid, p: CallError("", "InternalError", "", {})
    await sim.cmd("plugin")
    await sim.cmd("tag")
    await sim.advance(60 + 120)
    assert len(sim.calls("StartTransaction")) == 3  # TransactionMessageAttempts = 3
    await sim.advance(600)
    assert len(sim.calls("StartTransaction")) == 3
    await sim.cmd("unplug")
    assert sim.calls("StopTransaction")[-1].payload["transactionId"] == -1  # errata 3.18


async def test_unanswered_call_times_out_and_is_not_retried(sim: Sim) -> None:
    sim.csms.responders["Heartbeat"] = lambda cid, p: None
    await sim.csms.call(sim.id, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    await sim.csms.wait_for_call(sim.id, "Heartbeat")
    assert not sim.station.idle
    await sim.clock.advance(30)  # MessageTimeout
    await sim.quiet()
    assert len(sim.calls("Heartbeat")) == 1
    await sim.cmd("plugin")  # the charger goes on
    assert sim.calls("StatusNotification")[-1].payload["status"] == "Preparing"


async def test_an_unanswered_transaction_message_is_resent_until_answered(sim: Sim) -> None:
    """More timeouts than TransactionMessageAttempts: a silent CSMS (a stalled or blackholed link) is no
    failure to process, so the StartTransaction is re-sent under its uniqueId every
    TransactionMessageRetryInterval, never dropped; once answered the transaction carries its id."""
    silent = 5

    def start(charger_id: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        nonlocal silent
        silent -= 1
        return None if silent >= 0 else {"transactionId": 78, "idTagInfo": {"status": "Accepted"}}

    async def sent(count: int) -> None:
        for _ in range(500):
            if len(sim.calls("StartTransaction")) >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(sim.calls('StartTransaction'))} StartTransaction, not {count}")

    sim.csms.responders["StartTransaction"] = start
    await sim.cmd("plugin")
    await sim.conn.command("tag")  # not `cmd`: the charger will not be quiet before an answer
    for attempt in range(1, 6):
        await sent(attempt)
        await sim.clock.advance(30)  # MessageTimeout: no answer
        await asyncio.sleep(0.02)
        await sim.clock.advance(59)
        await asyncio.sleep(0.02)
        assert len(sim.calls("StartTransaction")) == attempt
        await sim.clock.advance(1)  # TransactionMessageRetryInterval (60 s) after the timeout
    await sent(6)
    await sim.quiet()
    starts = sim.calls("StartTransaction")
    assert len(starts) == 6  # 3 = TransactionMessageAttempts would have dropped it
    assert len({f.unique_id for f in starts}) == 1
    assert [f.duplicate for f in starts] == [False] + [True] * 5
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 78,")
