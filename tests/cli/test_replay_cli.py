"""`ocppsim replay` as a user runs it: a trace that does not parse is refused before anything connects
(exit 2, file:line: reason); against the built-in central system started with `ocppsim csms --tags` (so
changed on purpose: the recorded tag is unknown to it) the diff is printed, written as JSON, exit 1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocppsim.cli import main

TRACE = """\
2026-12-06T10:00:00.000Z [2,"1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]
2026-12-06T10:00:00.010Z [3,"1",{"status":"Accepted","currentTime":"2026-12-06T10:00:00Z","interval":300}]
2026-12-06T10:00:01.000Z [2,"2","Authorize",{"idTag":"TAG1"}]
2026-12-06T10:00:01.010Z [3,"2",{"idTagInfo":{"status":"Accepted"}}]
"""


def test_a_bad_trace_is_refused_before_connecting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "bad.log"
    trace.write_text(TRACE + '2026-12-06T10:00:02Z [2,"3","Heartbeat",{]\n')
    # Port 9 (discard) would fail to connect with exit 3; 2 says nothing was tried.
    assert main(["replay", str(trace), "--url", "ws://127.0.0.1:9/ocpp", "--id", "CP1"]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"ocppsim replay: trace refused: {re.escape(str(trace))}:5: the frame is not valid JSON: .*\n", err
    )


def test_the_charger_id_and_sane_numbers_are_needed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "session.log"
    trace.write_text(TRACE)
    for args in (
        [],
        ["--id", "X", "--speed", "-1"],
        ["--id", "X", "--timeout", "soon"],
        ["--id", "X", "--give-up", "0"],
    ):
        with pytest.raises(SystemExit) as caught:
            main(["replay", str(trace), *args])
        assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "give --id" in err and "'-1': expected a number >= 0" in err and "'soon'" in err


@pytest.fixture
def changed_csms() -> Iterator[str]:
    """`ocppsim csms` that knows only tag OTHER, on a free port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocppsim", "csms", "--port", "0", "--tags", "OTHER", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"ws://127\.0\.0\.1:(\d+)/ocpp", line)
    assert match, line
    yield f"ws://127.0.0.1:{match.group(1)}/ocpp"
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()


def test_replay_against_a_changed_central_system(tmp_path: Path, changed_csms: str) -> None:
    trace = tmp_path / "CP7-messages.log"
    trace.write_text(TRACE)
    report = tmp_path / "report.json"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ocppsim",
            "replay",
            str(trace),
            "--url",
            changed_csms,
            "--id",
            "CP7",
            "--speed",
            "0",
            "--linger",
            "0",
            "--timeout",
            "5",
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "differences (1):" in out.stdout
    assert re.search(r"line 3 +Authorize +idTagInfo.status: recorded Accepted, live Invalid", out.stdout)
    data = json.loads(report.read_text())
    assert data["same"] is False and data["outcome"] == "complete" and data["charger_id"] == "CP7"
    assert data["differences"] == [
        {
            "kind": "status",
            "action": "Authorize",
            "line": 3,
            "field": "idTagInfo.status",
            "recorded": "Accepted",
            "live": "Invalid",
        }
    ]


def test_a_central_system_out_of_reach_still_gets_its_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "session.log"
    trace.write_text(TRACE)
    report = tmp_path / "report.json"
    args = [
        "replay",
        str(trace),
        "--id",
        "CP1",
        "--url",
        "ws://127.0.0.1:9/ocpp",
        "--timeout",
        "2",
        "--report",
        str(report),
    ]
    assert main(args) == 3
    data = json.loads(report.read_text())
    assert data["outcome"] == "aborted" and data["reason"].startswith(
        "cannot connect to ws://127.0.0.1:9/ocpp/CP1"
    )
    assert data["not_replayed"] == 2 and data["sent"] == 0
    assert ": aborted (cannot connect to" in capsys.readouterr().out
