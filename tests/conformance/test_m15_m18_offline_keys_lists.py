"""OCTT modules 15 Offline Behavior, 16 Configuration Keys, 17 Fault Behavior, 18 Local Authorization List
(OCPP 1.6 sections 3.5, 3.7, 4.8, 4.9, 4.10, 5.3, 5.10, 5.15; keys 9.1.1, 9.1.12, 9.1.24). Charge points
without the LocalAuthListManagement profile (TC_042_1, TC_043_1) wait for switchable profiles (issue 17
item 7)."""

from __future__ import annotations

import asyncio

import pytest

from conformance.steps import actions, ask, come_back, go_offline, set_key, statuses
from conftest import Sim


async def offline_advance(sim: Sim, seconds: float) -> None:
    """Simulated time while offline (the charger is never quiet then: its queue waits for the link)."""
    await sim.clock.advance(seconds)
    await asyncio.sleep(0.05)


def queued(sim: Sim) -> list[str]:
    return [r.ACTION for r in sim.station.outbox.pending]


# ------------------------------------------------------------------ 15 Offline Behavior


@pytest.mark.octt("TC_036_CS")
async def test_connection_loss_during_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    await go_offline(sim)
    await offline_advance(sim, 130)
    # 3.7: transaction-related messages are kept while offline ...
    assert queued(sim) == ["MeterValues", "MeterValues"]
    mark = sim.mark()
    await come_back(sim)
    # ... and delivered in order once the link is back, for the same transaction.
    periodic = sim.calls("MeterValues", since=mark)
    assert len(periodic) >= 2 and all(f.payload["transactionId"] == 1 for f in periodic)
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 1")


@pytest.mark.octt("TC_037_1_CS")
async def test_offline_start_with_a_valid_id(sim: Sim) -> None:
    await set_key(sim, "LocalAuthorizeOffline", "true")
    await sim.cmd("plugin")
    await sim.cmd("tag KNOWN")  # Accepted by the central system: now in the cache (3.5.1)
    await sim.cmd("tag KNOWN")
    await sim.cmd("unplug")
    await go_offline(sim)
    await sim.conn.command("plugin")
    assert (await sim.conn.command("tag KNOWN")).startswith("Tag Accepted.")
    assert queued(sim)[0] == "StartTransaction"
    mark = sim.mark()
    await come_back(sim)
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "KNOWN"
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 2")


async def _offline_unknown_start(sim: Sim, stop_on_invalid: str) -> int:
    sim.csms.tags = {"known"}  # the central system will call UNKNOWN Invalid
    await set_key(sim, "AllowOfflineTxForUnknownId", "true")
    await set_key(sim, "StopTransactionOnInvalidId", stop_on_invalid)
    await sim.cmd("plugin")
    await go_offline(sim)
    assert (await sim.conn.command("tag UNKNOWN")).startswith("Tag Accepted.")  # 3.5.4
    await offline_advance(sim, 30)
    mark = sim.mark()
    await come_back(sim)
    answered = next(
        f
        for f in sim.csms.frames[mark:]
        if f.direction == "out" and f.unique_id == sim.calls("StartTransaction", since=mark)[0].unique_id
    )
    assert answered.payload["idTagInfo"]["status"] == "Invalid"
    return mark


@pytest.mark.octt("TC_037_2_CS")
async def test_offline_start_invalid_id_keeps_the_transaction(sim: Sim) -> None:
    mark = await _offline_unknown_start(sim, "false")
    # 4.8 / 9.1.24 false: the transaction is not stopped, the energy transfer is (SuspendedEVSE).
    assert sim.calls("StopTransaction", since=mark) == []
    assert statuses(sim, mark)[-1] == "SuspendedEVSE"
    mark = sim.mark()
    await sim.cmd("unplug")
    assert sim.calls("StopTransaction", since=mark)[0].payload["reason"] == "EVDisconnected"


@pytest.mark.octt("TC_037_3_CS")
async def test_offline_start_invalid_id_stops_the_transaction(sim: Sim) -> None:
    mark = await _offline_unknown_start(sim, "true")
    # 4.8 / 9.1.24 true: the transaction is stopped with reason DeAuthorized.
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["reason"] == "DeAuthorized"
    assert "Finishing" in statuses(sim, mark)


@pytest.mark.octt("TC_038_CS")
async def test_offline_stop(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag T038")
    await go_offline(sim)
    await offline_advance(sim, 10)
    assert await sim.conn.command("tag T038") == "Ok, stopping transaction. Reason local"
    assert queued(sim)[-1] == "StopTransaction"
    mark = sim.mark()
    await come_back(sim)
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["transactionId"] == 1 and stop["idTag"] == "T038"


@pytest.mark.octt("TC_039_CS")
async def test_offline_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag T039")
    await sim.cmd("tag T039")
    await sim.cmd("unplug")
    await go_offline(sim)
    await sim.conn.command("plugin")
    assert (await sim.conn.command("tag T039")).startswith("Tag Accepted.")  # from the cache
    await offline_advance(sim, 70)
    assert await sim.conn.command("tag T039") == "Ok, stopping transaction. Reason local"
    assert queued(sim)[0] == "StartTransaction" and queued(sim)[-1] == "StopTransaction"
    mark = sim.mark()
    await come_back(sim)
    tx = [a for a in actions(sim, mark) if a in ("StartTransaction", "StopTransaction")]
    assert tx == ["StartTransaction", "StopTransaction"]
    start_call = sim.calls("StartTransaction", since=mark)[0]
    real_id = next(
        f for f in sim.csms.frames if f.direction == "out" and f.unique_id == start_call.unique_id
    ).payload["transactionId"]
    assert sim.calls("StopTransaction", since=mark)[0].payload["transactionId"] == real_id


# ------------------------------------------------------------------ 16 Configuration Keys


@pytest.mark.octt("TC_040_1_CS")
async def test_unknown_configuration_key(sim: Sim) -> None:
    assert await ask(sim, "ChangeConfiguration", {"key": "NoSuchKey", "value": "1"}) == {
        "status": "NotSupported"
    }  # 5.3, 7.22


@pytest.mark.octt("TC_040_2_CS")
async def test_invalid_configuration_value(sim: Sim) -> None:
    for value in ("abc", "-5", ""):
        assert await ask(sim, "ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": value}) == {
            "status": "Rejected"
        }, value
    got = await ask(sim, "GetConfiguration", {"key": ["MeterValueSampleInterval"]})
    assert got["configurationKey"][0]["value"] == "60"  # unchanged


