"""OCTT modules 21 Reservation, 22 Remote Trigger, 23 Smart Charging, 24 Data Transfer (OCPP 1.6 sections
3.10, 3.11, 3.12, 3.13, 5.1, 5.5, 5.6, 5.7, 5.11, 5.13, 5.16, 5.17). A charge point configured not to
accept reservations (TC_048_4) is in test_switches_cases.py."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.steps import actions, ask, in_csms_time, set_key, statuses
from conftest import Sim, SimFactory


def reserve(sim: Sim, connector: int, rid: int = 1, tag: str = "RES1", **extra: Any) -> dict[str, Any]:
    return {
        "connectorId": connector,
        "expiryDate": in_csms_time(sim, 600),
        "idTag": tag,
        "reservationId": rid,
        **extra,
    }


def zero_supported(sim: Sim) -> None:
    """A charge point built to take reservations on connector 0: ReserveConnectorZeroSupported is a
    read-only key (9.3.1), set by the device's configuration, as the INI would."""
    sim.station.charger.config.load("ReserveConnectorZeroSupported", "true")


# ------------------------------------------------------------------ 21 Reservation


@pytest.mark.octt("TC_046_1_CS")
async def test_reserved_connector_local_start(sim: Sim) -> None:
    mark = sim.mark()
    assert await ask(sim, "ReserveNow", reserve(sim, 1, 7)) == {"status": "Accepted"}
    assert statuses(sim, mark) == ["Reserved"]
    assert await sim.cmd("tag OTHER") == "Tag not accepted. Error: Reserved"
    mark = sim.mark()
    assert (await sim.cmd("tag RES1")).startswith("Tag Accepted.")
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "RES1" and start["reservationId"] == 7  # 4.8
    assert statuses(sim, mark)[-1] == "Charging"


@pytest.mark.octt("TC_046_2_CS")
async def test_reserved_connector_remote_start(sim: Sim) -> None:
    assert await ask(sim, "ReserveNow", reserve(sim, 1, 8)) == {"status": "Accepted"}
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "RES1", "connectorId": 1}) == {
        "status": "Accepted"
    }
    await sim.cmd("plugin")
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "RES1" and start["reservationId"] == 8


@pytest.mark.octt("TC_047_CS")
async def test_reservation_expires(sim: Sim) -> None:
    payload = reserve(sim, 1) | {"expiryDate": in_csms_time(sim, 120)}
    assert await ask(sim, "ReserveNow", payload) == {"status": "Accepted"}
    mark = sim.mark()
    await sim.advance(119)
    assert statuses(sim, mark) == []
    await sim.advance(2)
    assert statuses(sim, mark) == ["Available"]  # 5.13: the reservation ends at expiryDate
    await sim.cmd("plugin")
    assert (await sim.cmd("tag OTHER")).startswith("Tag Accepted.")
    assert "reservationId" not in sim.calls("StartTransaction")[0].payload


@pytest.mark.octt("TC_048_1_CS")
async def test_reserve_faulted_connector(sim: Sim) -> None:
    await sim.cmd("fault GroundFailure")
    assert await ask(sim, "ReserveNow", reserve(sim, 1)) == {"status": "Faulted"}


