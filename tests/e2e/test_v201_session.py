"""A charger speaking OCPP 2.0.1, started from an INI file like any other, against the built-in central
system: the subprotocol agreed (part 4 section 3.1.2), the boot, a remote-started session with meter
values and its remote stop (F01, E01-E03, J02, F03), and a CSMS that agrees to no version offered. Every
frame the charger sends, and every answer it gives, is checked against the 2.0.1 schemas by the CSMS
(the csms fixture fails the test on a violation)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, Sim, SimFactory, booted_v201
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock
from ocppsim.settings.ini_file import load_settings


async def _start_from_ini(
    tmp_path: Path, csms: CentralSystem, version_line: str
) -> tuple[Sim, asyncio.Task[None]]:
    ini = tmp_path / "ocppsim.ini"
    ini.write_text(
        f"[server]\nurl = {csms.url}\n[host]\nport = 0\n"
        f"[charger]\ncharger_id = V201\nconf_dir = {tmp_path / 'data'}\n{version_line}\n",
        encoding="utf-8",
    )
    clock = FakeClock()
    app = build_charger_app(load_settings(ini), clock=clock, strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
    return Sim(app, clock, conn, csms), task


async def _stop(sim: Sim, task: asyncio.Task[None]) -> None:
    await sim.conn.disconnect()
    sim.app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)
    assert sim.station.charger.illegal_transitions == []


async def test_ini_charger_boots_and_runs_a_remote_session(tmp_path: Path, csms: CentralSystem) -> None:
    sim, task = await _start_from_ini(tmp_path, csms, "ocpp_version = 2.0.1")
    try:
        await booted_v201(sim, 1)
        assert csms.version_of("V201") == "ocpp2.0.1"
        boot = sim.calls("BootNotification")[0].payload
        assert boot["reason"] == "PowerUp"
        assert boot["chargingStation"]["vendorName"]
        status = sim.calls("StatusNotification")[0].payload
        assert (status["evseId"], status["connectorId"], status["connectorStatus"]) == (1, 1, "Available")

        # F01: RequestStartTransaction; the driver plugs in; the transaction starts (E02).
        reply = await csms.call(
            "V201",
            "RequestStartTransaction",
            {"idToken": {"idToken": "APP-7", "type": "Central"}, "remoteStartId": 7, "evseId": 1},
        )
        assert reply.payload == {"status": "Accepted"}
        await sim.quiet()
        assert (await sim.cmd("plugin")).startswith("Cable plugged")
        events = sim.calls("TransactionEvent")
        started = events[0].payload
        assert started["eventType"] == "Started"
        assert started["triggerReason"] == "RemoteStart"
        assert started["seqNo"] == 0
        assert started["transactionInfo"]["remoteStartId"] == 7
        assert started["idToken"] == {"idToken": "APP-7", "type": "Central"}
        assert started["evse"] == {"id": 1, "connectorId": 1}
        assert "offline" not in started
        tx_id = started["transactionInfo"]["transactionId"]
        # G01: the connector is Occupied once, whatever 1.6 state changes lie under it.
        occupied = [f.payload["connectorStatus"] for f in sim.calls("StatusNotification")][1:]
        assert occupied == ["Occupied"]

        # J02: TxUpdatedInterval (the 1.6 MeterValueSampleInterval) gives Updated events with meter values.
        await sim.advance(60)
        updated = sim.calls("TransactionEvent")[1].payload
        assert updated["eventType"] == "Updated"
        assert updated["triggerReason"] == "MeterValuePeriodic"
        assert updated["seqNo"] == 1
        assert updated["transactionInfo"]["chargingState"] == "Charging"
        energy = [
            v["value"]
            for v in updated["meterValue"][0]["sampledValue"]
            if v["measurand"] == "Energy.Active.Import.Register"
        ]
        assert energy and energy[0] > 0

        # F03: RequestStopTransaction by the id the station gave.
        reply = await csms.call("V201", "RequestStopTransaction", {"transactionId": tx_id})
        assert reply.payload == {"status": "Accepted"}
        await sim.quiet()
        ended = sim.calls("TransactionEvent")[-1].payload
        assert ended["eventType"] == "Ended"
        assert ended["triggerReason"] == "RemoteStop"
        assert ended["transactionInfo"]["stoppedReason"] == "Remote"
        assert ended["seqNo"] == len(sim.calls("TransactionEvent")) - 1
        recorded = [e["eventType"] for e in csms.transaction_events[("V201", tx_id)]]
        assert recorded[0] == "Started"
        assert recorded[-1] == "Ended"
    finally:
        await _stop(sim, task)


async def test_csms_that_picks_no_version_gets_a_log_line_and_a_closed_connection(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    csms = CentralSystem(subprotocols=("ocpp1.6",))
    await csms.start()
    caplog.set_level(logging.WARNING, logger="ocppsim.station")
    sim, task = await _start_from_ini(tmp_path, csms, "ocpp_version = 2.0.1")
    try:
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if sim.station.last_error:
                break
            await asyncio.sleep(0.01)
        assert sim.station.last_error == "the CSMS accepted none of the subprotocols offered (ocpp2.0.1)"
        assert "accepted none of the subprotocols offered (ocpp2.0.1); connection closed" in caplog.text
        assert not sim.station.online
        assert csms.calls() == []
    finally:
        await _stop(sim, task)
        await csms.stop()


async def test_offering_both_follows_the_csms_pick(tmp_path: Path) -> None:
    csms = CentralSystem(subprotocols=("ocpp1.6",))
    await csms.start()
    sim, task = await _start_from_ini(tmp_path, csms, "ocpp_version = 2.0.1,1.6")
    try:
        await csms.wait_for(
            lambda f: (
                f.direction == "in" and f.action == "StatusNotification" and f.payload["connectorId"] == 1
            )
        )
        assert csms.version_of("V201") == "ocpp1.6"
        assert "chargePointVendor" in sim.calls("BootNotification")[0].payload
        assert csms.violations == []
    finally:
        await _stop(sim, task)
        await csms.stop()


async def test_two_evses_report_each(sim201_factory: SimFactory) -> None:
    sim: Sim = await sim201_factory(number_of_connectors=2)
    statuses = [(f.payload["evseId"], f.payload["connectorStatus"]) for f in sim.calls("StatusNotification")]
    assert statuses == [(1, "Available"), (2, "Available")]


async def test_restart_ends_the_interrupted_transaction_counting_on(
    tmp_path: Path, csms: CentralSystem
) -> None:
    """The process stops in a transaction; the next run ends it (PowerLoss) with the next seqNo (E01),
    the events kept in the store, as 1.6's StopTransaction is."""
    sim, task = await _start_from_ini(tmp_path, csms, "ocpp_version = 2.0.1")
    try:
        await booted_v201(sim, 1)
        await sim.cmd("plugin")
        await sim.cmd("tag")
        await sim.advance(60)
        sent = [e.payload for e in sim.calls("TransactionEvent")]
        assert [e["seqNo"] for e in sent] == [0, 1]
    finally:
        await _stop(sim, task)
    mark = len(csms.frames)
    sim, task = await _start_from_ini(tmp_path, csms, "ocpp_version = 2.0.1")
    try:
        ended = await csms.wait_for(
            lambda f: f.action == "TransactionEvent" and f.direction == "in" and csms.frames.index(f) >= mark
        )
        assert ended.payload["eventType"] == "Ended"
        assert ended.payload["transactionInfo"]["stoppedReason"] == "PowerLoss"
        assert (
            ended.payload["transactionInfo"]["transactionId"] == sent[0]["transactionInfo"]["transactionId"]
        )
        assert ended.payload["seqNo"] == 2
    finally:
        await _stop(sim, task)
