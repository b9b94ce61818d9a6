"""OCTT modules 01 Cold Boot, 02 Start Charging Session, 03 Stop Charging Session (OCPP 1.6 sections 3.6,
4.1, 4.2, 4.8, 4.9, 4.10; keys 9.1.23, 9.1.33). Identification first (TC_004) and the stops by idTag
(TC_068, TC_069) need the spec's badge swipe: test_badge_swipe_cases.py."""

from __future__ import annotations

import pytest

from conformance.steps import actions, ask, set_key, statuses
from conftest import Sim, SimFactory
from ocppsim.csms.server import CentralSystem


@pytest.mark.octt("TC_001_CS")
async def test_cold_boot(sim_factory: SimFactory, csms: CentralSystem) -> None:
    sim: Sim = await sim_factory(number_of_connectors=2)
    # 4.2: BootNotification first; once Accepted, 4.9: the status of connector 0 and of every connector.
    # Security Whitepaper section 8: the start-up is a critical security event, pushed once Accepted.
    assert sim.sent() == [
        ("BootNotification", None),
        ("SecurityEventNotification", None),
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
        ("StatusNotification", (2, "Available")),
    ]
    boot = sim.calls("BootNotification")[0].payload
    assert boot["chargePointVendor"] and boot["chargePointModel"]
    # 4.6: Heartbeat at the interval of BootNotification.conf (the CSMS's 300 s), not before.
    mark = sim.mark()
    await sim.advance(299)
    assert actions(sim, mark) == []
    await sim.advance(1)
    assert actions(sim, mark) == ["Heartbeat"]


@pytest.mark.octt("TC_002_CS")
async def test_cold_boot_pending(sim_factory: SimFactory, csms: CentralSystem) -> None:
    answer = {"status": "Pending"}
    csms.responders["BootNotification"] = lambda cid, p: {
        "status": answer["status"],
        "currentTime": "2030-01-01T00:00:00Z",
        "interval": 60,
    }
    sim: Sim = await sim_factory(boot=False)
    await csms.wait_for(lambda f: f.direction == "out" and f.action == "BootNotification")
    await sim.quiet()
    # 4.2.1: while Pending the charger sends nothing but BootNotification, again after `interval`.
    assert sim.sent() == [("BootNotification", None)]
    await sim.advance(59)
    assert sim.sent() == [("BootNotification", None)]
    answer["status"] = "Accepted"
    await sim.advance(1)
    assert sim.sent() == [
        ("BootNotification", None),
        ("BootNotification", None),
        ("SecurityEventNotification", None),  # StartupOfTheDevice waited for the acceptance
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
    ]


@pytest.mark.octt("TC_003_CS")
async def test_plugin_first(sim: Sim) -> None:
    mark = sim.mark()
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert (await sim.cmd("tag TAG003")).startswith("Tag Accepted.")
    assert sim.sent(mark) == [
        ("StatusNotification", (1, "Preparing")),
        ("Authorize", None),
        ("StartTransaction", None),
        ("StatusNotification", (1, "Charging")),
        ("MeterValues", "Transaction.Begin"),
    ]
    assert sim.calls("Authorize")[0].payload == {"idTag": "TAG003"}
    start = sim.calls("StartTransaction")[0].payload
    assert start["connectorId"] == 1 and start["idTag"] == "TAG003" and "reservationId" not in start
    await sim.advance(120)
    mark = sim.mark()
    assert await sim.cmd("tag TAG003") == "Ok, stopping transaction. Reason local"
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["transactionId"] == 1 and stop["idTag"] == "TAG003"
    assert stop.get("reason", "Local") == "Local"  # 7.36: Local is the default when absent
    assert stop["meterStop"] >= start["meterStart"]
    assert statuses(sim, mark) == ["Finishing"]
    mark = sim.mark()
    await sim.cmd("unplug")
    assert sim.sent(mark) == [("StatusNotification", (1, "Available"))]


async def _charging(sim: Sim) -> None:
    await sim.cmd("plugin")
    assert (await sim.cmd("tag TAG005")).startswith("Tag Accepted.")
    await sim.advance(60)


@pytest.mark.octt("TC_005_1_CS")
async def test_ev_side_disconnect_stops_and_unlocks(sim: Sim) -> None:
    await set_key(sim, "StopTransactionOnEVSideDisconnect", "true")
    await set_key(sim, "UnlockConnectorOnEVSideDisconnect", "true")
    await _charging(sim)
    mark = sim.mark()
    await sim.cmd("unplug")
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["reason"] == "EVDisconnected"  # 4.10, 7.36
    assert statuses(sim, mark)[-2:] == ["Finishing", "Available"]


@pytest.mark.octt("TC_005_2_CS")
async def test_ev_side_disconnect_stops_but_keeps_the_cable_locked(sim: Sim) -> None:
    await set_key(sim, "StopTransactionOnEVSideDisconnect", "true")
    await set_key(sim, "UnlockConnectorOnEVSideDisconnect", "false")
    await _charging(sim)
    mark = sim.mark()
    await sim.cmd("unplug")
    assert sim.calls("StopTransaction", since=mark)[0].payload["reason"] == "EVDisconnected"
    # 9.1.33 false: the cable stays locked, the connector is not Available until it is unlocked.
    assert statuses(sim, mark)[-1] == "Finishing"
    await sim.advance(600)
    assert statuses(sim, mark)[-1] == "Finishing"
    mark = sim.mark()
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    assert statuses(sim, mark) == ["Available"]


@pytest.mark.octt("TC_005_3_CS")
async def test_ev_side_disconnect_suspends_when_not_stopping(sim: Sim) -> None:
    await set_key(sim, "StopTransactionOnEVSideDisconnect", "false")
    await _charging(sim)
    mark = sim.mark()
    await sim.cmd("unplug")
    # 9.1.23 false: the transaction goes on, the energy transfer is suspended (3.6) until the EV is back.
    assert sim.calls("StopTransaction", since=mark) == []
    assert statuses(sim, mark) == ["SuspendedEV"]
    mark = sim.mark()
    await sim.cmd("plugin")
    assert statuses(sim, mark) == ["Charging"]
    assert sim.calls("StartTransaction", since=mark) == []
    mark = sim.mark()
    assert await sim.cmd("tag TAG005") == "Ok, stopping transaction. Reason local"
    assert sim.calls("StopTransaction", since=mark)[0].payload["transactionId"] == 1
