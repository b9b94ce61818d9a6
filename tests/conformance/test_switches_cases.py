"""OCTT cases that need a charge point built differently, switched with the text command `switch` (issue
17 item 7): a fixed cable (07 Unlocking TC_017_2, TC_018_2), a connector lock that fails (10-11 TC_024,
13 TC_030), a charge point without LocalAuthListManagement (18 TC_042_1, TC_043_1) or without Reservation
(21 TC_048_4). OCPP 1.6 sections 3.3, 4.9, 5.10, 5.13, 5.15, 5.18, 7.6, 7.46, 7.48; errata 3.85."""

from __future__ import annotations

import pytest

from conformance.steps import actions, ask, in_csms_time, statuses
from conftest import Sim

WITHOUT_LOCAL_LIST = "Core,FirmwareManagement,Reservation,SmartCharging,RemoteTrigger"
WITHOUT_RESERVATION = "Core,FirmwareManagement,LocalAuthListManagement,SmartCharging,RemoteTrigger"


async def _charging(sim: Sim) -> int:
    await sim.cmd("plugin")
    assert (await sim.cmd("tag T1")).startswith("Tag Accepted.")
    assert statuses(sim, 0)[-1] == "Charging"
    return int(sim.calls("StartTransaction")[-1].payload["connectorId"])


async def _profiles(sim: Sim, profiles: str) -> None:
    assert await sim.cmd(f"switch feature_profiles {profiles}") == f"Ok. feature_profiles {profiles}"
    got = await ask(sim, "GetConfiguration", {"key": ["SupportedFeatureProfiles"]})
    # 9.1.34: the key reports exactly the profiles the charge point supports.
    assert got["configurationKey"] == [
        {"key": "SupportedFeatureProfiles", "readonly": True, "value": profiles}
    ]


# ------------------------------------------------------------------ 07 Unlocking, fixed cable


@pytest.mark.octt("TC_017_2_CS")
async def test_unlock_fixed_cable_no_session(sim: Sim) -> None:
    assert await sim.cmd("switch fixed_cable on") == "Ok. fixed_cable on"
    mark = sim.mark()
    # 7.46 / errata 3.85: "Charge Point has no connector lock" -> NotSupported.
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "NotSupported"}
    assert sim.sent(mark) == []
    # Errata 3.83: with a fixed cable UnlockConnectorOnEVSideDisconnect is false and read-only.
    got = await ask(sim, "GetConfiguration", {"key": ["UnlockConnectorOnEVSideDisconnect"]})
    assert got["configurationKey"][0] | {"key": ""} == {"key": "", "readonly": True, "value": "false"}


@pytest.mark.octt("TC_018_2_CS")
async def test_unlock_fixed_cable_with_session(sim: Sim) -> None:
    assert await sim.cmd("switch fixed_cable on") == "Ok. fixed_cable on"
    await _charging(sim)
    mark = sim.mark()
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "NotSupported"}
    # No lock to release: the request does nothing, the transaction goes on (5.18: UnlockConnector
    # SHOULD NOT be used to stop a transaction).
    assert "StopTransaction" not in actions(sim, mark)
    assert sim.station.charger.view(1, sim.clock.now()).transaction_id is not None


# ------------------------------------------------------------------ 10-11 / 13: the lock fails


@pytest.mark.octt("TC_024_CS")
async def test_start_with_lock_failure(sim: Sim) -> None:
    assert await sim.cmd("switch lock_fails on") == "Ok. lock_fails on"
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd("tag T1")
    # 4.9 / 7.6: the cable cannot be locked: Faulted with ConnectorLockFailure, no transaction.
    assert "StartTransaction" not in actions(sim, mark)
    faulted = sim.calls("StatusNotification", since=mark)[-1].payload
    assert faulted["status"] == "Faulted" and faulted["errorCode"] == "ConnectorLockFailure"
    assert statuses(sim, mark) == ["Preparing", "Faulted"]


@pytest.mark.octt("TC_030_CS")
async def test_unlock_failure(sim: Sim) -> None:
    assert await sim.cmd("switch lock_fails on") == "Ok. lock_fails on"
    mark = sim.mark()
    # Errata 3.85: UnlockFailed "has tried to unlock the connector and has detected that the connector is
    # still locked or the unlock mechanism failed".
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "UnlockFailed"}
    assert sim.sent(mark) == []


async def test_unlock_failure_finishes_the_transaction_first(sim: Sim) -> None:
    await _charging(sim)
    await sim.cmd("switch lock_fails on")
    mark = sim.mark()
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "UnlockFailed"}
    # 5.18: "If there was a transaction in progress ... SHALL finish the transaction first".
    (stop,) = sim.calls("StopTransaction", since=mark)
    assert stop.payload["reason"] == "UnlockCommand"


# ------------------------------------------------------------------ 18 / 21: profiles not supported


@pytest.mark.octt("TC_042_1_CS")
async def test_get_local_list_version_not_supported(sim: Sim) -> None:
    await _profiles(sim, WITHOUT_LOCAL_LIST)
    # 5.10: "a version number of -1 SHALL be used to indicate that the Charge Point does not support
    # Local Authorization Lists".
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": -1}


@pytest.mark.octt("TC_043_1_CS")
async def test_send_local_list_not_supported(sim: Sim) -> None:
    await _profiles(sim, WITHOUT_LOCAL_LIST)
    entry = {"idTag": "LISTED", "idTagInfo": {"status": "Accepted"}}
    payload = {"listVersion": 3, "updateType": "Full", "localAuthorizationList": [entry]}
    assert await ask(sim, "SendLocalList", payload) == {"status": "NotSupported"}  # 7.48
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": -1}


@pytest.mark.octt("TC_048_4_CS")
async def test_reserve_connector_rejected(sim: Sim) -> None:
    await _profiles(sim, WITHOUT_RESERVATION)
    mark = sim.mark()
    reserve = {"connectorId": 1, "expiryDate": in_csms_time(sim, 600), "idTag": "RES1", "reservationId": 1}
    # 5.13: "If the Charge Point is configured not to accept reservations, it SHALL return Rejected."
    assert await ask(sim, "ReserveNow", reserve) == {"status": "Rejected"}
    assert sim.sent(mark) == []  # still Available
    assert (await sim.cmd("tag ANYONE")).startswith("Tag Accepted.")


async def test_an_operation_of_a_missing_profile_is_a_not_supported_call_error(sim: Sim) -> None:
    await _profiles(sim, "Core")
    result = await sim.csms.call(sim.id, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    assert getattr(result, "code", None) == "NotSupported"  # OCPP-J 4.2.3
