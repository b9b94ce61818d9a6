"""Registration and liveness (OCPP 1.6 sections 4.2, 4.6, 4.9)."""

from __future__ import annotations


async def test_boot_is_accepted_with_a_heartbeat_interval(charger):
    boot = await charger.expect_call("BootNotification", direction="CP->CS")
    assert boot.answer["status"] == "Accepted"
    assert boot.answer["interval"] > 0


async def test_every_connector_reports_available_after_boot(charger_factory):
    cp = await charger_factory(connectors=2)
    for connector in (0, 1, 2):
        report = await cp.expect_call("StatusNotification", connectorId=connector)
        assert report.payload["status"] == "Available"
        assert report.answer == {}  # StatusNotification.conf has no fields


async def test_heartbeat_comes_at_the_interval_and_gets_the_time(charger):
    interval = (await charger.expect_call("BootNotification")).answer["interval"]
    before = charger.mark()
    await charger.advance(interval + 1)  # simulated time: no real waiting
    heartbeat = await charger.expect_call("Heartbeat", since=before)
    assert "currentTime" in heartbeat.answer


async def test_a_fault_is_reported_with_its_error_code(charger):
    await charger.fault("GroundFailure", "RCD tripped")
    await charger.expect_call("StatusNotification", status="Faulted", errorCode="GroundFailure")
    await charger.clear_fault()
    await charger.expect_call("StatusNotification", status="Available", errorCode="NoError")


async def test_a_small_fleet_boots(fleet):
    chargers = await fleet(10)
    for cp in chargers:
        boot = await cp.expect_call("BootNotification")
        assert boot.answer["status"] == "Accepted"
