"""Every Core CS->CP call over real sockets, with the charger's follow-up frames."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Sim, SimFactory
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.framing import CallError, CallResult
from ocppsim.runtime.station import Station


async def ask(sim: Sim, action: str, payload: dict[str, object]) -> dict[str, object]:
    result = await sim.csms.call(sim.id, action, payload)
    assert isinstance(result, CallResult), result
    await sim.quiet()
    return result.payload


async def test_remote_start_and_stop(sim: Sim) -> None:
    mark = sim.mark()
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "REMOTE1"}) == {"status": "Accepted"}
    # AuthorizeRemoteTxRequests = true: Authorize first, then wait for the plug
    assert sim.sent(mark) == [("StatusNotification", (1, "Preparing")), ("Authorize", None)]
    assert await sim.cmd("plugin") == "Cable plugged. Status Charging"
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "OTHER", "connectorId": 1}) == {
        "status": "Rejected"
    }
    start = sim.calls("StartTransaction")[-1].payload
    assert start["idTag"] == "REMOTE1"
    assert await ask(sim, "RemoteStopTransaction", {"transactionId": 999}) == {"status": "Rejected"}
    mark = sim.mark()
    assert await ask(sim, "RemoteStopTransaction", {"transactionId": 1}) == {"status": "Accepted"}
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["reason"] == "Remote"
    assert ("StatusNotification", (1, "Finishing")) in sim.sent(mark)


async def test_change_configuration_persists_across_restart(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory()
    assert await ask(sim, "ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "15"}) == {
        "status": "Accepted"
    }
    assert await ask(sim, "ChangeConfiguration", {"key": "NumberOfConnectors", "value": "4"}) == {
        "status": "Rejected"
    }
    assert await ask(sim, "ChangeConfiguration", {"key": "Bogus", "value": "4"}) == {"status": "NotSupported"}
    again: Sim = await sim_factory()  # same conf_dir, new process state
    conf = await ask(again, "GetConfiguration", {"key": ["MeterValueSampleInterval"]})
    assert conf == {
        "configurationKey": [{"key": "MeterValueSampleInterval", "readonly": False, "value": "15"}]
    }


async def test_heartbeat_interval_change_applies_at_once(sim: Sim) -> None:
    await ask(sim, "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "10"})
    mark = sim.mark()
    await sim.advance(35)
    assert [a for a, _ in sim.sent(mark)] == ["Heartbeat"] * 3


async def test_change_availability_scheduled(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}) == {
        "status": "Scheduled"
    }
    assert await sim.cmd("tag") == "Ok, stopping transaction. Reason local"
    mark = sim.mark()
    assert await sim.cmd("unplug") == "Ok, status change to available"
    assert sim.sent(mark) == [("StatusNotification", (1, "Unavailable"))]
    assert await ask(sim, "ChangeAvailability", {"connectorId": 0, "type": "Operative"}) == {
        "status": "Accepted"
    }


async def test_trigger_message_reply_comes_first(sim: Sim) -> None:
    mark = sim.mark()
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "StatusNotification"}) == {
        "status": "Accepted"
    }
    frames = [f for f in sim.csms.frames[mark:] if f.charger_id == sim.id]
    answer_index = next(i for i, f in enumerate(frames) if f.kind == 3 and f.direction == "in")
    first_status = next(i for i, f in enumerate(frames) if f.action == "StatusNotification")
    assert answer_index < first_status
    assert sim.sent(mark) == [
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Available")),
    ]
    mark = sim.mark()
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert sim.sent(mark) == [("MeterValues", "Trigger")]
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == {"status": "Accepted"}


async def test_soft_reset_reboots_and_boots_again(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    assert await ask(sim, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    await sim.csms.wait_for(
        lambda f: f.direction == "in" and f.action == "BootNotification" and sim.csms.frames.index(f) > mark
    )
    await sim.csms.wait_for(
        lambda f: (
            f.direction == "in"
            and f.action == "StatusNotification"
            and f.payload["connectorId"] == 1
            and sim.csms.frames.index(f) > mark
        )
    )
    await sim.quiet()
    actions = [a for a, _ in sim.sent(mark)]
    assert actions.index("StopTransaction") < actions.index("BootNotification")
    assert sim.calls("StopTransaction")[0].payload["reason"] == "SoftReset"
    assert await sim.cmd("status") == (
        "Status: Finishing, transaction_id: None, offer: 32.0 A, energy: 0 Wh, delay: False, max_usage: None"
    )


async def test_unlock_connector_stops_transaction(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert await ask(sim, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    assert sim.calls("StopTransaction")[0].payload["reason"] == "UnlockCommand"


async def test_charging_profiles_and_composite(sim: Sim) -> None:
    profile = {
        "chargingProfileId": 5,
        "stackLevel": 1,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}, {"startPeriod": 600, "limit": 20}],
        },
    }
    assert await ask(sim, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    await sim.cmd("plugin")
    await sim.cmd("tag")
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 1, offer: 10.0 A")
    composite = await ask(
        sim, "GetCompositeSchedule", {"connectorId": 1, "duration": 1200, "chargingRateUnit": "A"}
    )
    assert composite["status"] == "Accepted"
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [  # type: ignore[index]
        {"startPeriod": 0, "limit": 10.0, "numberPhases": 3},
        {"startPeriod": 600, "limit": 20.0, "numberPhases": 3},
    ]
    await sim.advance(600)
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 1, offer: 20.0 A")
    assert await ask(sim, "ClearChargingProfile", {"id": 5}) == {"status": "Accepted"}
    assert await ask(sim, "ClearChargingProfile", {"id": 5}) == {"status": "Unknown"}
    assert (await sim.cmd("status")).startswith("Status: Charging, transaction_id: 1, offer: 32.0 A")


async def test_data_transfer_get_configuration_clear_cache(sim: Sim) -> None:
    assert await ask(sim, "DataTransfer", {"vendorId": "com.example", "messageId": "x"}) == {
        "status": "UnknownVendorId"
    }
    assert await ask(sim, "ClearCache", {}) == {"status": "Accepted"}
    conf = await ask(sim, "GetConfiguration", {})
    assert len(conf["configurationKey"]) >= 30  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("this is not json", "FormationViolation"),
        ('[2, "m1", "Reset"]', "FormationViolation"),
        ('[2, "m2", "Reset", {}]', "ProtocolError"),
        ('[2, "m3", "Reset", {"type": 1}]', "TypeConstraintViolation"),
        ('[2, "m4", "Reset", {"type": "Never"}]', "PropertyConstraintViolation"),
        ('[2, "m5", "Reset", {"type": "Soft", "now": true}]', "FormationViolation"),
        ('[2, "m6", "Teleport", {}]', "NotImplemented"),
        ('[2, "m7", "SignCertificate", {"csr": "x"}]', "NotSupported"),  # a CP->CS action
        ('[2, "m8", "UpdateFirmware", {"location": "http://127.0.0.1:9/f.bin"}]', "ProtocolError"),
        ('[2, "m9", "GetDiagnostics", {"location": 5}]', "TypeConstraintViolation"),
    ],
)
async def test_malformed_frames_get_the_right_call_error(sim: Sim, raw: str, code: str) -> None:
    uid = raw.split('"')[1] if raw.startswith("[") else "-1"
    result = await sim.csms.send_raw(sim.id, raw, unique_id=uid)
    assert isinstance(result, CallError)
    assert result.code == code
    # ... and the charger keeps working
    assert await ask(sim, "ClearCache", {}) == {"status": "Accepted"}


async def test_boot_pending_then_accepted(sim_factory: SimFactory) -> None:
    from ocppsim.runtime.clock import FakeClock

    clock = FakeClock()
    sim_csms_state = {"status": "Pending"}
    # Booted with the default responder (Accepted) first: then a Reset makes it boot again into Pending.
    # (Without waiting, whether the first boot was answered before the responder below is a race.)
    sim: Sim = await sim_factory(clock=clock)
    csms = sim.csms

    def boot(charger_id: str, payload: dict[str, object]) -> dict[str, object]:
        return {"status": sim_csms_state["status"], "currentTime": "2030-01-01T00:00:00Z", "interval": 30}

    csms.responders["BootNotification"] = boot
    await csms.call(sim.id, "Reset", {"type": "Soft"})
    await csms.wait_for(
        lambda f: (
            f.action == "BootNotification" and f.direction == "out" and f.payload.get("status") == "Pending"
        )
    )
    await sim.quiet()
    mark = sim.mark()
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert sim.sent(mark) == []  # nothing but BootNotification before Accepted
    # ... except what the CSMS asks for while Pending (section 4.2.1)
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1}) == {
        "status": "Accepted"
    }
    assert sim.sent(mark) == [("StatusNotification", (1, "Preparing"))]
    assert await ask(sim, "RemoteStartTransaction", {"idTag": "X"}) == {"status": "Rejected"}
    mark = sim.mark()
    sim_csms_state["status"] = "Accepted"
    await sim.advance(30)
    assert sim.sent(mark) == [
        ("BootNotification", None),
        ("SecurityEventNotification", None),  # ResetOrReboot waited for the acceptance
        ("StatusNotification", (0, "Available")),
        ("StatusNotification", (1, "Preparing")),
    ]


async def test_boot_rejected_means_silence_until_the_interval(
    sim_factory: SimFactory, csms: CentralSystem
) -> None:
    csms.responders["BootNotification"] = lambda cid, p: {
        "status": "Rejected",
        "currentTime": "2030-01-01T00:00:00Z",
        "interval": 120,
    }
    sim: Sim = await sim_factory(boot=False)
    await csms.wait_for(lambda f: f.direction == "out" and f.action == "BootNotification")
    await sim.quiet()
    with pytest.raises(TimeoutError):  # CS CALLs are not answered while Rejected (section 4.2.1)
        await csms.call(sim.id, "ClearCache", {}, timeout=0.3)
    mark = sim.mark()
    await sim.advance(119)
    assert sim.sent(mark) == []
    await sim.advance(1)
    assert sim.sent(mark) == [("BootNotification", None)]


async def test_ping_interval_change_is_accepted_live(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
    pings: list[float] = []
    real_ping = Station._send_ping

    def counting_ping(self: Station, ws: Any) -> None:
        pings.append(sim.station.clock.now())
        real_ping(self, ws)

    monkeypatch.setattr(Station, "_send_ping", counting_ping)
    for value, seconds, expected in (("0", 300, 0), ("5", 20, 4), ("0", 300, 0), ("30", 90, 3)):
        pings.clear()
        assert await ask(sim, "ChangeConfiguration", {"key": "WebSocketPingInterval", "value": value}) == {
            "status": "Accepted"
        }
        await sim.advance(seconds)  # a change applies at once; 0 sends none
        assert len(pings) == expected, (value, pings)
    assert sim.station.online  # the pings were answered: the link stays up
    assert await ask(sim, "ClearCache", {}) == {"status": "Accepted"}


async def test_no_pong_within_message_timeout_closes_the_link(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OCPP-J 5.3: a ping without pong means a dead link; the charger closes it and connects again."""
    first = sim.station._ws

    def unanswered_ping(self: Station, ws: Any) -> None:
        pass  # the ping is lost: its pong never comes

    monkeypatch.setattr(Station, "_send_ping", unanswered_ping)
    timeout = sim.station.charger.config.get_int("MessageTimeout")
    assert await ask(sim, "ChangeConfiguration", {"key": "WebSocketPingInterval", "value": "10"}) == {
        "status": "Accepted"
    }
    await sim.advance(10 + timeout - 1)
    assert sim.station._ws is first
    await sim.advance(2)
    for _ in range(200):
        if sim.station._ws not in (None, first):
            break
        await sim.advance(1)  # the reconnect back-off
    assert sim.station._ws not in (None, first) and sim.station.online


