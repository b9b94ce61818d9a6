"""Functional block B (provisioning) of the Core profile: boot (B01-B03), the device model (B05-B08),
reset (B11, B12). Steps and tool validations: OCPP 2.0.1 part 6, TC_B_<n>_CS."""

from __future__ import annotations

import asyncio

import pytest

from conformance_201.steps import (
    call,
    component,
    events,
    get_variables,
    local_session,
    report_parts,
    set_variables,
    statuses,
    variable,
)
from conftest import Sim, SimFactory, booted_v201
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.framing import CallError

OCPP_COMM = component("OCPPCommCtrlr")
OFFLINE = variable("OfflineThreshold")


@pytest.mark.octt201("TC_B_01")
async def test_b01_cold_boot_accepted(sim201: Sim) -> None:
    boot = sim201.calls("BootNotification")
    assert len(boot) == 1
    assert boot[0].payload["reason"] == "PowerUp"
    # Post scenario: a message reporting the state of every connector.
    assert statuses(sim201) == [(1, "Available")]


@pytest.mark.octt201("TC_B_02")
async def test_b02_cold_boot_pending(sim201_factory: SimFactory, csms: CentralSystem) -> None:
    csms.boot_status = "Pending"
    sim: Sim = await sim201_factory(boot=False)
    await sim.csms.wait_for_call(sim.id, "BootNotification")
    await sim.quiet()
    # While Pending the CSMS configures and reads the station (B02.FR.02); nothing else is sent.
    result = await set_variables(sim, (OCPP_COMM, OFFLINE, "300", None))
    assert result[0]["attributeStatus"] == "Accepted"
    result = await get_variables(sim, (OCPP_COMM, OFFLINE, None))
    assert (result[0]["attributeStatus"], result[0]["attributeValue"]) == ("Accepted", "300")
    mark = sim.mark()
    assert await call(sim, "GetBaseReport", {"requestId": 1, "reportBase": "FullInventory"}) == {
        "status": "Accepted"
    }
    assert report_parts(sim, 1, mark)[-1].get("tbc", False) is False
    assert sim.calls("StatusNotification") == []
    # F06.FR.17: a BootNotification triggered while Pending; Accepted now.
    sim.csms.boot_status = "Accepted"
    assert await call(sim, "TriggerMessage", {"requestedMessage": "BootNotification"}) == {
        "status": "Accepted"
    }
    await booted_v201(sim, 1)
    assert sim.calls("BootNotification")[-1].payload["reason"] == "Triggered"
    assert statuses(sim) == [(1, "Available")]


@pytest.mark.octt201("TC_B_03")
async def test_b03_cold_boot_rejected(sim201_factory: SimFactory, csms: CentralSystem) -> None:
    csms.boot_status = "Rejected"
    sim: Sim = await sim201_factory(boot=False)
    await sim.csms.wait_for_call(sim.id, "BootNotification")
    await sim.quiet()
    sim.csms.boot_status = "Accepted"
    interval = sim.csms.heartbeat_interval
    await sim.advance(interval - 1)
    assert [f.action for f in sim.calls()] == ["BootNotification"]  # nothing in the meantime
    await sim.advance(1)
    await booted_v201(sim, 1)
    # The security block's StartupOfTheDevice (A04: a critical event, pushed once accepted; merged from
    # main's Security Whitepaper work) goes out after the boot too; the case is about the boots and the
    # status, which follow each other as before.
    actions = [f.action for f in sim.calls() if f.action != "SecurityEventNotification"]
    assert actions == ["BootNotification", "BootNotification", "StatusNotification"]
    assert [f.payload["type"] for f in sim.calls("SecurityEventNotification")] == ["StartupOfTheDevice"]
    assert statuses(sim) == [(1, "Available")]


