"""The answer timeout of a CALL (OCPP-J 4.1.1 one CALL at a time; MessageTimeout): one timer per
connection, re-armed for the CALL in flight, expires each CALL at its own deadline."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ocppsim.model.outgoing import HeartbeatReq
from ocppsim.ocpp16.framing import CallResult
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.frame_exchange import FrameExchange


class _Link:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, frame: Any) -> bool:
        self.sent.append(frame)
        return True


def _exchange(clock: FakeClock, answers: list[Any]) -> FrameExchange:
    station: Any = SimpleNamespace(
        _ws=_Link(),
        charger=SimpleNamespace(config=SimpleNamespace(get_int=lambda key: 30)),
        wire=SimpleNamespace(outgoing=lambda request, prepared: ("Heartbeat", {})),
        interception=None,
        message_log=None,
        make_durable=lambda: None,
        clock=clock,
        outbox=SimpleNamespace(answered=answers.append),
        options=SimpleNamespace(validate_inbound=False),
    )
    return FrameExchange(station)


async def test_each_call_times_out_at_its_own_deadline() -> None:
    clock, answers = FakeClock(), []
    exchange = _exchange(clock, answers)
    assert exchange.send_call(HeartbeatReq(), "a", None)
    await clock.advance(1)
    exchange._on_answer(CallResult("a", {}))
    assert answers[-1].error is None and not exchange.awaiting_answer
    await clock.advance(9)  # t = 10: the second CALL's deadline is t = 40, not the first's t = 30
    assert exchange.send_call(HeartbeatReq(), "b", None)
    await clock.advance(25)  # t = 35
    assert exchange.awaiting_answer and len(answers) == 1
    await clock.advance(5)  # t = 40
    assert not exchange.awaiting_answer and answers[-1].error == "Timeout"
    assert clock.next_timer() is None  # nothing left armed without a CALL in flight


async def test_an_answered_call_leaves_no_timeout() -> None:
    clock, answers = FakeClock(), []
    exchange = _exchange(clock, answers)
    exchange.send_call(HeartbeatReq(), "a", None)
    exchange._on_answer(CallResult("a", {}))
    await clock.advance(120)
    assert len(answers) == 1 and answers[0].error is None
