"""The built-in central system: answers, transaction ids, tag list, and it catches invalid frames (the
e2e suite relies on that to check every frame the charger sends)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from websockets.asyncio.client import connect

from conftest import REAL_TIMEOUT, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock


async def test_answers_records_and_flags_invalid_frames() -> None:
    cs = CentralSystem(tags={"good"}, heartbeat_interval=42)
    await cs.start()
    try:
        async with connect(cs.url + "/RAW1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]

            async def call(uid: str, action: str, payload: dict[str, object]) -> list[object]:
                await ws.send(json.dumps([2, uid, action, payload]))
                answer: list[object] = json.loads(await ws.recv())
                return answer

            boot = await call("1", "BootNotification", {"chargePointVendor": "v", "chargePointModel": "m"})
            assert boot[2]["status"] == "Accepted" and boot[2]["interval"] == 42  # type: ignore[index]
            ok = await call("2", "Authorize", {"idTag": "GOOD"})
            bad = await call("3", "Authorize", {"idTag": "evil"})
            assert ok[2] == {"idTagInfo": {"status": "Accepted"}}
            assert bad[2] == {"idTagInfo": {"status": "Invalid"}}
            start = {"connectorId": 1, "idTag": "good", "meterStart": 0, "timestamp": "2030-01-01T00:00:00Z"}
            first = await call("4", "StartTransaction", start)
            second = await call("5", "StartTransaction", start)
            assert (first[2]["transactionId"], second[2]["transactionId"]) == (1, 2)  # type: ignore[index]
            invalid = await call("6", "StatusNotification", {"connectorId": 1, "status": "Sleeping"})
            assert invalid[:3] == [4, "6", "ProtocolError"]
            unknown = await call("7", "Levitate", {})
            assert unknown[:3] == [4, "7", "NotImplemented"]
        assert [v.action for v in cs.violations] == ["StatusNotification"]
        assert [f.action for f in cs.calls("RAW1")] == [
            "BootNotification",
            "Authorize",
            "Authorize",
            "StartTransaction",
            "StartTransaction",
            "StatusNotification",
            "Levitate",
        ]
    finally:
        await cs.stop()


async def test_remote_start_after_preparing_but_not_after_a_local_start(tmp_path: Path) -> None:
    csms = CentralSystem(remote_start_after=0.05, remote_start_tag="APP")

    def remote_starts() -> int:
        return sum(f.action == "RemoteStartTransaction" and f.kind == 2 for f in csms.frames)

    await csms.start()
    settings = make_settings(tmp_path, csms)
    app = build_charger_app(settings, clock=FakeClock())
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    await csms.wait_for(lambda f: f.action == "StatusNotification" and f.direction == "in", REAL_TIMEOUT)
    async with SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT) as sim:
        assert await sim.command("plugin") == "Cable plugged. Status Preparing"
        start = await csms.wait_for(
            lambda f: f.action == "StartTransaction" and f.direction == "in", REAL_TIMEOUT
        )
        assert start.payload["idTag"] == "APP"
        assert remote_starts() == 1
        await sim.command("unplug")
        assert (await sim.command("@1 plugin")).startswith("Cable plugged")
        assert (await sim.command("tag LOCAL")).startswith("Tag Accepted")
        await asyncio.sleep(0.15)
        assert remote_starts() == 1  # the local start came first
    app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)
    await csms.stop()


async def test_remote_start_of_a_2_0_1_charger(tmp_path: Path) -> None:
    """The demo's remote starts on OCPP 2.0.1: an EVSE that turns Occupied gets RequestStartTransaction."""
    csms = CentralSystem(remote_start_after=0.05, remote_start_tag="APP")
    await csms.start()
    settings = make_settings(tmp_path, csms, ocpp_versions=("2.0.1",))
    app = build_charger_app(settings, clock=FakeClock())
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    await csms.wait_for(lambda f: f.action == "StatusNotification" and f.direction == "in", REAL_TIMEOUT)
    async with SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT) as sim:
        assert (await sim.command("plugin")).startswith("Cable plugged")
        started = await csms.wait_for(
            lambda f: f.action == "TransactionEvent" and f.direction == "in", REAL_TIMEOUT
        )
        assert started.payload["triggerReason"] == "RemoteStart"
        assert started.payload["idToken"] == {"idToken": "APP", "type": "Central"}
        assert started.payload["transactionInfo"]["remoteStartId"] == 1
    app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)
    await csms.stop()
    assert csms.violations == []
