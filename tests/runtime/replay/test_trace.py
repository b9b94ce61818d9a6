"""Reading a trace (runtime/replay/trace.py): both forms, answers paired with their CALLs, directions,
and every way a trace is refused (file, line, reason) before anything connects."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocppsim.runtime.replay import TraceError, load_trace, parse_trace
from ocppsim.runtime.replay.trace import ChargerCall, CsmsCall

FRAME_LINES = """\
# a charger's log, filtered to its frames
2026-12-06T10:00:00.000Z [2,"1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]
2026-12-06T10:00:00.250Z [3,"1",{"status":"Accepted","currentTime":"2026-12-06T10:00:00Z","interval":300}]
2026-12-06 10:00:01,500 INFO << [2,"cs-1","GetConfiguration",{}]
2026-12-06 10:00:01,600 INFO >> [3,"cs-1",{"configurationKey":[]}]
1796551203.0 [2,"2","DataTransfer",{"vendorId":"X"}]
1796551203.5 [4,"2","NotImplemented","no",{}]
2026-12-06T10:00:04Z CS->CP [2,"cs-2","DataTransfer",{"vendorId":"Y"}]
2026-12-06T10:00:04Z [3,"cs-2",{"status":"Accepted"}]
2026-12-06T10:00:05Z [3,"zz",{}]
"""


def test_frame_lines() -> None:
    trace = parse_trace(FRAME_LINES.splitlines(), "log.txt")
    kinds = [(type(s).__name__, s.action, s.line) for s in trace.steps]
    assert kinds == [
        ("ChargerCall", "BootNotification", 2),
        ("CsmsCall", "GetConfiguration", 4),
        ("ChargerCall", "DataTransfer", 6),
        ("CsmsCall", "DataTransfer", 8),
    ]
    boot, config, transfer, inbound = trace.steps
    assert boot.answer is not None and boot.answer.payload["status"] == "Accepted"
    assert boot.time == pytest.approx(1796551200.0) and boot.answer.time == pytest.approx(1796551200.25)
    assert config.answer is not None and config.answer.time == pytest.approx(1796551201.6)
    assert transfer.answer is not None and transfer.answer.error == "NotImplemented"
    assert inbound.answer is not None and inbound.answer.payload == {"status": "Accepted"}
    assert trace.notes == ["line 10: answer to message id 'zz' (its CALL is not in the trace) skipped"]


def test_message_log_export(tmp_path: Path) -> None:
    lines = [
        '{"seq":1,"time":"2026-12-06T10:00:00.000Z","direction":"out","type":"CALL","message_id":"7",'
        '"action":"Heartbeat","latency_ms":null,"payload":{}}',
        '{"seq":2,"time":"2026-12-06T10:00:00.100Z","direction":"in","type":"CALLERROR","message_id":"7",'
        '"action":"Heartbeat","latency_ms":1.0,"payload":{"errorCode":"GenericError","errorDescription":"d",'
        '"errorDetails":{}}}',
        '{"seq":3,"time":"2026-12-06T10:00:01.000Z","direction":"in","type":"INVALID","message_id":"-1",'
        '"action":null,"latency_ms":null,"payload":"[2,"}',
        '{"seq":4,"time":"2026-12-06T10:00:02.000Z","direction":"in","type":"CALL","message_id":"7",'
        '"action":"Reset","latency_ms":null,"payload":{"type":"Soft"}}',
        '{"seq":5,"time":"2026-12-06T10:00:02.010Z","direction":"out","type":"CALLRESULT","message_id":"7",'
        '"action":"Reset","latency_ms":1.0,"payload":{"status":"Accepted"},"note":null}',
    ]
    path = tmp_path / "CP-9-messages.jsonl"
    path.write_text("\n".join(lines) + "\n")
    trace = load_trace(path)
    assert trace.charger_id == "CP-9"
    heartbeat, reset = trace.steps
    assert isinstance(heartbeat, ChargerCall) and isinstance(reset, CsmsCall)
    assert heartbeat.answer is not None and heartbeat.answer.error == "GenericError"
    assert reset.answer is not None and reset.answer.payload == {"status": "Accepted"}  # same id, other side
    assert trace.notes == ["line 3: an INVALID frame in the trace, skipped"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 0, "no OCPP-J frames"),
        ('2026-12-06T10:00:00Z [2,"1","Reset",{}]\n', 0, "no CALL of the charger"),
        ('2026-12-06T10:00:00Z [2,"1","Heartbeat",{}]\nhello\n', 2, "no OCPP-J frame on this line"),
        ('[2,"1","Heartbeat",{}]\n', 1, "no timestamp before the frame"),
        ('2026-12-06T10:00:00Z [2,"1","Heartbeat",{}\n', 1, "not valid JSON"),
        ('2026-12-06T10:00:00Z [2,"1","Frobnicate",{}]\n', 1, "unknown OCPP 1.6 action 'Frobnicate'"),
        ('2026-12-06T10:00:00Z [2,"","Heartbeat",{}]\n', 1, "uniqueId must be non-empty"),
        ('2026-12-06T10:00:00Z [2,"1","Heartbeat"]\n', 1, "a CALL must be"),
        ('2026-12-06T10:00:00Z [3,"1",[]]\n', 1, "a CALLRESULT must be"),
        ('2026-99-06T10:00:00Z [2,"1","Heartbeat",{}]\n', 1, "bad timestamp"),
        ('{"time":"2026-12-06T10:00:00Z"}\n', 1, "missing 'direction'"),
        ('{"time":"x","direction":"out","type":"CALL","message_id":"1","payload":{}}\n', 1, "time must be"),
        ('{"time":1,"direction":"up","type":"CALL","message_id":"1","payload":{}}\n', 1, "direction must be"),
        ('{"time":1,"direction":"out","type":"CALL","message_id":"1","payload":{}}\n', 1, "needs its action"),
        ('{"time":1,"direction":"out","type":"PING","message_id":"1","payload":{}}\n', 1, "type must be"),
        (
            '{"time":1,"direction":"out","type":"CALL","message_id":"1","action":"Hi","payload":{}}\n',
            1,
            "unknown",
        ),
        ('{"time":1,"direction":"in","type":"CALLERROR","message_id":"1","payload":{}}\n', 1, "errorCode"),
        (
            '{"time":1,"direction":"out","type":"CALL","message_id":"1","action":"Heartbeat","payload":{}}\n[]\n',
            2,
            "not a JSON object",
        ),
    ],
)
def test_refused_with_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = tmp_path / "trace.log"
    path.write_text(text)
    with pytest.raises(TraceError) as caught:
        load_trace(path)
    assert caught.value.line == line and caught.value.path == str(path)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot read"):
        load_trace(tmp_path / "missing.jsonl")
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TraceError, match="not UTF-8"):
        load_trace(binary)
