"""The replay engine (runtime/replay/player.py) on real sockets: the recorded pacing divided by the
speed, the model's answer where the trace has none, a central system that hangs (bounded, the report
still made), one that cannot be reached, one that drops the link (a new link, the replay goes on)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from ocppsim.csms.server import CallResult, CentralSystem
from ocppsim.ocpp16.convert import parse_time
from ocppsim.runtime.replay import Replay, ReplayOptions, parse_trace

TRACE = """\
2026-12-06T10:00:00.000Z [2,"1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]
2026-12-06T10:00:00.010Z [3,"1",{"status":"Accepted","currentTime":"2026-12-06T10:00:00Z","interval":300}]
2026-12-06T10:00:00.200Z [2,"2","Heartbeat",{}]
2026-12-06T10:00:00.210Z [3,"2",{"currentTime":"2026-12-06T10:00:00Z"}]
2026-12-06T10:00:00.400Z [2,"3","StatusNotification",{"connectorId":0,"errorCode":"NoError",\
"status":"Available","timestamp":"2026-12-06T09:59:59.400Z"}]
2026-12-06T10:00:00.410Z [3,"3",{}]
"""


@pytest.fixture
async def csms() -> AsyncIterator[CentralSystem]:
    cs = CentralSystem()
    await cs.start()
    yield cs
    await cs.stop()


def options(url: str, **more: Any) -> ReplayOptions:
    settings: dict[str, Any] = {"speed": 0.0, "timeout": 2.0, "linger": 0.05, **more}
    return ReplayOptions(url=url, charger_id="R1", **settings)


async def test_pacing_follows_the_speed_and_timestamps_move_to_now(csms: CentralSystem) -> None:
    began = time.monotonic()
    report = await Replay(parse_trace(TRACE.splitlines()), options(csms.url, speed=2.0)).run()
    took = time.monotonic() - began
    assert report.same, report.text()
    assert 0.2 <= took < 1.5  # 0.4 s recorded at twice the speed
    status = csms.calls("R1", "StatusNotification")[0].payload
    # One second before its message, as recorded; the message itself was sent now.
    sent = csms.calls("R1", "StatusNotification")[0].time
    assert parse_time(status["timestamp"]) == pytest.approx(sent - 1.0, abs=0.1)


async def test_the_model_answers_what_the_trace_has_no_answer_for(csms: CentralSystem) -> None:
    async def ask() -> CallResult | Any:
        await csms.wait_for_call("R1", "BootNotification")
        return await csms.call("R1", "GetConfiguration", {"key": ["HeartbeatInterval"]})

    asking = asyncio.create_task(ask())
    report = await Replay(parse_trace(TRACE.splitlines()), options(csms.url, linger=0.2)).run()
    answer = await asking
    assert isinstance(answer, CallResult)
    assert answer.payload["configurationKey"][0]["key"] == "HeartbeatInterval"
    assert report.answered_by_model == 1
    assert [(d.kind, d.action) for d in report.differences] == [("extra_call", "GetConfiguration")]


async def silent_handler(ws: ServerConnection) -> None:
    async for _ in ws:
        pass  # never answers


async def test_a_hanging_central_system_is_bounded_and_reported() -> None:
    async with serve(silent_handler, "127.0.0.1", 0, subprotocols=["ocpp1.6"]) as server:  # type: ignore[list-item]
        port = next(iter(server.sockets)).getsockname()[1]
        began = time.monotonic()
        report = await Replay(
            parse_trace(TRACE.splitlines()), options(f"ws://127.0.0.1:{port}", timeout=0.1, give_up=2)
        ).run()
    assert time.monotonic() - began < 1.0
    assert (
        report.outcome == "aborted" and report.reason == "the central system left 2 CALLs in a row unanswered"
    )
    assert [(d.kind, d.action) for d in report.differences] == [
        ("no_answer", "BootNotification"),
        ("no_answer", "Heartbeat"),
    ]
    assert (report.sent, report.answered, report.not_replayed) == (2, 0, 1)
    assert "aborted (the central system left 2 CALLs in a row unanswered)" in report.text()


async def test_a_central_system_out_of_reach() -> None:
    report = await Replay(parse_trace(TRACE.splitlines()), options("ws://127.0.0.1:9", timeout=1.0)).run()
    assert report.outcome == "aborted" and report.reason is not None
    assert report.reason.startswith("cannot connect to ws://127.0.0.1:9/R1")
    assert report.not_replayed == 3 and not report.same


async def test_a_dropped_link_is_replaced(csms: CentralSystem) -> None:
    original = csms.default_answer

    def drop_once(charger_id: str, action: str, payload: dict[str, Any]) -> Any:
        if action == "Heartbeat" and not getattr(drop_once, "done", False):
            drop_once.done = True  # type: ignore[attr-defined]
            asyncio.get_running_loop().create_task(csms.disconnect(charger_id))
        return original(charger_id, action, payload)

    csms.default_answer = drop_once  # type: ignore[method-assign]
    report = await Replay(parse_trace(TRACE.splitlines()), options(csms.url)).run()
    assert report.outcome == "complete", report.text()
    assert len(csms.calls("R1", "StatusNotification")) == 1  # sent on the new link