@pytest.mark.octt201("TC_B_30")
async def test_b30_rejected_answers_security_error(sim201_factory: SimFactory, csms: CentralSystem) -> None:
    csms.boot_status = "Rejected"
    sim: Sim = await sim201_factory(boot=False)
    await sim.csms.wait_for_call(sim.id, "BootNotification")
    await sim.quiet()
    answer = await csms.call(sim.id, "GetBaseReport", {"requestId": 1, "reportBase": "FullInventory"})
    assert isinstance(answer, CallError)
    assert answer.code == "SecurityError"
    assert sim.calls("NotifyReport") == []


@pytest.mark.octt201("TC_B_06")
async def test_b06_get_variables_single_value(sim201: Sim) -> None:
    await set_variables(sim201, (OCPP_COMM, OFFLINE, "300", None))
    result = await get_variables(sim201, (OCPP_COMM, OFFLINE, "Actual"))
    assert result == [
        {
            "attributeStatus": "Accepted",
            "attributeType": "Actual",
            "attributeValue": "300",
            "component": {"name": "OCPPCommCtrlr"},
            "variable": {"name": "OfflineThreshold"},
        }
    ]


@pytest.mark.octt201("TC_B_07")
async def test_b07_get_variables_multiple_values(sim201: Sim) -> None:
    result = await get_variables(
        sim201,
        (OCPP_COMM, OFFLINE, None),
        (component("OCPPCommCtrlr"), variable("HeartbeatInterval"), None),
        (component("EVSE", 1), variable("AvailabilityState"), None),
        (component("Connector", 1, 1), variable("ConnectorType"), None),
    )
    assert [r["attributeStatus"] for r in result] == ["Accepted"] * 4
    assert [r["attributeValue"] for r in result][2:] == ["Available", "cType2"]


@pytest.mark.octt201("TC_B_32")
async def test_b32_get_unknown_component(sim201: Sim) -> None:
    result = await get_variables(sim201, (component("UnknownComponent"), OFFLINE, None))
    assert result[0]["attributeStatus"] == "UnknownComponent"
    assert result[0]["component"]["name"] == "UnknownComponent"
    assert result[0]["variable"]["name"] == "OfflineThreshold"


@pytest.mark.octt201("TC_B_33")
async def test_b33_get_unknown_variable(sim201: Sim) -> None:
    result = await get_variables(sim201, (OCPP_COMM, variable("UnknownVariable"), None))
    assert result[0]["attributeStatus"] == "UnknownVariable"
    assert result[0]["variable"]["name"] == "UnknownVariable"


@pytest.mark.octt201("TC_B_34")
async def test_b34_get_not_supported_attribute_type(sim201: Sim) -> None:
    result = await get_variables(sim201, (OCPP_COMM, OFFLINE, "Target"))
    assert result[0]["attributeStatus"] == "NotSupportedAttributeType"
    assert result[0]["attributeType"] == "Target"


@pytest.mark.octt201("TC_B_09")
async def test_b09_set_variables_single_value(sim201: Sim) -> None:
    result = await set_variables(sim201, (OCPP_COMM, OFFLINE, "123", None))
    assert result[0]["attributeStatus"] == "Accepted"
    got = await get_variables(sim201, (OCPP_COMM, OFFLINE, None))
    assert got[0]["attributeValue"] == "123"


@pytest.mark.octt201("TC_B_10")
async def test_b10_set_variables_multiple_values(sim201: Sim) -> None:
    result = await set_variables(
        sim201,
        (OCPP_COMM, OFFLINE, "120", None),
        (component("TxCtrlr"), variable("EVConnectionTimeOut"), "45", None),
    )
    assert [r["attributeStatus"] for r in result] == ["Accepted", "Accepted"]
    # One value drives both versions: EVConnectionTimeOut is the blocks' ConnectionTimeOut.
    assert sim201.station.charger.config.get_int("ConnectionTimeOut") == 45


@pytest.mark.octt201("TC_B_35")
async def test_b35_set_unknown_component(sim201: Sim) -> None:
    result = await set_variables(sim201, (component("UnknownComponent"), OFFLINE, "300", None))
    assert result[0]["attributeStatus"] == "UnknownComponent"


