"""The EV follows a 3-period schedule sent by the central system: power in MeterValues per period,
SuspendedEV -> SuspendedEVSE below min_to_start and back, and the energy integral."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Sim
from ocppsim.ocpp16.framing import CallResult


def samples(sim: Sim, since: int) -> list[dict[str, Any]]:
    out = []
    for frame in sim.calls("MeterValues", since=since):
        values = frame.payload["meterValue"][0]["sampledValue"]
        flat = {v["measurand"] + v.get("phase", ""): float(v["value"]) for v in values}
        flat["context"] = values[0]["context"]
        out.append(flat)
    return out


@pytest.mark.parametrize(
    ("unit", "limits"),
    [("A", [16, 4, 10]), ("W", [11040, 2760, 6900])],  # the same schedule in W (x 230 V x 3 phases)
)
async def test_ev_follows_a_three_period_schedule(sim: Sim, unit: str, limits: list[float]) -> None:
    await sim.cmd("plugin")
    assert await sim.cmd("tag") == "Tag Accepted. Parent: , new status: Charging"
    profile = {
        "chargingProfileId": 20,
        "transactionId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": limits[0]},
                {"startPeriod": 600, "limit": limits[1]},
                {"startPeriod": 1200, "limit": limits[2]},
            ],
        },
    }
    result = await sim.csms.call(
        sim.id, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}
    )
    assert isinstance(result, CallResult) and result.payload == {"status": "Accepted"}
    await sim.quiet()
    mark = sim.mark()
    await sim.advance(1800)

    periodic = [s for s in samples(sim, mark) if s["context"] == "Sample.Periodic"]
    assert len(periodic) == 30
    power = [s["Power.Active.Import"] for s in periodic]
    offered = [s["Current.Offered"] for s in periodic]
    # Samples at 60..540 s, 600..1140 s, 1200..1800 s (a sample at a boundary sees the new period).
    assert power[:9] == [11040.0] * 9 and offered[:9] == [16.0] * 9
    assert power[9:19] == [0.0] * 10 and offered[9:19] == [4.0] * 10
    assert power[19:] == [6900.0] * 11 and offered[19:] == [10.0] * 11
    assert [s["Current.ImportL2"] for s in periodic[19:]] == [10.0] * 11

    statuses = [f.payload["status"] for f in sim.calls("StatusNotification", since=mark)]
    assert statuses == ["SuspendedEV", "SuspendedEVSE", "Charging"]

    expected_wh = 11040 * 600 / 3600 + 0 + 6900 * 600 / 3600  # 2990 Wh
    register = periodic[-1]["Energy.Active.Import.Register"]
    assert register == pytest.approx(expected_wh, rel=0.001)
    assert (await sim.cmd("status")).startswith(
        "Status: Charging, transaction_id: 1, offer: 10.0 A, energy: 2990 Wh"
    )
