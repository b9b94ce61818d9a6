"""The fleet's live view: the table and the plain line show the fleet's counts, rates and latency."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from ocppsim.control.fleet.view import fleet_line, fleet_table
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.store import Store


def test_table_and_line(tmp_path: Path) -> None:
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    for n in range(3):
        fleet.add(ChargerParams(f"V{n}"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    for ms in (1.0, 2.0, 3.0, 40.0):
        fleet.stats.call_answered("Heartbeat", ms / 1000, None)
    fleet.stats.call_answered("Heartbeat", 30.0, "Timeout")
    line = fleet_line(fleet, (12.5, 1.0))
    assert line.startswith("chargers 3 connected 0 booted 0 charging 0 | out 12.5/s in 1.0/s")
    words = line.split()
    p50, p99 = float(words[words.index("p50") + 1]), float(words[words.index("p99") + 1])
    assert p50 == pytest.approx(2.0, rel=0.02) and p99 == pytest.approx(40.0, rel=0.02)
    assert line.endswith("errors 1")
    console = Console(record=True, width=160)
    console.print(fleet_table(fleet, (12.5, 1.0)))
    text = console.export_text()
    assert "12.5" in text and str(p99) in text and "errors: Timeout 1" in text
