"""The automatic transaction generator: sessions happen, every started transaction is stopped, and the
same seed gives the same run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, fleet_settled
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.runtime.transaction_generator import SessionMix, TransactionGenerator
from ocppsim.store import Store

HOURS = 3
# Shorter than MessageTimeout (30 s): no answer can time out inside one step of simulated time.
STEP = 25


async def generate(
    tmp_path: Path, seed: int
) -> tuple[list[tuple[float, str, int, str]], list[dict[str, object]]]:
    csms = CentralSystem()
    await csms.start()
    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    for n in range(4):
        fleet.add(ChargerParams(f"ATG{n}", number_of_connectors=2), StationOptions(url=csms.url))
    runner = asyncio.create_task(fleet.run())
    await fleet_settled(fleet, 4)
    generator = TransactionGenerator(
        list(fleet),
        clock=clock,
        seed=seed,
        mix=SessionMix(mean_arrival_s=1800, mean_stay_s=2400),
        record_events=True,
    )
    task = asyncio.create_task(generator.run())
    for _ in range(HOURS * 3600 // STEP):
        await clock.advance(STEP)
        for _ in range(100):
            if all(st.idle for st in fleet):
                break
            await asyncio.sleep(0.002)
    task.cancel()
    for station in fleet:  # everyone leaves at the end
        for connector in station.charger.connector_ids:
            station.run_model(lambda now, st=station, c=connector: st.charger.ev_inputs.unplug(c, now))
    for _ in range(300):
        await asyncio.sleep(0.01)
        if all(st.idle for st in fleet):
            break
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)
    await csms.stop()
    assert csms.violations == []
    starts = [dict(f.payload) for f in csms.calls(action="StartTransaction")]
    stops = csms.calls(action="StopTransaction")
    assert len(stops) == len(starts)
    assert generator.stats.arrivals == len(starts)
    return generator.stats.events, starts


async def test_sessions_are_generated_and_reproducible(tmp_path: Path) -> None:
    events, starts = await generate(tmp_path / "a", seed=42)
    assert len(starts) >= 6  # 8 connectors over 3 hours with ~70 min cycles
    assert {s["idTag"] for s in starts} <= {f"TAG{n:04d}" for n in range(1, 101)}
    again, starts_again = await generate(tmp_path / "b", seed=42)
    assert again == events
    assert [(s["connectorId"], s["idTag"], s["timestamp"]) for s in starts_again] == [
        (s["connectorId"], s["idTag"], s["timestamp"]) for s in starts
    ]
    other, _ = await generate(tmp_path / "c", seed=43)
    assert other != events


async def test_remote_start_share_waits_for_the_csms(tmp_path: Path) -> None:
    csms = CentralSystem(remote_start_after=0.02)
    await csms.start()
    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    station = fleet.add(ChargerParams("RS1"), StationOptions(url=csms.url))
    runner = asyncio.create_task(fleet.run())
    await csms.wait_for(lambda f: f.action == "StatusNotification" and f.direction == "in", REAL_TIMEOUT)
    mix = SessionMix(mean_arrival_s=60, mean_stay_s=3600, remote_start_share=1.0)
    generator = TransactionGenerator([station], clock=clock, seed=3, mix=mix)
    task = asyncio.create_task(generator.run())
    for _ in range(100):  # step simulated time until the first EV has arrived
        await clock.advance(10)
        await asyncio.sleep(0.005)
        if generator.stats.arrivals:
            break
    assert generator.stats.remote_starts == generator.stats.arrivals == 1
    remote = await csms.wait_for(lambda f: f.action == "RemoteStartTransaction", REAL_TIMEOUT)
    assert remote.payload == {"connectorId": 1, "idTag": "REMOTE"}
    start = await csms.wait_for(
        lambda f: f.action == "StartTransaction" and f.direction == "in", REAL_TIMEOUT
    )
    assert start.payload["idTag"] == "REMOTE"
    # AuthorizeRemoteTxRequests: the remote tag is authorized; no tag was presented at the charger
    assert [f.payload["idTag"] for f in csms.calls("RS1", "Authorize")] == ["REMOTE"]
    task.cancel()
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)
    await csms.stop()
    with pytest.raises(ValueError, match="between 0 and 1"):
        SessionMix(remote_start_share=1.5)
