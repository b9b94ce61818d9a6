"""Many chargers in one loop against the built-in central system."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import DuplicateChargerError, Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.store.sqlite import Store


async def test_fleet_boots_every_charger_and_finds_them_by_id(tmp_path: Path, csms: CentralSystem) -> None:
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    options = StationOptions(url=csms.url)
    for n in range(20):
        fleet.add(ChargerParams(f"F{n:03d}", number_of_connectors=2), options)
    with pytest.raises(DuplicateChargerError):
        fleet.add(ChargerParams("F007"), options)
    runner = asyncio.create_task(fleet.run())
    for _ in range(500):
        await asyncio.sleep(0.01)
        if fleet.counts().booted == 20 and all(st.idle for st in fleet):
            break
    counts = fleet.counts()
    assert (counts.chargers, counts.connected, counts.booted) == (20, 20, 20)
    station = fleet.get("F013")
    assert station is not None and station.id == "F013"
    assert fleet.get("nope") is None
    # every charger reported connector 0, 1 and 2 after its boot
    assert len(csms.calls(action="StatusNotification")) == 60
    station.run_model(lambda now: station.charger.plug_in(2, now))
    await csms.wait_for(
        lambda f: f.charger_id == "F013" and f.payload.get("status") == "Preparing", REAL_TIMEOUT
    )
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)
    assert fleet.counts().connected == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--count", "0", "--url", "ws://x"],
        ["--count", "3", "--url", "ws://x", "--id-pattern", "SAME"],
        ["--count", "3", "--url", "http://x"],
        ["--count", "3", "--url", "ws://x", "--id-pattern", "{:d}{:d}"],
    ],
)
def test_fleet_cli_refuses_bad_arguments(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ocppsim", "fleet", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 2, out.stderr
    assert "ocppsim fleet:" in out.stderr
