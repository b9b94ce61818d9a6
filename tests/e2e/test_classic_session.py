"""The classic session of the compatibility contract: plugin -> tag -> charging with a profile ->
status -> unplug, asserting the exact replies and the exact OCPP frames the central system recorded."""

from __future__ import annotations

from conftest import Sim, SimFactory


def tx_profile(limit: float, *, pid: int = 10) -> dict[str, object]:
    return {
        "chargingProfileId": pid,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
        },
    }


async def test_boot_sequence(sim: Sim) -> None:
    assert sim.sent() == [
        ("BootNotification", None),
        ("SecurityEventNotification", None),  # StartupOfTheDevice (Security Whitepaper section 8)
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
    ]
    boot = sim.calls("BootNotification")[0].payload
    assert boot["chargePointVendor"] == "ocppsim"
    assert boot["chargePointModel"] == "ocppsim-1"
    assert boot["chargePointSerialNumber"] == "SIM-0001"
    assert "iccid" not in boot  # empty INI values are not sent


async def test_classic_session_with_default_profiles(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(default_profiles=True)
    assert await sim.cmd("status") == (
        "Status: Available, transaction_id: None, offer: 0.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )
    mark = sim.mark()
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert await sim.cmd("tag") == "Tag Accepted. Parent: , new status: SuspendedEVSE"
    assert sim.sent(mark) == [
        ("StatusNotification", (1, "Preparing")),
        ("Authorize", None),
        ("StartTransaction", None),
        ("StatusNotification", (1, "SuspendedEV")),
        ("StatusNotification", (1, "SuspendedEVSE")),
        ("MeterValues", "Transaction.Begin"),
    ]
    start = sim.calls("StartTransaction")[0].payload
    assert start["idTag"] == "12345678"
    assert start["connectorId"] == 1
    assert start["meterStart"] == 0
    assert await sim.cmd("status") == (
        "Status: SuspendedEVSE, transaction_id: 1, offer: 0.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )

    mark = sim.mark()
    result = await sim.csms.call(
        sim.id, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": tx_profile(16)}
    )
    assert result.payload == {"status": "Accepted"}
    await sim.quiet()
    assert sim.sent(mark) == [("StatusNotification", (1, "Charging"))]

    mark = sim.mark()
    await sim.advance(3600)
    # 16 A x 230 V x 3 phases for one hour
    assert await sim.cmd("status") == (
        "Status: Charging, transaction_id: 1, offer: 16.0 A, energy: 11040 Wh, delay: False, max_usage: None"
    )
    periodic = sim.calls("MeterValues", since=mark)
    assert len(periodic) == 60  # MeterValueSampleInterval 60 s, counted from the transaction start
    last = {
        sv["measurand"] + sv.get("phase", ""): sv
        for sv in periodic[-1].payload["meterValue"][0]["sampledValue"]
    }
    assert last["Energy.Active.Import.Register"]["value"] == "11040"
    assert last["Power.Active.Import"]["value"] == "11040.0"
    assert last["Current.ImportL1"]["value"] == "16.0"
    assert last["Current.Offered"]["value"] == "16.0"
    assert last["VoltageL1-N"]["value"] == "230.0"
    assert all(f.payload["transactionId"] == 1 for f in periodic)

    mark = sim.mark()
    assert await sim.cmd("unplug") == "Succesfully stopped transaction. id_tag_info: {'status': 'Accepted'}"
    assert sim.sent(mark) == [
        ("StatusNotification", (1, "SuspendedEV")),
        ("MeterValues", "Transaction.End"),
        ("StopTransaction", None),
        ("StatusNotification", (1, "Finishing")),
        ("StatusNotification", (1, "Available")),
    ]
    stop = sim.calls("StopTransaction")[0].payload
    assert stop["reason"] == "EVDisconnected"
    assert stop["transactionId"] == 1
    assert stop["meterStop"] == 11040
    contexts = [mv["sampledValue"][0]["context"] for mv in stop["transactionData"]]
    assert contexts[0] == "Transaction.Begin"
    assert contexts[-1] == "Transaction.End"
    assert contexts.count("Sample.Periodic") == 60
    assert await sim.cmd("status") == (
        "Status: Available, transaction_id: None, offer: 0.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )
    # The TxProfile went with the transaction: a new one outside a transaction is Rejected.
    result = await sim.csms.call(
        sim.id, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": tx_profile(16)}
    )
    assert result.payload == {"status": "Rejected"}