@pytest.mark.octt("TC_048_2_CS")
async def test_reserve_occupied_connector(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await ask(sim, "ReserveNow", reserve(sim, 1)) == {"status": "Occupied"}


@pytest.mark.octt("TC_048_3_CS")
async def test_reserve_unavailable_connector(sim: Sim) -> None:
    await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"})
    assert await ask(sim, "ReserveNow", reserve(sim, 1)) == {"status": "Unavailable"}


@pytest.mark.octt("TC_049_CS")
async def test_reserve_charge_point_then_transaction(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(number_of_connectors=2)
    zero_supported(sim)
    assert await ask(sim, "ReserveNow", reserve(sim, 0, 11)) == {"status": "Accepted"}
    await sim.cmd("connector 1")
    await sim.cmd("plugin")
    mark = sim.mark()
    assert (await sim.cmd("tag RES1")).startswith("Tag Accepted.")
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["reservationId"] == 11 and start["connectorId"] == 1
    assert await ask(sim, "CancelReservation", {"reservationId": 11}) == {"status": "Rejected"}  # used


async def _two_connectors_zero(sim_factory: SimFactory) -> Sim:
    sim: Sim = await sim_factory(number_of_connectors=2)
    zero_supported(sim)
    return sim


@pytest.mark.octt("TC_050_1_CS")
async def test_reserve_faulted_charge_point(sim_factory: SimFactory) -> None:
    sim = await _two_connectors_zero(sim_factory)
    for c in (1, 2):
        await sim.cmd(f"connector {c}")
        await sim.cmd("fault GroundFailure")
    assert await ask(sim, "ReserveNow", reserve(sim, 0)) == {"status": "Faulted"}


@pytest.mark.octt("TC_050_2_CS")
async def test_reserve_occupied_charge_point(sim_factory: SimFactory) -> None:
    sim = await _two_connectors_zero(sim_factory)
    for c in (1, 2):
        await sim.cmd(f"connector {c}")
        await sim.cmd("plugin")
        await sim.cmd(f"tag T{c}")
    assert await ask(sim, "ReserveNow", reserve(sim, 0)) == {"status": "Occupied"}


@pytest.mark.octt("TC_050_3_CS")
async def test_reserve_unavailable_charge_point(sim_factory: SimFactory) -> None:
    sim = await _two_connectors_zero(sim_factory)
    await ask(sim, "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"})
    assert await ask(sim, "ReserveNow", reserve(sim, 0)) == {"status": "Unavailable"}


@pytest.mark.octt("TC_050_4_CS")
async def test_reserve_charge_point_not_supported(sim: Sim) -> None:
    got = await ask(sim, "GetConfiguration", {"key": ["ReserveConnectorZeroSupported"]})
    assert got["configurationKey"][0]["value"] == "false"
    mark = sim.mark()
    assert await ask(sim, "ReserveNow", reserve(sim, 0)) == {"status": "Rejected"}  # 9.3.1
    assert sim.sent(mark) == []


@pytest.mark.octt("TC_051_CS")
async def test_cancel_reservation(sim: Sim) -> None:
    assert await ask(sim, "ReserveNow", reserve(sim, 1, 3)) == {"status": "Accepted"}
    mark = sim.mark()
    assert await ask(sim, "CancelReservation", {"reservationId": 3}) == {"status": "Accepted"}
    assert statuses(sim, mark) == ["Available"]
    await sim.cmd("plugin")
    assert (await sim.cmd("tag OTHER")).startswith("Tag Accepted.")


@pytest.mark.octt("TC_052_CS")
async def test_cancel_unknown_reservation(sim: Sim) -> None:
    mark = sim.mark()
    assert await ask(sim, "CancelReservation", {"reservationId": 99}) == {"status": "Rejected"}
    assert sim.sent(mark) == []


def _parent_responder(sim: Sim) -> None:
    """The central system gives CHILD the parent idTag PARENT (3.10)."""

    def authorize(cid: str, payload: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"status": "Accepted"}
        if payload["idTag"] == "CHILD":
            info["parentIdTag"] = "PARENT"
        return {"idTagInfo": info}

    sim.csms.responders["Authorize"] = authorize


@pytest.mark.octt("TC_053_1_CS")
async def test_reserved_connector_parent_id_local(sim: Sim) -> None:
    _parent_responder(sim)
    assert await ask(sim, "ReserveNow", reserve(sim, 1, 4, parentIdTag="PARENT")) == {"status": "Accepted"}
    mark = sim.mark()
    assert (await sim.cmd("tag CHILD")).startswith("Tag Accepted. Parent: PARENT")
    assert actions(sim, mark)[:1] == ["Authorize"]  # 5.13: the parent is learnt by Authorize
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "CHILD" and start["reservationId"] == 4


@pytest.mark.octt("TC_053_2_CS")
async def test_reserved_connector_parent_id_remote(sim: Sim) -> None:
    _parent_responder(sim)
    await set_key(sim, "AuthorizeRemoteTxRequests", "true")
    assert await ask(sim, "ReserveNow", reserve(sim, 1, 4, parentIdTag="PARENT")) == {"status": "Accepted"}
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "CHILD", "connectorId": 1}) == {
        "status": "Accepted"
    }
    await sim.cmd("plugin")
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "CHILD" and start["reservationId"] == 4


