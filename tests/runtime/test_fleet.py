"""Many chargers in one loop against the built-in central system."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, fleet_settled
from ocppsim.control.fleet.run import _start_charging
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime import fleet as fleet_module
from ocppsim.runtime.clock import FakeClock, SystemClock
from ocppsim.runtime.fleet import DuplicateChargerError, Fleet
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.store import Store
from ocppsim.transport.call_stats import FleetStats


async def test_fleet_boots_every_charger_and_finds_them_by_id(tmp_path: Path, csms: CentralSystem) -> None:
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    options = StationOptions(url=csms.url)
    for n in range(20):
        fleet.add(ChargerParams(f"F{n:03d}", number_of_connectors=2), options)
    with pytest.raises(DuplicateChargerError):
        fleet.add(ChargerParams("F007"), options)
    runner = asyncio.create_task(fleet.run())
    await fleet_settled(fleet, 20)
    counts = fleet.counts()
    assert (counts.chargers, counts.connected, counts.booted) == (20, 20, 20)
    station = fleet.get("F013")
    assert station is not None and station.id == "F013"
    assert fleet.get("nope") is None
    # the fleet's statistics saw every boot: 20 BootNotifications answered, with latencies
    summary = fleet.stats.summary()
    assert summary["calls_out_by_action"]["BootNotification"] == 20
    assert summary["latency_ms_p50"] >= 0
    # every charger reported connector 0, 1 and 2 after its boot
    assert len(csms.calls(action="StatusNotification")) == 60
    station.run_model(lambda now: station.charger.ev_inputs.plug_in(2, now))
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


def test_fleet_stats_percentiles_and_exports(tmp_path: Path) -> None:
    import csv
    import json

    from ocppsim.transport.call_stats import FleetStats

    stats = FleetStats()
    for ms in range(1, 101):  # 1..100 ms
        stats.call_answered("MeterValues", ms / 1000, None)
    stats.call_answered("StartTransaction", 0.5, "Timeout")
    stats.call_answered("StartTransaction", 0.5, "InvalidResult: bad")
    stats.call_received("GetConfiguration")
    summary = stats.summary()
    # nearest rank, read from 2 % wide histogram bins
    assert summary["latency_ms_p50"] == pytest.approx(50.0, rel=0.02)
    assert summary["latency_ms_p95"] == pytest.approx(95.0, rel=0.02)
    assert summary["latency_ms_p99"] == pytest.approx(99.0, rel=0.02)
    assert summary["errors"] == {"Timeout": 1, "InvalidResult": 1}
    assert summary["calls_out"] == 102 and summary["calls_in"] == 1
    stats.write_json(tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text())["calls_out_by_action"]["MeterValues"] == 100
    stats.write_csv(tmp_path / "s.csv")
    rows = list(csv.reader((tmp_path / "s.csv").read_text().splitlines()))
    assert ["calls_in", "GetConfiguration", "1"] in rows
    assert ["errors", "Timeout", "1"] in rows


def test_latency_histogram_percentiles_and_merge() -> None:
    a, b = FleetStats(), FleetStats()
    for n in range(1, 101):  # 1..100 ms
        (a if n % 2 else b).call_answered("Heartbeat", n / 1000, None)
    b.call_answered("Heartbeat", 1.0, "Timeout: no answer")
    assert a.latency_s(0.5) == pytest.approx(0.049, rel=0.03)  # the odd ones: 1, 3, ... 99 ms
    a.merge(json.loads(json.dumps(b.export())))
    assert a.latency_s(0.5) == pytest.approx(0.050, rel=0.03)
    assert a.latency_s(0.99) == pytest.approx(0.099, rel=0.03)
    assert a.latency_s(0.0) == pytest.approx(0.001, rel=0.03)
    assert a.calls_out["Heartbeat"] == 101 and a.errors == {"Timeout": 1}
    assert math.isnan(FleetStats().latency_s(0.5))


async def test_counted_gradually_as_at_once(
    tmp_path: Path, csms: CentralSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fleet_module, "COUNT_SLICE", 3)  # 7 chargers: three loop turns
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    for n in range(7):
        fleet.add(ChargerParams(f"G{n}", number_of_connectors=2), StationOptions(url=csms.url))
    runner = asyncio.create_task(fleet.run())
    await fleet_settled(fleet, 7)
    for cid in ("G1", "G5"):
        station = fleet.get(cid)
        assert station is not None
        station.run_model(lambda now, s=station: s.charger.ev_inputs.plug_in(2, now))
        station.run_model(lambda now, s=station: s.charger.authorization.present_tag(2, "T", now))
    await csms.wait_for(lambda _: len(csms.calls(action="StartTransaction")) == 2, REAL_TIMEOUT)
    await fleet_settled(fleet)  # quiet, so that nothing changes between the two counts
    assert await fleet.counts_gradually() == fleet.counts()
    assert fleet.counts().charging == 2 and fleet.counts().booted == 7
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)


async def test_charging_share_starts_each_charger_at_its_own_instant(
    tmp_path: Path, csms: CentralSystem
) -> None:
    """Chargers booted together start their sessions spread over MeterValueSampleInterval (here 1 s, the
    shortest), so their MeterValues do not fall due together."""
    fleet = Fleet(clock=SystemClock(), store=Store(tmp_path))
    for n in range(2):
        fleet.add(ChargerParams(f"S{n}", meter_values_sample_interval=1), StationOptions(url=csms.url))
    runner = asyncio.create_task(fleet.run())
    starter = asyncio.create_task(_start_charging(list(fleet)))
    await asyncio.wait_for(starter, REAL_TIMEOUT)  # both were booted and scheduled
    await csms.wait_for(lambda _: len(csms.calls(action="StartTransaction")) == 2, REAL_TIMEOUT)
    first, second = (frame.time for frame in csms.calls(action="StartTransaction"))
    assert 0.35 <= second - first <= 0.9  # shares 0 and 1/2 of the 1 s interval
    fleet.stop()
    await asyncio.wait_for(runner, REAL_TIMEOUT)


async def test_the_ramp_keeps_its_rate_when_the_loop_lags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []

    def start(self: Station) -> None:
        started.append(self.id)

    monkeypatch.setattr(Station, "start", start)
    monkeypatch.setattr(Station, "started", property(lambda self: self.id in started))
    monkeypatch.setattr(Station, "stop", lambda self: asyncio.sleep(0))
    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    for n in range(300):
        fleet.add(ChargerParams(f"R{n:03d}"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    runner = asyncio.create_task(fleet.run(ramp_per_s=100))

    async def turns() -> None:
        for _ in range(10):
            await asyncio.sleep(0)

    def boot(count: int) -> None:
        for cid in started[:count]:
            station = fleet.get(cid)
            assert station is not None
            station.charger.state.registration = RegistrationStatus.ACCEPTED

    await turns()
    assert len(started) == 1  # the next one is due 10 ms later
    await clock.advance(0.105)
    assert len(started) == 11
    # The loop was busy for a second (no turn for the ramp): what fell due meanwhile starts now, in a
    # few turns, not one station a turn; but no more than a second's worth (100) that are still booting.
    await clock.advance(1.0, settle=0)
    await turns()
    assert len(started) == 100
    assert started == [f"R{n:03d}" for n in range(100)]  # in order
    boot(40)  # 40 booted: 60 still booting, room for 40 more, of which 16 are due (1.155 s: 116)
    await clock.advance(0.05)
    assert len(started) == 116
    boot(116)
    await clock.advance(0.5)  # on schedule again: one every 10 ms
    assert len(started) == 166
    # A station that has not booted after RAMP_PATIENCE_S holds nothing back.
    await clock.advance(fleet_module.RAMP_PATIENCE_S + 1.0, settle=0)
    await turns()
    assert len(started) == 166 + 100
    fleet.stop()
    await clock.advance(0.1)  # the ramp's sleep ends: it sees the stop
    await asyncio.wait_for(runner, REAL_TIMEOUT)


def test_chargers_with_equal_options_share_one_options_object(tmp_path: Path) -> None:
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    first = fleet.add(ChargerParams("O1"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    second = fleet.add(ChargerParams("O2"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    other = fleet.add(ChargerParams("O3"), StationOptions(url="ws://127.0.0.1:9/ocpp", http_auth=True))
    assert second.options is first.options
    assert other.options is not first.options and other.options.http_auth
    assert second.url.endswith("/O2") and first.url.endswith("/O1")
