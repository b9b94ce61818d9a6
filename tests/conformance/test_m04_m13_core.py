"""OCTT modules 04 Cache, 05 Remote Actions, 06 Resetting, 07 Unlocking, 08 Configuration, 09 Meter
Values, 10-11 / 12 / 13 non-happy basic and remote actions (OCPP 1.6 sections 3.5.1, 3.16, 4.7, 5.3, 5.4,
5.8, 5.11, 5.12, 5.14, 5.18). Fixed cables and failing locks (TC_017_2, TC_018_2, TC_024, TC_030) are in
test_switches_cases.py."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.steps import actions, ask, set_key, statuses
from conftest import Sim


async def _cache(sim: Sim, tag: str) -> None:
    """A session with `tag` whose Authorize.conf Accepted puts it in the Authorization Cache (3.5.1)."""
    await set_key(sim, "AuthorizationCacheEnabled", "true")
    await set_key(sim, "LocalPreAuthorize", "true")
    await sim.cmd("plugin")
    await sim.cmd(f"tag {tag}")
    assert [f.payload["idTag"] for f in sim.calls("Authorize")] == [tag]
    await sim.cmd(f"tag {tag}")
    await sim.cmd("unplug")


async def _booted_again(sim: Sim, mark: int) -> None:
    await sim.csms.wait_for(
        lambda f: (
            f.direction == "in"
            and f.action == "StatusNotification"
            and f.payload["connectorId"] == 1
            and sim.csms.frames.index(f) > mark
        )
    )
    await sim.quiet()


# ------------------------------------------------------------------ 04 Cache


@pytest.mark.octt("TC_007_1_CS")
async def test_local_start_with_a_cached_id(sim: Sim) -> None:
    await _cache(sim, "CACHED")
    mark = sim.mark()
    await sim.cmd("plugin")
    assert (await sim.cmd("tag CACHED")).startswith("Tag Accepted.")
    # 9.1.13 LocalPreAuthorize: a cached Accepted idTag starts at once, no Authorize.
    assert actions(sim, mark) == [
        "StatusNotification",
        "StartTransaction",
        "StatusNotification",
        "MeterValues",
    ]
    assert sim.calls("StartTransaction", since=mark)[0].payload["idTag"] == "CACHED"


@pytest.mark.octt("TC_007_2_CS")
async def test_remote_start_with_a_cached_id(sim: Sim) -> None:
    await _cache(sim, "CACHED")
    await set_key(sim, "AuthorizeRemoteTxRequests", "true")
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "CACHED", "connectorId": 1}) == {
        "status": "Accepted"
    }
    # 5.11: a remote start is authorized like a local one: the cache answers, no Authorize.
    assert "Authorize" not in actions(sim, mark)
    assert sim.calls("StartTransaction", since=mark)[0].payload["idTag"] == "CACHED"
    assert statuses(sim, mark) == ["Charging"]


@pytest.mark.octt("TC_061_1_CS")
async def test_clear_cache_then_local_start_asks_again(sim: Sim) -> None:
    await _cache(sim, "CACHED")
    assert await ask(sim, "ClearCache", {}) == {"status": "Accepted"}
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd("tag CACHED")
    # 5.4: the cache is empty: the idTag is authorized by the central system again.
    assert actions(sim, mark)[:3] == ["StatusNotification", "Authorize", "StartTransaction"]


@pytest.mark.octt("TC_061_2_CS")
async def test_clear_cache_then_remote_start_asks_again(sim: Sim) -> None:
    await _cache(sim, "CACHED")
    await set_key(sim, "AuthorizeRemoteTxRequests", "true")
    assert await ask(sim, "ClearCache", {}) == {"status": "Accepted"}
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "CACHED", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert actions(sim, mark)[:2] == ["Authorize", "StartTransaction"]


# ------------------------------------------------------------------ 05 Remote Actions


@pytest.mark.octt("TC_010_CS")
async def test_remote_start_cable_first(sim: Sim) -> None:
    await set_key(sim, "AuthorizeRemoteTxRequests", "false")
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE", "connectorId": 1}) == {
        "status": "Accepted"
    }
    # 9.1.3 false: no Authorize before StartTransaction.
    assert sim.sent(mark) == [
        ("StartTransaction", None),
        ("StatusNotification", (1, "Charging")),
        ("MeterValues", "Transaction.Begin"),
    ]
    start = sim.calls("StartTransaction")[0].payload
    assert start["idTag"] == "REMOTE" and start["connectorId"] == 1


@pytest.mark.octt("TC_011_1_CS")
async def test_remote_start_first(sim: Sim) -> None:
    await set_key(sim, "AuthorizeRemoteTxRequests", "false")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert sim.sent(mark) == [("StatusNotification", (1, "Preparing"))]  # 4.9 A2
    mark = sim.mark()
    await sim.cmd("plugin")
    assert sim.sent(mark) == [
        ("StartTransaction", None),
        ("StatusNotification", (1, "Charging")),
        ("MeterValues", "Transaction.Begin"),
    ]


@pytest.mark.octt("TC_011_2_CS")
async def test_remote_start_times_out(sim: Sim) -> None:
    await set_key(sim, "ConnectionTimeOut", "30")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE", "connectorId": 1}) == {
        "status": "Accepted"
    }
    await sim.advance(29)
    assert statuses(sim, mark) == ["Preparing"]
    await sim.advance(2)
    # 9.1.6: no cable within ConnectionTimeOut: back to Available, no transaction.
    assert statuses(sim, mark) == ["Preparing", "Available"]
    assert sim.calls("StartTransaction") == []


@pytest.mark.octt("TC_012_CS")
async def test_remote_stop(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    assert await ask(sim, "RemoteStopTransaction", {"transactionId": 1}) == {"status": "Accepted"}
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["transactionId"] == 1 and stop["reason"] == "Remote"  # 5.12, 7.36
    assert statuses(sim, mark) == ["Finishing"]
    mark = sim.mark()
    await sim.cmd("unplug")
    assert statuses(sim, mark) == ["Available"]


# ------------------------------------------------------------------ 06 Resetting


async def _reset(sim: Sim, kind: str) -> int:
    mark = sim.mark()
    assert await ask(sim, "Reset", {"type": kind}) == {"status": "Accepted"}
    await _booted_again(sim, mark)
    frames = [f for f in sim.csms.frames[mark:] if f.charger_id == sim.id]
    answered = next(i for i, f in enumerate(frames) if f.kind == 3 and f.direction == "in")
    booted = next(i for i, f in enumerate(frames) if f.action == "BootNotification")
    assert answered < booted  # 5.14: Reset.conf first, then the reboot
    return mark


@pytest.mark.octt("TC_013_CS")
async def test_hard_reset_without_transaction(sim: Sim) -> None:
    mark = await _reset(sim, "Hard")
    assert sim.sent(mark) == [
        ("BootNotification", None),
        ("SecurityEventNotification", None),  # ResetOrReboot (Security Whitepaper section 8)
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
    ]
    assert sim.calls("SecurityEventNotification", mark)[0].payload["type"] == "ResetOrReboot"


@pytest.mark.octt("TC_014_CS")
async def test_soft_reset_without_transaction(sim: Sim) -> None:
    mark = await _reset(sim, "Soft")
    assert sim.sent(mark) == [
        ("BootNotification", None),
        ("SecurityEventNotification", None),  # ResetOrReboot (Security Whitepaper section 8)
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
    ]
    assert sim.calls("SecurityEventNotification", mark)[0].payload["type"] == "ResetOrReboot"


@pytest.mark.octt("TC_015_CS")
async def test_hard_reset_with_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = await _reset(sim, "Hard")
    # 5.14: a hard reset need not stop gracefully; the StopTransaction (HardReset) comes after the boot.
    stops = sim.calls("StopTransaction", since=mark)
    assert len(stops) == 1
    assert stops[0].payload["reason"] == "HardReset" and stops[0].payload["transactionId"] == 1
    assert "StartTransaction" not in actions(sim, mark)


@pytest.mark.octt("TC_016_CS")
async def test_soft_reset_with_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = await _reset(sim, "Soft")
    done = actions(sim, mark)
    # 5.14: a soft reset stops the transaction gracefully (SoftReset) before rebooting.
    assert done.index("StopTransaction") < done.index("BootNotification")
    assert sim.calls("StopTransaction", since=mark)[0].payload["reason"] == "SoftReset"
    assert "StartTransaction" not in done


# ------------------------------------------------------------------ 07 Unlocking


@pytest.mark.octt("TC_017_1_CS")
async def test_unlock_without_session(sim: Sim) -> None:
    mark = sim.mark()
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    assert sim.sent(mark) == []  # nothing to stop, nothing changes


@pytest.mark.octt("TC_018_1_CS")
async def test_unlock_with_session(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    # 5.18: a transaction on the connector is stopped first (4.10, reason UnlockCommand).
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["reason"] == "UnlockCommand" and stop["transactionId"] == 1
    assert "Finishing" in statuses(sim, mark)


# ------------------------------------------------------------------ 08 Configuration


def _keys(conf: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k["key"]: k for k in conf["configurationKey"]}


@pytest.mark.octt("TC_019_CS")
async def test_retrieve_configuration(sim: Sim) -> None:
    every = _keys(await ask(sim, "GetConfiguration", {}))
    # 9.1: the Core profile's required keys are all reported.
    for key in (
        "AuthorizeRemoteTxRequests",
        "ClockAlignedDataInterval",
        "ConnectionTimeOut",
        "GetConfigurationMaxKeys",
        "HeartbeatInterval",
        "LocalAuthorizeOffline",
        "LocalPreAuthorize",
        "MeterValuesAlignedData",
        "MeterValuesSampledData",
        "MeterValueSampleInterval",
        "NumberOfConnectors",
        "ResetRetries",
        "ConnectorPhaseRotation",
        "StopTransactionOnEVSideDisconnect",
        "StopTransactionOnInvalidId",
        "StopTxnAlignedData",
        "StopTxnSampledData",
        "SupportedFeatureProfiles",
        "TransactionMessageAttempts",
        "TransactionMessageRetryInterval",
        "UnlockConnectorOnEVSideDisconnect",
    ):
        assert key in every, key
    assert every["NumberOfConnectors"] == {"key": "NumberOfConnectors", "readonly": True, "value": "1"}
    some = await ask(sim, "GetConfiguration", {"key": ["HeartbeatInterval", "NoSuchKey"]})
    assert [k["key"] for k in some["configurationKey"]] == ["HeartbeatInterval"]
    assert some["unknownKey"] == ["NoSuchKey"]  # 5.8


@pytest.mark.octt("TC_021_CS")
async def test_change_configuration(sim: Sim) -> None:
    assert await ask(sim, "ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "25"}) == {
        "status": "Accepted"
    }
    got = await ask(sim, "GetConfiguration", {"key": ["MeterValueSampleInterval"]})
    assert got["configurationKey"] == [{"key": "MeterValueSampleInterval", "readonly": False, "value": "25"}]
    # ... and it is acted on: the next transaction samples every 25 s.
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    await sim.advance(100)
    assert len(sim.calls("MeterValues", since=mark)) == 4


# ------------------------------------------------------------------ 09 Meter Values


@pytest.mark.octt("TC_070_CS")
async def test_sampled_meter_values(sim: Sim) -> None:
    await set_key(sim, "MeterValueSampleInterval", "10")
    await set_key(sim, "MeterValuesSampledData", "Energy.Active.Import.Register,Current.Import")
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    await sim.advance(30)
    periodic = sim.calls("MeterValues", since=mark)
    assert len(periodic) == 3
    for frame in periodic:
        assert frame.payload["connectorId"] == 1 and frame.payload["transactionId"] == 1
        sampled = frame.payload["meterValue"][0]["sampledValue"]
        assert {sv.get("context") for sv in sampled} == {"Sample.Periodic"}  # 7.35
        assert {sv.get("measurand", "Energy.Active.Import.Register") for sv in sampled} == {
            "Energy.Active.Import.Register",
            "Current.Import",
        }


@pytest.mark.octt("TC_071_CS")
async def test_clock_aligned_meter_values(sim: Sim) -> None:
    await set_key(sim, "MeterValueSampleInterval", "0")
    await set_key(sim, "MeterValuesAlignedData", "Energy.Active.Import.Register")
    await set_key(sim, "ClockAlignedDataInterval", "300")
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    await sim.advance(600)
    aligned = sim.calls("MeterValues", since=mark)
    assert len(aligned) == 2
    for frame in aligned:
        value = frame.payload["meterValue"][0]
        assert {sv.get("context") for sv in value["sampledValue"]} == {"Sample.Clock"}
        # 3.16.2: at whole multiples of the interval after midnight.
        minutes, seconds = value["timestamp"][14:16], value["timestamp"][17:19]
        assert int(minutes) % 5 == 0 and seconds == "00", value["timestamp"]


# ------------------------------------------------------------------ 10-11, 12, 13 non-happy


@pytest.mark.octt("TC_023_4_CS")
async def test_local_start_authorize_invalid(sim: Sim) -> None:
    sim.csms.tags = {"good"}
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await sim.cmd("tag BAD") == "Tag not accepted. Error: Invalid"
    assert actions(sim, mark) == ["Authorize"]  # 4.1: no StartTransaction for an Invalid idTag
    assert sim.calls("StartTransaction") == []


@pytest.mark.octt("TC_023_5_CS")
async def test_remote_start_authorize_invalid(sim: Sim) -> None:
    sim.csms.tags = {"good"}
    await set_key(sim, "AuthorizeRemoteTxRequests", "true")
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "BAD", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert actions(sim, mark) == ["Authorize"]
    assert sim.calls("StartTransaction") == []


@pytest.mark.octt("TC_026_CS")
async def test_remote_start_rejected(sim: Sim) -> None:
    assert await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}) == {
        "status": "Accepted"
    }
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE", "connectorId": 1}) == {
        "status": "Rejected"
    }
    assert sim.sent(mark) == []


@pytest.mark.octt("TC_027_CS")
async def test_remote_start_on_connector_zero(sim: Sim) -> None:
    mark = sim.mark()
    # 5.11: connectorId SHALL be > 0.
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE", "connectorId": 0}) == {
        "status": "Rejected"
    }
    assert sim.sent(mark) == []


@pytest.mark.octt("TC_028_CS")
async def test_remote_stop_rejected(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    assert await ask(sim, "RemoteStopTransaction", {"transactionId": 42}) == {"status": "Rejected"}
    assert sim.sent(mark) == []
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 1")


@pytest.mark.octt("TC_031_CS")
async def test_unlock_unknown_connector(sim: Sim) -> None:
    mark = sim.mark()
    # 5.18 / 7.46: a connector the charger does not have cannot be unlocked: NotSupported.
    assert await ask(sim, "UnlockConnector", {"connectorId": 2}) == {"status": "NotSupported"}
    assert sim.sent(mark) == []
