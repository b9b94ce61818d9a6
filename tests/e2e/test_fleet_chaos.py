"""A minute of benchmarks/fleet_chaos.py at 500 chargers (on 10x simulated time: ~6 s of the wall clock
plus boot and calm): random sessions through the chaos proxy cutting, stalling and blackholing, the
central system restarted twice; the audit of its recorded frames finds nothing lost, duplicated or left
open, and every meter register monotonic."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "fleet_chaos.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fleet_chaos", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fleet_chaos", module)
    spec.loader.exec_module(module)
    return module


async def test_a_chaotic_minute_of_500_chargers_loses_nothing(tmp_path: Path) -> None:
    chaos = _load()
    plan = chaos.ChaosPlan(
        chargers=500,
        seconds=60.0,
        speed=10.0,
        seed=20261206,
        mean_action_s=4.0,
        longest_fault_s=15.0,
        mean_arrival_s=10.0,
        mean_stay_s=20.0,
        calm_limit_s=60.0,
    )
    report = await chaos.run_chaos(plan, tmp_path)
    faults = report["proxy"]
    assert faults["cuts"] + faults["stalls"] + faults["blackholes"] >= 3, faults
    assert report["csms_restarts"] == 2
    # Every charger connected, and again after the restarts and the cuts (a charger waiting out its
    # back-off during a restart connects once for both: no exact count).
    assert faults["connections"] > 2 * plan.chargers
    assert report["settled"], "the chargers never settled: something stayed queued or open"
    assert report["undelivered_at_end"] == 0
    assert report["transactions"] > 100
    assert report["start_transactions"] == report["stop_transactions"] == report["transactions"]
    assert report["meter_values_in_transactions"] > 0
    assert (report["lost"], report["duplicated"], report["unclosed"], report["meter_not_monotonic"]) == (
        0,
        0,
        0,
        0,
    ), report["examples"]


def test_the_audit_counts_what_went_wrong() -> None:
    """The audit itself can fail: a lost stop, a second start, a register going back, an unclosed one."""
    chaos = _load()
    from ocppsim.csms.server import Frame

    def call(uid: str, action: str, payload: dict[str, object]) -> Frame:
        return Frame("CP", "in", 2, uid, action, payload, 0.0)

    def answer(uid: str, payload: dict[str, object]) -> Frame:
        return Frame("CP", "out", 3, uid, None, payload, 0.0)

    def meter(uid: str, tx: int, stamp: str, wh: float) -> Frame:
        value = {"timestamp": stamp, "sampledValue": [{"value": str(wh), "measurand": chaos.REGISTER}]}
        return call(uid, "MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": [value]})

    start = {"connectorId": 1, "idTag": "T", "meterStart": 100, "timestamp": "t0"}
    frames = [
        call("1", "StartTransaction", start),
        answer("1", {"transactionId": 7, "idTagInfo": {"status": "Accepted"}}),
        meter("2", 7, "t1", 150.0),
        meter("2", 7, "t1", 150.0),  # a re-send with the same uniqueId: allowed
        meter("3", 7, "t1", 150.0),  # the same sample under another uniqueId: duplicated
        meter("4", 7, "t2", 120.0),  # backwards
        call("5", "StopTransaction", {"transactionId": 7, "meterStop": 200, "timestamp": "t3"}),
        call("6", "StartTransaction", {**start, "meterStart": 200}),
        answer("6", {"transactionId": 8, "idTagInfo": {"status": "Accepted"}}),
        # the charger started three transactions: the third start never arrived, nor the last stops
    ]
    result = chaos.audit(frames, {"CP": 3})
    assert result.resent_same_unique_id == 1
    assert result.duplicated == 1
    assert result.meter_not_monotonic == 1
    assert result.unclosed == 1  # transaction 8
    assert result.lost == (3 - 2) + (3 - 1)