@pytest.mark.octt201("TC_B_36")
async def test_b36_set_unknown_variable(sim201: Sim) -> None:
    result = await set_variables(sim201, (OCPP_COMM, variable("UnknownVariable"), "300", None))
    assert result[0]["attributeStatus"] == "UnknownVariable"


@pytest.mark.octt201("TC_B_37")
async def test_b37_set_not_supported_attribute_type(sim201: Sim) -> None:
    result = await set_variables(sim201, (OCPP_COMM, OFFLINE, "300", "Target"))
    assert result[0]["attributeStatus"] == "NotSupportedAttributeType"
    assert result[0]["attributeType"] == "Target"


@pytest.mark.octt201("TC_B_11")
async def test_b11_set_invalidly_formatted_values(sim201: Sim) -> None:
    result = await set_variables(
        sim201,
        (OCPP_COMM, OFFLINE, "-1", None),
        (OCPP_COMM, OFFLINE, "ten", None),
        (component("AuthCtrlr"), variable("LocalPreAuthorize"), "maybe", None),
        (component("TxCtrlr"), variable("TxStopPoint"), "Nowhere", None),
    )
    assert [r["attributeStatus"] for r in result] == ["Rejected"] * 4


@pytest.mark.octt201("TC_B_39")
async def test_b39_set_read_only(sim201: Sim) -> None:
    result = await set_variables(sim201, (OCPP_COMM, variable("MessageTimeout", "Default"), "10", None))
    assert result[0]["attributeStatus"] == "Rejected"
    assert result[0]["variable"] == {"name": "MessageTimeout", "instance": "Default"}


def _reported(parts: list[dict[str, object]]) -> list[dict[str, object]]:
    return [entry for part in parts for entry in part.get("reportData", [])]  # type: ignore[attr-defined]


def _check_parts(parts: list[dict[str, object]]) -> None:
    # B07.FR.04-06: seqNo from 0, tbc on every part but the last.
    assert [p["seqNo"] for p in parts] == list(range(len(parts)))
    assert [p.get("tbc", False) for p in parts] == [True] * (len(parts) - 1) + [False]