# ------------------------------------------------------------------ 17 Fault Behavior


@pytest.mark.octt("TC_041_CS")
async def test_fault_behavior(sim: Sim) -> None:
    mark = sim.mark()
    assert await sim.cmd("fault GroundFailure") == "Ok. Status Faulted"
    report = sim.calls("StatusNotification", since=mark)
    assert [(f.payload["status"], f.payload["errorCode"]) for f in report] == [("Faulted", "GroundFailure")]
    # A Faulted connector starts nothing.
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "X", "connectorId": 1}) == {
        "status": "Rejected"
    }
    mark = sim.mark()
    await sim.cmd("nofault")
    report = sim.calls("StatusNotification", since=mark)
    assert [(f.payload["status"], f.payload["errorCode"]) for f in report] == [("Available", "NoError")]


# ------------------------------------------------------------------ 18 Local Authorization List


def _full(version: int, *tags: str) -> dict[str, object]:
    return {
        "listVersion": version,
        "updateType": "Full",
        "localAuthorizationList": [{"idTag": t, "idTagInfo": {"status": "Accepted"}} for t in tags],
    }


@pytest.mark.octt("TC_008_1_CS")
async def test_local_start_with_a_listed_id(sim: Sim) -> None:
    await set_key(sim, "LocalPreAuthorize", "true")
    assert await ask(sim, "SendLocalList", _full(1, "LISTED")) == {"status": "Accepted"}
    await sim.cmd("plugin")
    mark = sim.mark()
    assert (await sim.cmd("tag LISTED")).startswith("Tag Accepted.")
    assert "Authorize" not in actions(sim, mark)  # 3.5.2 + 9.1.13
    assert sim.calls("StartTransaction")[0].payload["idTag"] == "LISTED"


@pytest.mark.octt("TC_008_2_CS")
async def test_remote_start_with_a_listed_id(sim: Sim) -> None:
    await set_key(sim, "LocalPreAuthorize", "true")
    await set_key(sim, "AuthorizeRemoteTxRequests", "true")
    assert await ask(sim, "SendLocalList", _full(1, "LISTED")) == {"status": "Accepted"}
    await sim.cmd("plugin")
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "LISTED", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert "Authorize" not in actions(sim, mark)  # 5.11: authorized like a local action
    assert sim.calls("StartTransaction")[0].payload["idTag"] == "LISTED"


@pytest.mark.octt("TC_042_2_CS")
async def test_get_local_list_version_empty(sim: Sim) -> None:
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 0}  # 5.10: no list yet
    assert await ask(sim, "SendLocalList", _full(3)) == {"status": "Accepted"}
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 0}  # an empty list is version 0


@pytest.mark.octt("TC_043_CS")
async def test_send_local_list(sim: Sim) -> None:
    assert await ask(sim, "SendLocalList", _full(5, "A", "B")) == {"status": "Accepted"}
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 5}
    diff = {
        "listVersion": 6,
        "updateType": "Differential",
        "localAuthorizationList": [{"idTag": "C", "idTagInfo": {"status": "Blocked"}}, {"idTag": "A"}],
    }
    assert await ask(sim, "SendLocalList", diff) == {"status": "Accepted"}
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 6}
    # The list as updated decides offline (3.5.2, 9.1.12): C blocked, A removed (unknown), B valid.
    await set_key(sim, "LocalAuthorizeOffline", "true")
    await sim.cmd("plugin")
    await go_offline(sim)
    assert await sim.conn.command("tag C") == "Tag not accepted. Error: Blocked"
    assert await sim.conn.command("tag A") == "Tag not accepted. Error: Invalid"
    assert (await sim.conn.command("tag B")).startswith("Tag Accepted.")
    assert sim.calls("Authorize") == []


@pytest.mark.octt("TC_043_2_CS")
async def test_send_local_list_version_mismatch(sim: Sim) -> None:
    assert await ask(sim, "SendLocalList", _full(5, "A")) == {"status": "Accepted"}
    stale = {"listVersion": 5, "updateType": "Differential", "localAuthorizationList": []}
    assert await ask(sim, "SendLocalList", stale) == {"status": "VersionMismatch"}
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 5}


@pytest.mark.octt("TC_043_3_CS")
async def test_send_local_list_failed(sim: Sim) -> None:
    assert await ask(sim, "SendLocalList", _full(5, "A")) == {"status": "Accepted"}
    got = await ask(sim, "GetConfiguration", {"key": ["SendLocalListMaxLength"]})
    limit = int(got["configurationKey"][0]["value"])
    # More entries than SendLocalListMaxLength (9.2.3) cannot be taken: Failed, the list unchanged.
    too_many = _full(6, *(f"T{i}" for i in range(limit + 1)))
    assert await ask(sim, "SendLocalList", too_many) == {"status": "Failed"}
    assert await ask(sim, "GetLocalListVersion", {}) == {"listVersion": 5}
