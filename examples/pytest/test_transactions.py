"""Transactions and meter values (sections 4.7, 4.8, 4.10) and what happens while offline (OCPP-J 4.1.1)."""

from __future__ import annotations

from conftest import VALID_TAG


def energy(meter_value):
    """The energy register (Wh) of one MeterValues.meterValue entry."""
    return next(
        float(v["value"])
        for v in meter_value["sampledValue"]
        if v.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"
    )


async def test_full_session_with_meter_values(charger_factory):
    cp = await charger_factory(meter_values_sample_interval=60)
    await cp.tag(VALID_TAG)
    start = await cp.expect_call("StartTransaction", idTag=VALID_TAG)
    tx = start.answer["transactionId"]

    await cp.advance(30 * 60)  # half an hour of charging, in milliseconds

    samples = [e for e in cp.calls("MeterValues") if e.payload.get("transactionId") == tx]
    readings = [energy(s.payload["meterValue"][0]) for s in samples]
    assert len(readings) >= 30
    assert readings == sorted(readings), "the energy register never goes back"

    await cp.unplug()
    stop = await cp.expect_call("StopTransaction", transactionId=tx, reason="EVDisconnected")
    assert stop.payload["meterStop"] >= readings[-1]
    await cp.wait_for_status("Available")


async def test_two_connectors_charge_at_the_same_time(charger_factory):
    cp = await charger_factory(connectors=2)
    await cp.tag(VALID_TAG, connector=1)
    await cp.tag(VALID_TAG + "B", connector=2)
    first = await cp.expect_call("StartTransaction", connectorId=1)
    second = await cp.expect_call("StartTransaction", connectorId=2)
    assert first.answer["transactionId"] != second.answer["transactionId"]


async def test_stop_transaction_queued_offline_is_delivered_after_reconnect(charger):
    await charger.tag(VALID_TAG)
    tx = (await charger.expect_call("StartTransaction")).answer["transactionId"]
    await charger.advance(600)

    await charger.disconnect()
    await charger.unplug()  # the EV leaves while the CSMS cannot be reached
    await charger.expect_no_call("StopTransaction")

    await charger.reconnect()
    stop = await charger.expect_call("StopTransaction", transactionId=tx, reason="EVDisconnected")
    assert stop.answer["idTagInfo"]["status"] == "Accepted"