async def test_energy_register_survives_a_restart(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory()
    await sim.cmd("plugin")
    await sim.cmd("tag")
    await sim.advance(600)
    await sim.cmd("unplug")
    meter_stop = sim.calls("StopTransaction")[0].payload["meterStop"]
    assert meter_stop == 3680  # 22080 W for 10 minutes
    await sim.stop()  # the register is in the journal log of the process holding it, until it exits
    again: Sim = await sim_factory()
    await again.cmd("plugin")
    await again.cmd("tag")
    assert again.calls("StartTransaction")[-1].payload["meterStart"] == meter_stop


async def test_profiles_survive_a_restart_and_clearing_too(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(default_profiles=True)
    assert (await sim.cmd("status")).startswith("Status: Available, transaction_id: None, offer: 0.0 A")
    profile = {
        "chargingProfileId": 9,
        "stackLevel": 5,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 13}],
        },
    }
    assert await ask(sim, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    again: Sim = await sim_factory(default_profiles=True)
    assert (await again.cmd("status")).startswith("Status: Available, transaction_id: None, offer: 13.0 A")
    assert await ask(again, "ClearChargingProfile", {}) == {"status": "Accepted"}
    third: Sim = await sim_factory(default_profiles=True)  # cleared stays cleared: no INI defaults again
    assert (await third.cmd("status")).startswith("Status: Available, transaction_id: None, offer: 32.0 A")


async def test_authorization_key_is_never_shown(sim: Sim, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    secret = "00112233445566778899aabbccddeeff00112233"
    assert await ask(sim, "ChangeConfiguration", {"key": "AuthorizationKey", "value": secret}) == {
        "status": "Accepted"
    }
    conf = await ask(sim, "GetConfiguration", {"key": ["AuthorizationKey"]})
    assert conf == {"configurationKey": [{"key": "AuthorizationKey", "readonly": False}]}
    everything = await ask(sim, "GetConfiguration", {})
    assert secret not in str(everything)
    assert secret not in caplog.text
