"""Property-based fuzz of the text command interface's number arguments (bounded here; `make fuzz` runs
it long): whatever a user types where a number belongs (other scripts' digits, superscripts, "1_0",
"nan", huge exponents ...), every command answers one reply line and the session stays open, never a
crash (the runner's catch-all reply `Error: <ExceptionName>: ...`) and never a number nobody typed."""

from __future__ import annotations

import asyncio
import logging
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REAL_TIMEOUT, Sim, SimFactory
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.framing import CallResult

# A third of the frame fuzzers' count: each example is a real socket round trip (~20 ms).
EXAMPLES = int(os.environ.get("OCPPSIM_FUZZ_EXAMPLES", "300")) // 3
CRASH = re.compile(r"^Error: [A-Za-z]*(Error|Exception|Overflow)\w*: ")

number_like = st.one_of(
    st.sampled_from(
        [
            "¹",
            "²³",
            "٣",
            "３",  # noqa: RUF001 (the point)
            "٣.٥",  # noqa: RUF001
            "⑦",
            "Ⅻ",
            "𝟙",  # noqa: RUF001
            "1_0",
            "nan",
            "-inf",
            "Infinity",
            "1e309",
            "1e300",
            "-1e300",
            "9" * 40,
            "0x10",
            "+5",
            "-5",
            "-0",
            "0",
            "1",
            "2",
            "3.5",
            ".",
            "-",
            "1e3",
            "@",
        ]
    ),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4),
    st.text(max_size=8),
)
# Every command with a number argument (the contract's and the extensions'), `{}` the argument.
TEMPLATES = [
    "@{} status",
    "connector {}",
    "fullafter {}",
    "max {}",
    "clock {}",
    "wait {}",
    "profiles {}",
    "profiles W {}",
    "intercept remove {}",
    "intercept answer Reset times {} status Rejected",
    "intercept answer Reset delay {}",
]


@pytest.fixture
async def quiet_sim(sim_factory: SimFactory, csms: CentralSystem) -> Sim:
    """A charger with no heartbeat and no WebSocket ping: `wait` jumps simulated days in a few timers.
    (A BootNotification.conf interval of 0 keeps the charger's own HeartbeatInterval, 300 s: a `wait 77000`
    the fuzzer drew was ~2,000 timers of a Heartbeat round trip or a ping each, 5 s of real time, and past
    the reply's timeout on a busy machine.)"""
    sim: Sim = await sim_factory()
    for key in ("HeartbeatInterval", "WebSocketPingInterval"):
        result = await csms.call(sim.id, "ChangeConfiguration", {"key": key, "value": "0"})
        assert isinstance(result, CallResult) and result.payload == {"status": "Accepted"}, (key, result)
    await sim.quiet()
    return sim


async def _command(sim: Sim, line: str) -> str:
    """Send one line; a valid `wait` sleeps on the fake clock, which moves here until it answers. Time
    moves only while the charger is idle: a jump while a CALL awaits its answer on the real socket (the
    SecurityEventNotification a `clock` sends, answered a few real ms later on a busy machine) timed it
    out, and the retry's TransactionMessageRetryInterval then held everything queued behind it."""
    task = asyncio.create_task(sim.conn.command(line))
    for _ in range(int(REAL_TIMEOUT / 0.002)):
        done, _ = await asyncio.wait({task}, timeout=0.002)
        if done:
            break
        when = sim.clock.next_timer()
        if when is not None and sim.station.idle:
            await sim.clock.advance(max(0.0, when - sim.clock.now()))
    return await asyncio.wait_for(task, REAL_TIMEOUT)


async def test_number_arguments_never_crash_a_command(
    quiet_sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    sim = quiet_sim
    loop = asyncio.get_running_loop()
    replies: list[tuple[str, str]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(template=st.sampled_from(TEMPLATES), argument=number_like)
    def one_command(template: str, argument: str) -> None:
        line = template.format(argument)
        reply = asyncio.run_coroutine_threadsafe(_command(sim, line), loop).result(REAL_TIMEOUT * 2)
        replies.append((line, reply))
        assert reply and "\n" not in reply, (line, reply)
        assert not CRASH.match(reply), (line, reply)
        assert sim.conn.connected, line
        if not (argument.isascii() and argument.isdigit()) and template.startswith(("@", "connector")):
            assert reply.startswith("Error: "), (line, reply)  # "٣" is not connector 3

    with caplog.at_level(logging.ERROR, logger="ocppsim"):
        # Hypothesis drives from a worker thread; the commands run on this loop, on the real socket.
        await asyncio.to_thread(one_command)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    await sim.quiet()
    assert sim.station.outbox.pending == [], "a message the CSMS answered in time was never delivered"
    assert len(replies) >= min(EXAMPLES, 50)
    # The charger still works after all that: its status answers, a session starts and reaches the CSMS.
    await sim.cmd("clock 0")
    assert (await sim.cmd("status")).startswith("Status: Available")
    assert await sim.cmd("@1 plugin") == "Cable plugged. Status Preparing"
    assert sim.calls("StatusNotification")[-1].payload["status"] == "Preparing"


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("@٣ status", "Error: bad connector '@٣': use @N with N >= 1"),
        ("@¹ status", "Error: bad connector '@¹': use @N with N >= 1"),
        ("connector ¹", "Error: usage: connector N"),
        ("connector ٣", "Error: usage: connector N"),
        ("max ٣", "Error: max must be a number, got '٣'"),
        ("max 1_0", "Error: max must be a number, got '1_0'"),
        ("fullafter ３", "Error: fullafter must be a number, got '３'"),  # noqa: RUF001 (the point)
        ("wait ٣", "Error: wait must be a number, got '٣'"),
        ("clock ¹", "Error: clock offset must be a number, got '¹'"),
        ("max nan", "Error: max must be a finite number, got 'nan'"),
        ("profiles ¹", "Error: usage: profiles [A|W] [seconds]"),
        ("intercept remove ¹", "Error: no override '¹'"),
        ("intercept answer Reset times ¹", "Error: times must be a whole number, got '¹'"),
        ("intercept answer Reset delay ٣", "Error: delay must be a number, got '٣'"),
    ],
)
async def test_other_scripts_digits_get_the_bad_number_reply(sim: Sim, line: str, reply: str) -> None:
    assert await sim.cmd(line) == reply
    assert await sim.cmd("max 16") == "Ok. max set to 16.0"  # the session goes on