@pytest.mark.octt201("TC_B_12")
async def test_b12_base_report_configuration_inventory(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await call(sim201, "GetBaseReport", {"requestId": 5, "reportBase": "ConfigurationInventory"}) == {
        "status": "Accepted"
    }
    parts = report_parts(sim201, 5, mark)
    _check_parts(parts)
    entries = _reported(parts)
    assert entries
    mutability = {a["mutability"] for e in entries for a in e["variableAttribute"]}  # type: ignore[index,union-attr]
    assert "ReadOnly" not in mutability


@pytest.mark.octt201("TC_B_13")
async def test_b13_base_report_full_inventory(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await call(sim201, "GetBaseReport", {"requestId": 6, "reportBase": "FullInventory"}) == {
        "status": "Accepted"
    }
    parts = report_parts(sim201, 6, mark)
    assert len(parts) > 1  # more variables than ItemsPerMessage[GetReport]
    _check_parts(parts)


# TC_B_53's table of required variables (part 6 section "Required ... variables" of the Core profile).
REQUIRED = [
    ("AlignedDataCtrlr", None, "Interval", None),
    ("AlignedDataCtrlr", None, "Measurands", None),
    ("AlignedDataCtrlr", None, "TxEndedInterval", None),
    ("AlignedDataCtrlr", None, "TxEndedMeasurands", None),
    ("AuthCtrlr", None, "AuthorizeRemoteStart", None),
    ("AuthCtrlr", None, "LocalAuthorizeOffline", None),
    ("AuthCtrlr", None, "LocalPreAuthorize", None),
    ("ChargingStation", None, "AvailabilityState", None),
    ("ChargingStation", None, "Available", None),
    ("ChargingStation", None, "SupplyPhases", None),
    ("ClockCtrlr", None, "DateTime", None),
    ("ClockCtrlr", None, "TimeSource", None),
    ("Connector", 1, "AvailabilityState", None),
    ("Connector", 1, "Available", None),
    ("Connector", 1, "ConnectorType", None),
    ("Connector", 1, "SupplyPhases", None),
    ("DeviceDataCtrlr", None, "BytesPerMessage", "GetReport"),
    ("DeviceDataCtrlr", None, "BytesPerMessage", "GetVariables"),
    ("DeviceDataCtrlr", None, "BytesPerMessage", "SetVariables"),
    ("DeviceDataCtrlr", None, "ItemsPerMessage", "GetReport"),
    ("DeviceDataCtrlr", None, "ItemsPerMessage", "GetVariables"),
    ("DeviceDataCtrlr", None, "ItemsPerMessage", "SetVariables"),
    ("EVSE", 1, "AvailabilityState", None),
    ("EVSE", 1, "Available", None),
    ("EVSE", 1, "Power", None),
    ("EVSE", 1, "SupplyPhases", None),
    ("OCPPCommCtrlr", None, "FileTransferProtocols", None),
    ("OCPPCommCtrlr", None, "MessageTimeout", "Default"),
    ("OCPPCommCtrlr", None, "MessageAttemptInterval", "TransactionEvent"),
    ("OCPPCommCtrlr", None, "MessageAttempts", "TransactionEvent"),
    ("OCPPCommCtrlr", None, "NetworkConfigurationPriority", None),
    ("OCPPCommCtrlr", None, "NetworkProfileConnectionAttempts", None),
    ("OCPPCommCtrlr", None, "OfflineThreshold", None),
    ("OCPPCommCtrlr", None, "ResetRetries", None),
    ("OCPPCommCtrlr", None, "UnlockOnEVSideDisconnect", None),
    ("SampledDataCtrlr", None, "TxEndedInterval", None),
    ("SampledDataCtrlr", None, "TxEndedMeasurands", None),
    ("SampledDataCtrlr", None, "TxStartedMeasurands", None),
    ("SampledDataCtrlr", None, "TxUpdatedInterval", None),
    ("SampledDataCtrlr", None, "TxUpdatedMeasurands", None),
    ("SecurityCtrlr", None, "CertificateEntries", None),
    ("SecurityCtrlr", None, "OrganizationName", None),
    ("SecurityCtrlr", None, "SecurityProfile", None),
    ("TxCtrlr", None, "EVConnectionTimeOut", None),
    ("TxCtrlr", None, "StopTxOnEVSideDisconnect", None),
    ("TxCtrlr", None, "StopTxOnInvalidId", None),
    ("TxCtrlr", None, "TxStartPoint", None),
    ("TxCtrlr", None, "TxStopPoint", None),
    ("LocalAuthListCtrlr", None, "BytesPerMessage", None),
    ("LocalAuthListCtrlr", None, "Entries", None),
    ("LocalAuthListCtrlr", None, "ItemsPerMessage", None),
    ("SmartChargingCtrlr", None, "Entries", "ChargingProfiles"),
    ("SmartChargingCtrlr", None, "LimitChangeSignificance", None),
    ("SmartChargingCtrlr", None, "PeriodsPerSchedule", None),
    ("SmartChargingCtrlr", None, "ProfileStackLevel", None),
    ("SmartChargingCtrlr", None, "RateUnit", None),
]


@pytest.mark.octt201("TC_B_53")
async def test_b53_mandatory_variables_in_full_inventory(sim201: Sim) -> None:
    mark = sim201.mark()
    await call(sim201, "GetBaseReport", {"requestId": 7, "reportBase": "FullInventory"})
    seen = set()
    for entry in _reported(report_parts(sim201, 7, mark)):
        comp, var = entry["component"], entry["variable"]  # type: ignore[index]
        evse = comp.get("evse", {}).get("id")  # type: ignore[union-attr]
        seen.add((comp["name"], evse, var["name"], var.get("instance")))  # type: ignore[index,union-attr]
        characteristics = entry["variableCharacteristics"]  # type: ignore[index]
        if characteristics["dataType"] in ("MemberList", "OptionList", "SequenceList"):  # type: ignore[index]
            assert characteristics.get("valuesList"), entry  # type: ignore[union-attr]
    missing = [item for item in REQUIRED if item not in seen]
    assert missing == []


@pytest.mark.octt201("TC_B_20")
async def test_b20_reset_on_idle_without_transaction(sim201: Sim) -> None:
    mark = sim201.mark()
    assert await call(sim201, "Reset", {"type": "OnIdle"}) == {"status": "Accepted"}
    await booted_v201(sim201, 1)
    boots = sim201.calls("BootNotification", mark)
    assert [b.payload["reason"] for b in boots] == ["RemoteReset"]
    assert statuses(sim201, mark) == [(1, "Available")]


@pytest.mark.octt201("TC_B_21")
async def test_b21_reset_on_idle_with_transaction(sim201: Sim) -> None:
    await local_session(sim201)
    mark = sim201.mark()
    assert await call(sim201, "Reset", {"type": "OnIdle"}) == {"status": "Scheduled"}
    assert sim201.calls("BootNotification", mark) == []
    await sim201.cmd("unplug")  # the transaction ends (EVDisconnected); then the reset
    await sim201.advance(1)
    await sim201.csms.wait_for_call(sim201.id, "BootNotification", after=mark)
    await booted_v201(sim201, 1)
    ended = [e for e in events(sim201, mark) if e["eventType"] == "Ended"]
    assert ended[0]["triggerReason"] == "EVCommunicationLost"
    assert ended[0]["transactionInfo"]["stoppedReason"] == "EVDisconnected"
    assert ended[0]["transactionInfo"]["chargingState"] == "Idle"
    assert sim201.calls("BootNotification", mark)[0].payload["reason"] == "ScheduledReset"


@pytest.mark.octt201("TC_B_22")
async def test_b22_reset_immediate_with_transaction(sim201: Sim) -> None:
    await local_session(sim201)
    mark = sim201.mark()
    assert await call(sim201, "Reset", {"type": "Immediate"}) == {"status": "Accepted"}
    await sim201.csms.wait_for_call(sim201.id, "BootNotification", after=mark)
    await booted_v201(sim201, 1)
    ended = events(sim201, mark)[0]
    assert ended["eventType"] == "Ended"
    assert ended["triggerReason"] == "ResetCommand"
    assert ended["transactionInfo"]["stoppedReason"] == "ImmediateReset"
    assert ended["transactionInfo"]["chargingState"] == "EVConnected"
    assert "idToken" not in ended
    assert sim201.calls("BootNotification", mark)[0].payload["reason"] == "RemoteReset"
    assert statuses(sim201, mark)[-1] == (1, "Occupied")  # the cable is still in


@pytest.mark.octt201("TC_B_23")
async def test_b23_unavailable_persists_reset(sim201: Sim) -> None:
    payload = {"operationalStatus": "Inoperative", "evse": {"id": 1}}
    assert await call(sim201, "ChangeAvailability", payload) == {"status": "Accepted"}
    mark = sim201.mark()
    assert await call(sim201, "Reset", {"type": "OnIdle"}) == {"status": "Accepted"}
    await booted_v201(sim201, 1)
    assert statuses(sim201, mark) == [(1, "Unavailable")]


async def _connected_after(sim: Sim, seconds: int) -> int | None:
    """Step simulated time up to `seconds`; the second at which the station was connected again."""
    for second in range(1, seconds + 1):
        await sim.clock.advance(1)
        await asyncio.sleep(0.01)
        if sim.csms.is_connected(sim.id) and sim.station.online:
            return second
    return None


@pytest.mark.octt201("TC_B_57")
async def test_b57_reconnect_after_connection_loss(sim201: Sim) -> None:
    comm = component("OCPPCommCtrlr")
    result = await set_variables(
        sim201,
        (comm, variable("RetryBackOffRepeatTimes"), "2", None),
        (comm, variable("RetryBackOffRandomRange"), "0", None),
        (comm, variable("RetryBackOffWaitMinimum"), "20", None),
    )
    assert [r["attributeStatus"] for r in result] == ["Accepted"] * 3
    await sim201.csms.disconnect(sim201.id)  # 1.
    assert await _connected_after(sim201, 30) == 20  # 2.-3. after RetryBackOffWaitMinimum
    sim201.csms.charger_ids = set()  # 6. the next attempt is refused
    await sim201.csms.disconnect(sim201.id)  # 4.
    await _connected_after(sim201, 20)
    sim201.csms.charger_ids = None  # 8. and the one after it accepted
    assert await _connected_after(sim201, 60) == 40  # 7. the wait doubled


# ---------------------------------------------------------------- B09 / B10: network connection profiles


def _connection(url: str, *, security: int = 0, version: str = "OCPP20") -> dict[str, object]:
    return {
        "ocppVersion": version,
        "ocppTransport": "JSON",
        "ocppCsmsUrl": url,
        "messageTimeout": 30,
        "securityProfile": security,
        "ocppInterface": "Wired0",
    }


@pytest.mark.octt201("TC_B_43")
async def test_b43_set_network_profile_rejected(sim201: Sim) -> None:
    profile = {"configurationSlot": 999, "connectionData": _connection(sim201.csms.url)}
    assert await call(sim201, "SetNetworkProfile", profile) == {"status": "Rejected"}
    other = {"configurationSlot": 2, "connectionData": _connection(sim201.csms.url, version="OCPP12")}
    assert await call(sim201, "SetNetworkProfile", other) == {"status": "Rejected"}


@pytest.mark.octt201("TC_A_22")
async def test_a22_downgrade_security_profile_rejected(sim201: Sim) -> None:
    # A profile whose certificates the station lacks is refused by NetworkConfigurationPriority (A05.FR.02/
    # 03): test_a_certificates.py plays TC_A_20 and TC_A_21.
    sim201.station.charger.config.store("SecurityProfile", "1")
    lower = {"configurationSlot": 2, "connectionData": _connection(sim201.csms.url, security=0)}
    assert await call(sim201, "SetNetworkProfile", lower) == {"status": "Rejected"}  # a downgrade


async def _migrate(sim: Sim, url: str) -> int:
    """B10 steps 1-6: the new profile in slot 2, first in the priority, then a reset."""
    profile = {"configurationSlot": 2, "connectionData": _connection(url)}
    assert await call(sim, "SetNetworkProfile", profile) == {"status": "Accepted"}
    result = await set_variables(
        sim, (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), "2,1", None)
    )
    assert result[0]["attributeStatus"] == "RebootRequired"
    mark = sim.mark()
    assert await call(sim, "Reset", {"type": "OnIdle"}) == {"status": "Accepted"}
    return mark


@pytest.mark.octt201("TC_B_45")
async def test_b45_migrate_to_new_connection_profile(sim201: Sim) -> None:
    second = CentralSystem()
    await second.start()
    try:
        await _migrate(sim201, second.url)
        await second.wait_for_call(sim201.id, "BootNotification")  # 7. Booted at the new CSMS
        await second.wait_for(lambda f: f.action == "StatusNotification" and f.direction == "in")
        assert second.calls(sim201.id, "BootNotification")[0].payload["reason"] == "RemoteReset"
        assert second.violations == []
    finally:
        await second.stop()


@pytest.mark.octt201("TC_B_46")
async def test_b46_fallback_to_the_previous_profile(sim201: Sim) -> None:
    await set_variables(
        sim201, (component("OCPPCommCtrlr"), variable("NetworkProfileConnectionAttempts"), "2", None)
    )
    nobody = CentralSystem()
    await nobody.start()
    dead_url = nobody.url
    await nobody.stop()  # 7. nothing answers at the new profile's URL
    mark = await _migrate(sim201, dead_url)
    await sim201.quiet()
    for _ in range(300):  # the two attempts at slot 2 and their back-off, then slot 1
        if sim201.csms.is_connected(sim201.id) and sim201.calls("BootNotification", mark):
            break
        await sim201.clock.advance(1)
        await asyncio.sleep(0.01)
    await sim201.csms.wait_for_call(sim201.id, "BootNotification", after=mark)  # 9. Booted, connectionData 1
    assert sim201.station.connection_attempts >= 3