# ------------------------------------------------------------------ 22 Remote Trigger


@pytest.mark.octt("TC_054_CS")
async def test_trigger_message(sim: Sim) -> None:
    for requested, connector, expected in (
        ("Heartbeat", None, [("Heartbeat", None)]),
        (
            "StatusNotification",
            None,
            [("StatusNotification", (0, "Available")), ("StatusNotification", (1, "Available"))],
        ),
        ("StatusNotification", 1, [("StatusNotification", (1, "Available"))]),
        ("MeterValues", 1, [("MeterValues", "Trigger")]),
    ):
        payload: dict[str, Any] = {"requestedMessage": requested}
        if connector is not None:
            payload["connectorId"] = connector
        mark = sim.mark()
        assert await ask(sim, "TriggerMessage", payload) == {"status": "Accepted"}, requested
        assert sim.sent(mark) == expected, requested  # 5.17: the requested message, once
    # BootNotification is left out: once Accepted, errata 3.28 lets the charge point refuse it (5.17).


@pytest.mark.octt("TC_055_CS")
async def test_trigger_message_rejected(sim: Sim) -> None:
    mark = sim.mark()
    # 5.17 / 7.44: a connectorId the charger does not have cannot be triggered.
    payload = {"requestedMessage": "MeterValues", "connectorId": 5}
    assert await ask(sim, "TriggerMessage", payload) == {"status": "Rejected"}
    assert sim.sent(mark) == []


# ------------------------------------------------------------------ 23 Smart Charging


def profile(pid: int, purpose: str, limit: float, *, level: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "chargingProfileId": pid,
        "stackLevel": level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative" if purpose != "TxDefaultProfile" else "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
            **({"startSchedule": "2020-01-01T00:00:00Z"} if purpose == "TxDefaultProfile" else {}),
        },
        **extra,
    }


async def offer(sim: Sim) -> str:
    return (await sim.cmd("status")).split("offer: ")[1].split(",")[0]


@pytest.mark.octt("TC_056_CS")
async def test_tx_default_profile(sim: Sim) -> None:
    request = {"connectorId": 0, "csChargingProfiles": profile(1, "TxDefaultProfile", 10)}
    assert await ask(sim, "SetChargingProfile", request) == {"status": "Accepted"}
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await offer(sim) == "10.0 A"  # 3.13.1: the default for every new transaction


