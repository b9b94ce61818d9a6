"""Record, then replay (issue 19 item 4): a charger's session is recorded through the REST API's message log
export against the built-in central system, then replayed with `ocppsim replay`'s engine against a fresh
one: an empty diff, the live transactionIds followed, timestamps moved to now, the central system's
RemoteStartTransaction awaited and answered as recorded. Against a central system changed on purpose
(it knows only another idTag, sends no remote start, asks for the configuration) the diff names each
change."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import REAL_TIMEOUT, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.convert import parse_time
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.replay import Replay, ReplayOptions, load_trace
from ocppsim.runtime.replay.trace import ChargerCall
from ocppsim.settings.specs import HttpSettings

REMOTE_AFTER = 0.3  # real seconds the central system waits before its remote start (a replay is faster)


async def until(condition: Any) -> None:
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


@pytest.fixture
async def recorded(tmp_path: Path) -> Path:
    """A recorded session, exported as the message log's JSON Lines: a local session started with a tag,
    then one the central system starts remotely after the plug."""
    csms = CentralSystem(remote_start_after=REMOTE_AFTER)
    await csms.start()
    settings = replace(make_settings(tmp_path, csms), http=HttpSettings(port=0, log_size=500))
    app = build_charger_app(settings, clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    assert app.http_server is not None
    station = app.station
    transport = httpx.ASGITransport(app=app.http_server.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await until(lambda: len(csms.calls("CP1", "StatusNotification")) == 2 and station.idle)
        await client.post("/api/chargers/CP1/connectors/1/plug")
        # The remote start would come after REMOTE_AFTER; the tag comes first.
        r = await client.post("/api/chargers/CP1/connectors/1/tag", json={"id_tag": "TAG1"})
        assert r.json()["result"] == "accepted"
        await until(lambda: len(csms.calls("CP1", "MeterValues")) == 1 and station.idle)
        await client.post("/api/chargers/CP1/connectors/1/unplug")
        await until(lambda: len(csms.calls("CP1", "StopTransaction")) == 1 and station.idle)
        await client.post("/api/chargers/CP1/connectors/1/plug")
        await until(lambda: len(csms.calls("CP1", "StartTransaction")) == 2 and station.idle)
        await until(lambda: len(csms.calls("CP1", "MeterValues")) >= 2 and station.idle)
        await client.post("/api/chargers/CP1/connectors/1/unplug")
        await until(lambda: len(csms.calls("CP1", "StopTransaction")) == 2 and station.idle)
        export = await client.get("/api/chargers/CP1/messages.jsonl")
    app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)
    await csms.stop()
    assert csms.violations == []
    assert [f.action for f in csms.frames if f.direction == "out" and f.kind == 2] == [
        "RemoteStartTransaction"
    ]
    path = tmp_path / "CP1-messages.jsonl"
    path.write_text(export.text)
    return path


def numbered_from(first: int, csms: CentralSystem) -> None:
    """The central system numbers transactions from `first` (not from 1 as the recorded one did)."""
    numbers = iter(range(first, first + 100))

    def start(charger_id: str, payload: dict[str, Any]) -> Any:
        answer = csms.default_answer(charger_id, "StartTransaction", payload)
        assert isinstance(answer, dict)
        return {**answer, "transactionId": next(numbers)}

    csms.responders["StartTransaction"] = start


async def replay(trace: Path, csms: CentralSystem, **options: Any) -> Any:
    settings: dict[str, Any] = {"speed": 0.0, "timeout": REAL_TIMEOUT, "linger": 0.1, **options}
    opts = ReplayOptions(url=csms.url, charger_id="CP1", **settings)
    return await Replay(load_trace(trace), opts).run()


async def test_a_replay_against_the_same_central_system_has_no_differences(recorded: Path) -> None:
    csms = CentralSystem(remote_start_after=REMOTE_AFTER)
    numbered_from(4711, csms)
    await csms.start()
    try:
        report = await replay(recorded, csms)
    finally:
        await csms.stop()
    assert report.differences == [], report.text()
    assert report.same and report.outcome == "complete"
    assert report.text().endswith("no differences")
    # Every CALL the charger recorded (BootNotification, StartupOfTheDevice, statuses, the two sessions'
    # Authorize / Start / MeterValues / Stop ...) went out again and was answered.
    recorded_calls = sum(1 for step in load_trace(recorded).steps if isinstance(step, ChargerCall))
    assert recorded_calls >= 20
    assert (report.charger_calls, report.sent, report.answered) == (recorded_calls,) * 3
    assert (report.csms_calls_recorded, report.csms_calls_received) == (1, 1)
    assert (report.answered_from_trace, report.answered_by_model) == (1, 0)
    assert report.transaction_ids == {"1": 4711, "2": 4712}
    # What must follow the live central system did: its transactionIds, fresh uniqueIds, times of now.
    assert csms.violations == []
    stops = csms.calls("CP1", "StopTransaction")
    assert [s.payload["transactionId"] for s in stops] == [4711, 4712]
    meter = csms.calls("CP1", "MeterValues")
    assert [m.payload["transactionId"] for m in meter] == [4711, 4711, 4712, 4712]
    start = csms.calls("CP1", "StartTransaction")[0].payload
    assert abs(parse_time(start["timestamp"]) - time.time()) < 60
    uids = [f.unique_id for f in csms.calls("CP1")]
    assert len(set(uids)) == len(uids) and not any(f.duplicate for f in csms.calls("CP1"))
    # The remote start was awaited: its StartTransaction came after it, as recorded.
    order = [f.action for f in csms.frames if f.kind == 2]
    remote = order.index("RemoteStartTransaction")
    assert order.index("StartTransaction", remote) > remote


async def test_the_diff_names_what_a_changed_central_system_does(recorded: Path, tmp_path: Path) -> None:
    # Changed on purpose: TAG1 and the remote start's tag are unknown, no remote start, and it asks for
    # the configuration once the charger has booted.
    csms = CentralSystem(tags={"OTHER"})
    await csms.start()

    async def ask_configuration() -> None:
        await csms.wait_for_call("CP1", "BootNotification", REAL_TIMEOUT)
        await csms.call("CP1", "GetConfiguration", {"key": ["HeartbeatInterval"]}, timeout=REAL_TIMEOUT)

    asker = asyncio.create_task(ask_configuration())
    try:
        report = await replay(recorded, csms, timeout=0.3)
        await asker
    finally:
        await csms.stop()
    kinds = [(d.kind, d.action, d.field, d.recorded, d.live) for d in report.differences]
    assert kinds == [
        ("status", "Authorize", "idTagInfo.status", "Accepted", "Invalid"),
        ("status", "StartTransaction", "idTagInfo.status", "Accepted", "Invalid"),
        ("status", "StopTransaction", "idTagInfo.status", "Accepted", "Invalid"),
        ("missing_call", "RemoteStartTransaction", None, None, None),
        ("status", "Authorize", "idTagInfo.status", "Accepted", "Invalid"),
        ("status", "StartTransaction", "idTagInfo.status", "Accepted", "Invalid"),
        ("status", "StopTransaction", "idTagInfo.status", "Accepted", "Invalid"),
        ("extra_call", "GetConfiguration", None, None, {"key": ["HeartbeatInterval"]}),
    ]
    assert report.answered_by_model == 1  # the trace has no GetConfiguration to answer from
    assert not report.same and report.outcome == "complete"
    text = report.text()
    assert "differences (8):" in text
    assert "idTagInfo.status: recorded Accepted, live Invalid" in text
    assert "waited 0.3 s for RemoteStartTransaction" in text
    (tmp_path / "changed-csms-report.txt").write_text(text + "\n")
