"""Offline operation: a transaction started while the CSMS is unreachable gets its real transactionId when
its StartTransaction is finally answered; the messages queued behind it carry that id; the cache decides
offline and survives a restart."""

from __future__ import annotations

import asyncio

from conftest import Sim, SimFactory
from ocppsim.csms.server import CentralSystem


async def go_offline(sim: Sim, csms: CentralSystem) -> None:
    csms.charger_ids = set()  # refuse the charger (404) from now on
    await csms.disconnect(sim.id)
    for _ in range(200):
        if not sim.station.online:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("still online")


async def come_back(sim: Sim, csms: CentralSystem) -> None:
    csms.charger_ids = None
    for _ in range(40):
        await sim.advance(15)
        if sim.station.online and len(sim.station.outbox) == 0:
            return
    raise AssertionError("did not deliver after reconnecting")


async def test_transaction_started_offline_gets_its_id_later(sim: Sim, csms: CentralSystem) -> None:
    await sim.cmd("plugin")
    assert await sim.conn.command("status") == (
        "Status: Preparing, transaction_id: None, offer: 32.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )
    await go_offline(sim, csms)
    # Unknown tag offline: refused by default, accepted with AllowOfflineTxForUnknownId.
    assert await sim.conn.command("tag NEWTAG") == "Tag not accepted. Error: Invalid"
    sim.station.charger.config.load("AllowOfflineTxForUnknownId", "true")
    assert await sim.conn.command("tag NEWTAG") == "Tag Accepted. Parent: , new status: Charging"
    await sim.clock.advance(150)  # two periodic samples while offline
    await asyncio.sleep(0.05)
    assert await sim.conn.command("tag NEWTAG") == "Ok, stopping transaction. Reason local"
    queued = [r.ACTION for r in sim.station.outbox.pending]
    assert queued == [
        "StartTransaction",
        "MeterValues",
        "MeterValues",
        "MeterValues",
        "MeterValues",
        "StopTransaction",
    ]
    await come_back(sim, csms)
    tx = [f for f in sim.calls() if f.action in ("StartTransaction", "MeterValues", "StopTransaction")]
    assert [f.action for f in tx] == queued
    transaction_id = csms.calls(sim.id, "StartTransaction")[0]
    answered = next(
        f for f in csms.frames if f.direction == "out" and f.unique_id == transaction_id.unique_id
    )
    real_id = answered.payload["transactionId"]
    assert all(f.payload["transactionId"] == real_id for f in tx[1:])
    # The messages keep the times they were made, offline.
    times = [f.payload.get("timestamp") or f.payload["meterValue"][0]["timestamp"] for f in tx]
    assert times == sorted(times)


async def test_cached_tag_is_accepted_offline_and_cache_survives_restart(
    sim_factory: SimFactory, csms: CentralSystem
) -> None:
    sim: Sim = await sim_factory()
    await sim.cmd("plugin")
    assert await sim.cmd("tag KNOWN") == "Tag Accepted. Parent: , new status: Charging"
    await sim.cmd("unplug")
    again: Sim = await sim_factory()  # restart: the cache is read back from SQLite
    await again.cmd("plugin")
    await go_offline(again, csms)
    assert await again.conn.command("tag KNOWN") == "Tag Accepted. Parent: , new status: Charging"
    assert await again.conn.command("tag OTHER") == "Ok, stopping transaction. Reason local"


async def test_local_list_over_the_wire_survives_restart_and_works_offline(
    sim_factory: SimFactory, csms: CentralSystem
) -> None:
    sim: Sim = await sim_factory()
    send = {
        "listVersion": 7,
        "updateType": "Full",
        "localAuthorizationList": [
            {"idTag": "LISTED", "idTagInfo": {"status": "Accepted"}},
            {"idTag": "BANNED", "idTagInfo": {"status": "Blocked"}},
        ],
    }
    result = await csms.call(sim.id, "SendLocalList", send)
    assert result.payload == {"status": "Accepted"}  # type: ignore[union-attr]
    stale = {"listVersion": 7, "updateType": "Differential", "localAuthorizationList": []}
    assert (await csms.call(sim.id, "SendLocalList", stale)).payload == {"status": "VersionMismatch"}  # type: ignore[union-attr]
    again: Sim = await sim_factory()
    version = await csms.call(again.id, "GetLocalListVersion", {})
    assert version.payload == {"listVersion": 7}  # type: ignore[union-attr]
    await again.cmd("plugin")
    await go_offline(again, csms)
    assert await again.conn.command("tag BANNED") == "Tag not accepted. Error: Blocked"
    assert await again.conn.command("tag LISTED") == "Tag Accepted. Parent: , new status: Charging"
