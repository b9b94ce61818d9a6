"""A connector's history for the dashboard's charts: samples when what a chart draws changes, step
functions (a stop is a drop at its instant), the limit a TxProfile sets mid-session, the composite
schedule ahead, and the bound on how many chargers are recorded."""

from __future__ import annotations

import itertools

import pytest

from conftest import Api
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.runtime.meter_history import MeterHistory

CP = "/api/chargers/CP1"
C1 = f"{CP}/connectors/1"
FULL_W = 32 * 230 * 3
T0 = 1_800_000_000.0


async def test_a_session_with_a_tx_profile_as_steps(api: Api) -> None:
    t0 = api.clock.now()
    await api.post(f"{C1}/start")
    await api.clock.advance(600)
    await api.quiet()
    tx = (await api.client.get(C1)).json()["transaction_id"]
    profile = {
        "chargingProfileId": 3,
        "transactionId": tx,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "startSchedule": "2000-01-01T00:00:00Z",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}],
        },
    }
    answer = await api.csms.call(
        "CP1", "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile}
    )
    assert answer.payload == {"status": "Accepted"}
    limited_at = api.clock.now()
    await api.clock.advance(300)
    await api.quiet()
    await api.post(f"{C1}/stop")
    stopped_at = api.clock.now()
    await api.clock.advance(60)
    await api.quiet()

    h = (await api.client.get(f"{C1}/history")).json()
    assert h["recording"] is True and h["connector"] == 1
    rows = list(zip(h["time"], h["status"], h["power_w"], h["limit_a"], h["session_wh"], strict=True))
    # Plugged, authorized and started at one instant: the last outcome is the sample of that instant.
    assert rows[0][:3] == (t0, "Charging", pytest.approx(FULL_W))
    # Full power from the start until the profile, then 10 A, then 0 from the stop's instant on.
    full = [r for r in rows if r[2] == pytest.approx(FULL_W)]
    low = [r for r in rows if r[2] == pytest.approx(10 * 230 * 3)]
    assert low[0][0] == pytest.approx(limited_at) and low[0][3] == 10
    assert all(r[0] < limited_at for r in full)
    after_stop = [r for r in rows if r[0] >= stopped_at]
    assert after_stop and after_stop[0][0] == pytest.approx(stopped_at) and after_stop[0][2] == 0
    assert after_stop[0][1] in ("Finishing", "Available")
    # Energy keeps rising between the steps (a sample at each meter value while drawing).
    drawing = [r for r in rows if r[2] > 0]
    assert len(drawing) >= 15
    assert all(b[4] >= a[4] for a, b in itertools.pairwise(rows))
    # The transaction ended, its TxProfile with it: the schedule ahead is the hardware's limit.
    assert h["schedule"] == [{"start": float(int(h["now"])), "limit_a": 32.0, "phases": 3.0}]

    window = (await api.client.get(f"{C1}/history", params={"seconds": 120})).json()
    assert window["time"][0] == pytest.approx(h["now"] - 120)  # the value in force, clamped to the edge
    assert (await api.client.get(f"{CP}/connectors/9/history")).status_code == 404
    assert (await api.client.get(f"{C1}/history", params={"seconds": 7200})).status_code == 422


def test_only_a_bounded_set_of_chargers_is_recorded() -> None:
    chargers = {f"H{n}": Charger(ChargerParams(f"H{n}", number_of_connectors=1), now=T0) for n in range(3)}
    history = MeterHistory(max_chargers=2, per_connector=3, every_s=10)
    for cid, charger in chargers.items():
        history.observe(cid, charger, T0)
    assert [history.recording(cid) for cid in chargers] == [True, True, False]
    history.watch("H2")  # somebody opens H2: the charger watched least recently makes room
    assert [history.recording(cid) for cid in chargers] == [False, True, True]
    assert len(history) == 2
    # Nothing changed: no new sample, however often the model runs.
    for n in range(1, 50):
        history.observe("H1", chargers["H1"], T0 + n)
    assert [s.time for s in history.samples("H1", 1, T0 + 50)] == [T0]
    # The window clamps the value in force at its start to the edge; older samples are not shown.
    assert [s.time for s in history.samples("H1", 1, T0 + 4000)] == [T0 + 400]
    assert history.samples("H0", 1, T0) == [] and history.samples("H1", 2, T0) == []


async def test_the_overview_s_wall_and_rates(api: Api) -> None:
    await api.post(f"{C1}/start")
    wall = (await api.client.get("/api/connector-wall")).json()
    legend = wall["statuses"]
    assert legend[-1] == "None" and "Charging" in legend and "SuspendedEVSE" in legend
    assert wall["ids"] == ["CP1"] and wall["connected"] == [1]
    assert [legend[i] for i in wall["tiles"][0]] == ["Charging", "Available"]
    stats = (await api.client.get("/api/fleet/stats")).json()
    assert stats["counts"] == {"chargers": 1, "connected": 1, "booted": 1, "charging": 1, "queued": 0}
    assert stats["calls_out"] >= 5  # boot, statuses, authorize, start
    assert stats["latency_ms"]["p99"] >= stats["latency_ms"]["p50"] >= 0
    assert stats["errors"] == {}
