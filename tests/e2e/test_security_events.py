"""Security events (Security Whitepaper A04): each in the security log, the critical ones pushed with
SecurityEventNotification through the journal, so that none is lost while offline (A04.FR.02) or across a
restart."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from conformance.steps import come_back, go_offline
from conftest import REAL_TIMEOUT, Sim, SimFactory
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.framing import CallError, ErrorCode


async def test_startup_event_is_logged_and_pushed(sim: Sim) -> None:
    (event,) = sim.calls("SecurityEventNotification")
    assert event.payload["type"] == "StartupOfTheDevice"
    log = sim.app.store.certificates.log_entries(sim.id)
    assert [e for _, e, _ in log] == ["StartupOfTheDevice"]


async def test_an_event_raised_offline_is_journaled_and_delivered(sim: Sim) -> None:
    await go_offline(sim)
    mark = sim.mark()
    assert await sim.conn.command("clock 3600") == "Offset is now 3600.0"
    journal = sim.app.store.journal.entries(sim.id)
    assert [action for _, action, _, _ in journal] == ["SecurityEventNotification"]
    await come_back(sim)
    (event,) = sim.calls("SecurityEventNotification", mark)
    assert event.payload["type"] == "SettingSystemTime"
    assert sim.app.store.journal.entries(sim.id) == []
    assert [e for _, e, _ in sim.app.store.certificates.log_entries(sim.id)][-1] == "SettingSystemTime"


async def test_an_event_survives_a_restart(
    sim_factory: SimFactory, csms: CentralSystem, tmp_path: Path
) -> None:
    sim: Sim = await sim_factory()
    await go_offline(sim)
    await sim.conn.command("clock -60")
    sim.app.shutdown.set()
    for _ in range(int(REAL_TIMEOUT / 0.01)):  # until the first run closed its store
        try:
            sim.app.store.db.connection.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            break
        await asyncio.sleep(0.01)
    csms.charger_ids = None
    mark = sim.mark()
    again: Sim = await sim_factory()
    await again.quiet()
    types = [f.payload["type"] for f in again.calls("SecurityEventNotification", mark)]
    # The journaled event of the first run first, then the start-up of the second.
    assert types == ["SettingSystemTime", "StartupOfTheDevice"]


async def test_a_central_system_without_the_extension_does_not_hold_up_the_queue(
    sim_factory: SimFactory, csms: CentralSystem
) -> None:
    csms.responders["SecurityEventNotification"] = lambda cid, p: CallError(
        "", ErrorCode.NOT_IMPLEMENTED, "no", {}
    )
    sim: Sim = await sim_factory()
    # One attempt, not TransactionMessageAttempts: the status notifications follow at once.
    assert len(sim.calls("SecurityEventNotification")) == 1
    assert [a for a, _ in sim.sent()][-2:] == ["StatusNotification", "StatusNotification"]
    assert len(sim.station.outbox) == 0


async def test_a_tester_raises_a_hardware_event(sim: Sim) -> None:
    """Security Whitepaper section 8: a tamper sensor or full memory, played from the text interface."""
    mark = sim.mark()
    assert await sim.cmd("security_event TamperDetectionActivated cover opened") == (
        "Ok. TamperDetectionActivated pushed"
    )
    assert await sim.cmd("security_event InvalidMessages") == "Ok. InvalidMessages logged"
    (event,) = sim.calls("SecurityEventNotification", mark)
    assert event.payload["type"] == "TamperDetectionActivated" and event.payload["techInfo"] == "cover opened"
    assert (await sim.cmd("security_event Nonsense")).startswith("Error")