@pytest.mark.octt("TC_057_CS")
async def test_tx_profile(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    tx = profile(2, "TxProfile", 8, transactionId=1)
    assert await ask(sim, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": tx}) == {
        "status": "Accepted"
    }
    assert await offer(sim) == "8.0 A"


@pytest.mark.octt("TC_058_1_CS")
async def test_tx_profile_without_transaction(sim: Sim) -> None:
    tx = profile(2, "TxProfile", 8)
    # 5.16: a TxProfile needs a transaction on the connector.
    assert await ask(sim, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": tx}) == {
        "status": "Rejected"
    }


@pytest.mark.octt("TC_058_2_CS")
async def test_tx_profile_wrong_transaction_id(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    tx = profile(2, "TxProfile", 8, transactionId=999)
    assert await ask(sim, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": tx}) == {
        "status": "Rejected"
    }
    assert await offer(sim) == "32.0 A"


@pytest.mark.octt("TC_059_CS")
async def test_remote_start_with_profile(sim: Sim) -> None:
    await sim.cmd("plugin")
    request = {"idTag": "REMOTE", "connectorId": 1, "chargingProfile": profile(3, "TxProfile", 12)}
    assert await ask(sim, "RemoteStartTransaction", request) == {"status": "Accepted"}
    assert sim.calls("StartTransaction")
    assert await offer(sim) == "12.0 A"  # 5.16.2


@pytest.mark.octt("TC_060_CS")
async def test_remote_start_with_wrong_profile_purpose(sim: Sim) -> None:
    await sim.cmd("plugin")
    request = {"idTag": "REMOTE", "connectorId": 1, "chargingProfile": profile(3, "TxDefaultProfile", 12)}
    # 5.16.2: the profile of a RemoteStartTransaction SHALL be a TxProfile.
    assert await ask(sim, "RemoteStartTransaction", request) == {"status": "Rejected"}
    assert sim.calls("StartTransaction") == []


@pytest.mark.octt("TC_066_CS")
async def test_get_composite_schedule(sim: Sim) -> None:
    request = {"connectorId": 0, "csChargingProfiles": profile(1, "TxDefaultProfile", 10)}
    assert await ask(sim, "SetChargingProfile", request) == {"status": "Accepted"}
    await sim.cmd("plugin")
    await sim.cmd("tag")
    got = await ask(sim, "GetCompositeSchedule", {"connectorId": 1, "duration": 600, "chargingRateUnit": "A"})
    assert got["status"] == "Accepted" and got["connectorId"] == 1
    periods = got["chargingSchedule"]["chargingSchedulePeriod"]
    assert periods[0]["startPeriod"] == 0 and periods[0]["limit"] == 10.0


@pytest.mark.octt("TC_067_CS")
async def test_clear_charging_profile(sim: Sim) -> None:
    request = {"connectorId": 0, "csChargingProfiles": profile(1, "TxDefaultProfile", 10)}
    assert await ask(sim, "SetChargingProfile", request) == {"status": "Accepted"}
    assert await ask(sim, "ClearChargingProfile", {"id": 1}) == {"status": "Accepted"}
    assert await ask(sim, "ClearChargingProfile", {"id": 1}) == {"status": "Unknown"}  # 7.21
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await offer(sim) == "32.0 A"


@pytest.mark.octt("TC_072_CS")
async def test_stacking_profiles(sim: Sim) -> None:
    low = profile(1, "TxDefaultProfile", 10, level=1)
    high = profile(2, "TxDefaultProfile", 6, level=2)
    for p in (low, high):
        assert await ask(sim, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": p}) == {
            "status": "Accepted"
        }
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await offer(sim) == "6.0 A"  # 3.13.2: the highest stackLevel wins
    assert await ask(sim, "ClearChargingProfile", {"id": 2}) == {"status": "Accepted"}
    assert await offer(sim) == "10.0 A"


@pytest.mark.octt("TC_082_CS")
async def test_tx_default_profile_during_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    request = {"connectorId": 1, "csChargingProfiles": profile(1, "TxDefaultProfile", 9)}
    assert await ask(sim, "SetChargingProfile", request) == {"status": "Accepted"}
    # 5.16.4: a TxDefaultProfile applies to a running transaction without a TxProfile.
    assert await offer(sim) == "9.0 A"


# ------------------------------------------------------------------ 24 Data Transfer


@pytest.mark.octt("TC_062_CS")
async def test_data_transfer_to_the_charge_point(sim: Sim) -> None:
    got = await ask(sim, "DataTransfer", {"vendorId": "com.example.unknown", "messageId": "x", "data": "y"})
    assert got["status"] in ("UnknownVendorId", "Rejected", "UnknownMessageId")  # 5.6, 7.23
    assert got == {"status": "UnknownVendorId"}
