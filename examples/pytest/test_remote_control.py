"""The CSMS in charge (sections 5.11, 5.12, 5.14, 5.16): remote start and stop, a current limit, a reset.
These ask `backend` (conftest.py) to make the CSMS send the call."""

from __future__ import annotations

from conftest import VALID_TAG


async def test_remote_start_then_the_ev_arrives(charger, backend):
    await backend.remote_start(charger, VALID_TAG)
    remote = await charger.expect_remote_start(id_tag=VALID_TAG)
    assert remote.answer == {"status": "Accepted"}
    await charger.plug()  # the driver plugs in after starting from the app
    start = await charger.expect_call("StartTransaction", idTag=VALID_TAG, connectorId=1)
    assert start.answer["transactionId"] > 0
    await charger.wait_for_status("Charging")


async def test_remote_stop_ends_the_transaction(charger, backend):
    await charger.tag(VALID_TAG)
    tx = (await charger.expect_call("StartTransaction")).answer["transactionId"]
    await backend.remote_stop(charger, tx)
    await charger.expect_call("RemoteStopTransaction", transactionId=tx)
    await charger.expect_call("StopTransaction", transactionId=tx, reason="Remote")


async def test_current_limit_is_obeyed(charger_factory, backend):
    cp = await charger_factory(meter_values_sample_interval=60)
    await cp.tag(VALID_TAG)
    tx = (await cp.expect_call("StartTransaction")).answer["transactionId"]
    await backend.limit_current(cp, tx, amps=10)
    assert cp.view().offer == 10.0
    mark = cp.mark()
    await cp.advance(60)
    sample = await cp.expect_call(
        "MeterValues",
        since=mark,
        match={"meterValue.0.sampledValue": {"$contains": {"measurand": "Current.Import", "phase": "L1"}}},
    )
    currents = [
        float(v["value"])
        for v in sample.payload["meterValue"][0]["sampledValue"]
        if v.get("measurand") == "Current.Import"
    ]
    assert currents
    assert max(currents) <= 10.0


async def test_soft_reset_reboots_and_registers_again(charger, backend):
    mark = charger.mark()
    await backend.reset(charger, "Soft")
    await charger.expect_call("Reset", type="Soft", since=mark)
    boot = await charger.expect_call("BootNotification", since=mark)
    assert boot.answer["status"] == "Accepted"
    await charger.expect_call("StatusNotification", connectorId=1, status="Available", since=mark)
