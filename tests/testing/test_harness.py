"""The harness both the pytest plugin and the scenario runner drive: real sockets against the built-in
central system, simulated time, expectations that say what they saw when they fail."""

from __future__ import annotations

import pytest

from ocppsim.testing.harness import ExpectationError, Harness


@pytest.fixture
async def harness(csms, tmp_path):
    async with Harness(csms.url, workdir=tmp_path) as h:
        yield h


async def test_connect_boots_and_reports_every_connector(harness):
    cp = harness.charger("H1", connectors=2)
    await cp.connect()
    assert cp.status(2) == "Available"
    reported = {e.payload["connectorId"] for e in cp.calls("StatusNotification")}
    assert reported == {0, 1, 2}


async def test_expect_call_pairs_the_answer_and_names_the_mismatch(harness):
    cp = harness.charger("H2")
    await cp.connect()
    await cp.tag("ABC")
    start = await cp.expect_call("StartTransaction", idTag="ABC", direction="CP->CS")
    assert start.answer["idTagInfo"] == {"status": "Accepted"}
    assert [f.message_type for f in start.frames] == ["CALL", "CALLRESULT"]
    with pytest.raises(ExpectationError) as failure:
        await cp.expect_call("StartTransaction", idTag="XYZ", timeout=0.05)
    assert "idTag: 'ABC' != 'XYZ'" in str(failure.value)
    assert [f.action for f in failure.value.frames] == ["StartTransaction", "StartTransaction"]


async def test_expect_call_names_the_calls_seen_when_none_of_the_action_came(harness):
    cp = harness.charger("H3")
    await cp.connect()
    with pytest.raises(ExpectationError, match="no StopTransaction at all; calls seen: BootNotification"):
        await cp.expect_call("StopTransaction", timeout=0.05)


async def test_since_a_mark_only_later_frames_count(harness, csms):
    cp = harness.charger("H4")
    await cp.connect()
    mark = cp.mark()
    await cp.expect_no_call("BootNotification", since=mark, within=0.05)
    await csms.call("H4", "Reset", {"type": "Soft"})
    boot = await cp.expect_call("BootNotification", since=mark)
    assert boot.call.seq >= mark


async def test_advance_fires_what_is_due_on_the_way(harness):
    cp = harness.charger("H5", meter_values_sample_interval=60)
    await cp.connect()
    await cp.tag("ABC")
    await cp.advance(600)  # ten simulated minutes
    periodic = [
        e
        for e in cp.calls("MeterValues")
        if e.payload["meterValue"][0]["sampledValue"][0].get("context") == "Sample.Periodic"
    ]
    assert len(periodic) == 10
    assert all(e.answer == {} for e in periodic)


async def test_send_makes_the_charger_send_and_waits_for_the_answer(harness):
    cp = harness.charger("H6")
    await cp.connect()
    heartbeat = await cp.send("Heartbeat")
    assert "currentTime" in heartbeat.answer
    transfer = await cp.send("DataTransfer", {"vendorId": "com.example"})
    assert transfer.answer == {"status": "UnknownVendorId"}
    with pytest.raises(ValueError, match="cannot send 'StartTransaction'"):
        await cp.send("StartTransaction")


async def test_wait_for_status_fails_with_the_status_reports(harness):
    cp = harness.charger("H7")
    await cp.connect()
    await cp.plug()
    await cp.wait_for_status("Preparing")
    with pytest.raises(ExpectationError, match="is Preparing, not Charging") as failure:
        await cp.wait_for_status("Charging", timeout=0.05)
    assert failure.value.frames[-2].action == "StatusNotification"


async def test_offline_the_stop_is_queued_and_delivered_on_reconnect(harness):
    cp = harness.charger("H8")
    await cp.connect()
    await cp.tag("ABC")
    await cp.disconnect()
    await cp.unplug()
    await cp.expect_no_call("StopTransaction", within=0.05)
    await cp.reconnect()
    stop = await cp.expect_call("StopTransaction", reason="EVDisconnected")
    assert stop.answer == {"idTagInfo": {"status": "Accepted"}}


async def test_set_config_has_change_configuration_semantics(harness):
    cp = harness.charger("H9")
    await cp.connect()
    assert cp.set_config("HeartbeatInterval", "30") == "Accepted"
    assert cp.set_config("HeartbeatInterval", "soon") == "Rejected"
    assert cp.set_config("NoSuchKey", "1") == "NotSupported"


async def test_a_charger_that_cannot_connect_fails_its_boot_in_time(tmp_path):
    async with Harness("ws://127.0.0.1:9/ocpp", workdir=tmp_path) as h:
        cp = h.charger("NOWHERE")
        with pytest.raises(ExpectationError, match=r"did not boot within 0\.1 s"):
            await cp.connect(timeout=0.1)


async def test_a_csms_that_refuses_the_charger_is_named_in_the_boot_failure(tmp_path, csms):
    csms.charger_ids = {"SOMEONE-ELSE"}  # unknown charge points get a 404 on the upgrade
    async with Harness(csms.url, workdir=tmp_path) as h:
        cp = h.charger("UNKNOWN-CP")
        with pytest.raises(ExpectationError, match=r"not connected to ws://.*UNKNOWN-CP \(.*404"):
            await cp.connect(timeout=0.3)


async def test_closing_the_harness_ends_the_overrides(csms, tmp_path):
    """Expert-mode overrides end with the test or scenario that made them (the plugin's fixture teardown
    and the scenario runner both close the harness)."""
    from ocppsim.runtime.interception import intercept

    harness = Harness(csms.url, workdir=tmp_path)
    await harness.start()
    cp = harness.charger("H-EXPERT")
    await cp.connect()
    intercept(cp.station, "send", "StatusNotification", status="Faulted")
    await harness.close()
    assert cp.station.interception is None
