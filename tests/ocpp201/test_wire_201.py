"""The 2.0.1 adapter on the shared model (ocpp201/wire.py, handlers/): what the model's requests become,
seqNo and offline, the status filter, answers fed back, and the CS->CP handlers. Every payload built here
is checked against the 2.0.1 schema."""

from __future__ import annotations

from typing import Any

import pytest
import trustme

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import (
    AuthorizeReq,
    LogStatusNotificationReq,
    Request,
    SignCertificateReq,
    SignedFirmwareStatusNotificationReq,
    StartTransactionReq,
)
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers.call_error import OcppCallError
from ocppsim.ocpp201.validation import validators
from ocppsim.ocpp201.wire import Wire201

T0 = 1_700_000_000.0


def connected(**params: Any) -> tuple[Charger, Wire201]:
    ch = Charger(ChargerParams("CP", ocpp_versions=("2.0.1",), strict_transitions=True, **params), now=T0)
    wire = Wire201(ch)
    ch.boot.on_connected(T0)
    return ch, wire


def send(wire: Wire201, charger: Charger) -> list[tuple[str, dict[str, Any]]]:
    """What the outbox would send of the model's effects now: each checked against its schema."""
    out = []
    for effect in charger.drain():
        if isinstance(effect, Request) and wire.wanted(effect):
            action, payload = wire.prepare(effect)
            validators.request(action, payload)
            out.append((action, payload))
    return out


def booted(**params: Any) -> tuple[Charger, Wire201]:
    ch, wire = connected(**params)
    (boot,) = [r for r in ch.drain() if wire.wanted(r)]
    wire.apply_result(
        boot, {"status": "Accepted", "interval": 300, "currentTime": "2024-01-01T00:00:00Z"}, T0
    )
    return ch, wire


def call(wire: Wire201, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    result = wire.handle_call(Call("1", action, payload), T0, validate=True)
    validators.response(action, result)
    return result


def test_boot_and_statuses() -> None:
    ch, wire = connected(number_of_connectors=2)
    [(action, boot)] = send(wire, ch)
    assert action == "BootNotification" and boot["reason"] == "PowerUp"
    ch, wire = booted(number_of_connectors=2)
    assert [(a, p["evseId"], p["connectorStatus"]) for a, p in send(wire, ch)] == [
        ("StatusNotification", 1, "Available"),
        ("StatusNotification", 2, "Available"),
    ]  # no connector 0


def test_a_transaction_as_events() -> None:
    ch, wire = booted()
    send(wire, ch)
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0)
    sent = send(wire, ch)
    # The pre-configured Delta monitor on the connector's AvailabilityState reports it too (N07).
    assert [a for a, _ in sent] == ["StatusNotification", "Authorize", "NotifyEvent"]
    assert sent[1][1] == {"idToken": {"idToken": "TAG", "type": "ISO14443"}}
    assert [e["actualValue"] for e in sent[2][1]["eventData"]] == ["Occupied"]
    # Answer the Authorize through the model, as the outbox would.
    req = AuthorizeReq("TAG", 1)
    wire.apply_result(req, {"idTokenInfo": {"status": "Accepted"}}, T0)
    events = send(wire, ch)
    started = next(p for a, p in events if a == "TransactionEvent")
    assert (started["eventType"], started["seqNo"], started["triggerReason"]) == ("Started", 0, "Authorized")
    assert [a for a, p in events].count("StatusNotification") == 0  # Occupied already
    ch.tick(T0 + 60)
    [updated] = [p for a, p in send(wire, ch) if a == "TransactionEvent"]
    assert (updated["eventType"], updated["seqNo"], updated["triggerReason"]) == (
        "Updated",
        1,
        "MeterValuePeriodic",
    )
    ch.boot.on_disconnected(T0 + 61)
    ch.ev_inputs.unplug(1, T0 + 62)
    ended = next(p for a, p in send(wire, ch) if a == "TransactionEvent")
    assert (ended["eventType"], ended["seqNo"], ended["offline"]) == ("Ended", 2, True)
    assert ended["transactionInfo"]["stoppedReason"] == "EVDisconnected"
    assert ended["transactionInfo"]["chargingState"] == "Idle"


def test_started_answer_sets_the_model_id() -> None:
    ch, wire = booted()
    req = StartTransactionReq(tx_ref=3, connector_id=1, id_tag="T", meter_start=0, timestamp=T0)  # type: ignore[arg-type]
    assert wire.apply_result(req, {}, T0) == "3"
    assert ch.transactions.transaction_id_for(3) == 3


def test_rejected_boot_keeps_the_reason() -> None:
    ch, wire = connected()
    (boot,) = [r for r in ch.drain() if wire.wanted(r)]
    wire.apply_result(boot, {"status": "Rejected", "interval": 10, "currentTime": "2024-01-01T00:00:00Z"}, T0)
    assert ch.registration is RegistrationStatus.REJECTED


def test_get_and_set_variables() -> None:
    _, wire = booted()
    result = call(
        wire,
        "GetVariables",
        {
            "getVariableData": [
                {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}},
                {"component": {"name": "Nope"}, "variable": {"name": "X"}},
            ]
        },
    )
    assert [r["attributeStatus"] for r in result["getVariableResult"]] == ["Accepted", "UnknownComponent"]
    result = call(
        wire,
        "SetVariables",
        {
            "setVariableData": [
                {"component": {"name": "TxCtrlr"}, "variable": {"name": "Nope"}, "attributeValue": "1"}
            ]
        },
    )
    assert result["setVariableResult"][0]["attributeStatus"] == "UnknownVariable"


def test_too_many_items() -> None:
    _, wire = booted()
    item = {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
    result = call(wire, "GetVariables", {"getVariableData": [item] * 51})["getVariableResult"]
    assert result[49]["attributeStatus"] == "Accepted"
    assert result[50]["attributeStatus"] == "Rejected"
    assert result[50]["attributeStatusInfo"] == {"reasonCode": "TooManyElements"}
    setter = {**item, "attributeValue": "60"}
    with pytest.raises(OcppCallError) as caught:
        call(wire, "SetVariables", {"setVariableData": [setter] * 51})
    assert caught.value.code == "OccurrenceConstraintViolation"


def test_report_parts() -> None:
    ch, wire = booted()
    send(wire, ch)
    assert call(wire, "GetBaseReport", {"requestId": 3, "reportBase": "FullInventory"}) == {
        "status": "Accepted"
    }
    parts = [p for a, p in send(wire, ch) if a == "NotifyReport"]
    assert [p["seqNo"] for p in parts] == list(range(len(parts)))
    assert [p["tbc"] for p in parts] == [True] * (len(parts) - 1) + [False]
    assert call(wire, "GetReport", {"requestId": 4, "componentCriteria": ["Problem"]}) == {
        "status": "EmptyResultSet"
    }
    assert call(
        wire,
        "GetReport",
        {"requestId": 5, "componentVariable": [{"component": {"name": "ClockCtrlr"}}]},
    ) == {"status": "Accepted"}
    [(_, part)] = [(a, p) for a, p in send(wire, ch) if a == "NotifyReport"]
    assert {d["variable"]["name"] for d in part["reportData"]} == {"DateTime", "TimeSource"}


def test_unknown_and_unsupported_actions() -> None:
    _, wire = booted()
    with pytest.raises(OcppCallError) as caught:
        wire.handle_call(Call("1", "Frobnicate", {}), T0, validate=True)
    assert caught.value.code == "NotImplemented"
    with pytest.raises(OcppCallError) as caught:
        # A Local Controller's operation (part 2 L03): a known 2.0.1 action no charging station here serves.
        wire.handle_call(Call("1", "UnpublishFirmware", {"checksum": "0" * 32}), T0, validate=True)
    assert caught.value.code == "NotSupported"
    with pytest.raises(OcppCallError) as caught:
        wire.handle_call(Call("1", "Reset", {"type": "Sometimes"}), T0, validate=True)
    assert caught.value.code == "PropertyConstraintViolation"


def test_remote_start_stop_unlock_trigger() -> None:
    ch, wire = booted()
    send(wire, ch)
    no_authorize = {"component": {"name": "AuthCtrlr"}, "variable": {"name": "AuthorizeRemoteStart"}}
    call(wire, "SetVariables", {"setVariableData": [{**no_authorize, "attributeValue": "false"}]})
    assert not ch.config.get_bool("AuthorizeRemoteTxRequests")
    token = {"idToken": "APP", "type": "Central"}
    assert call(wire, "RequestStartTransaction", {"idToken": token, "remoteStartId": 9, "evseId": 2}) == {
        "status": "Rejected"
    }
    assert call(wire, "RequestStartTransaction", {"idToken": token, "remoteStartId": 9, "evseId": 1}) == {
        "status": "Accepted"
    }
    assert call(wire, "UnlockConnector", {"evseId": 1, "connectorId": 2}) == {"status": "UnknownConnector"}
    assert call(wire, "TriggerMessage", {"requestedMessage": "TransactionEvent"}) == {"status": "Rejected"}
    assert call(wire, "TriggerMessage", {"requestedMessage": "PublishFirmwareStatusNotification"}) == {
        "status": "NotImplemented"
    }
    # A02 (model/security/signing_requests.py): OrganizationName has its 2.0.1 default.
    assert call(wire, "TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"}) == {
        "status": "Accepted"
    }
    assert call(wire, "TriggerMessage", {"requestedMessage": "LogStatusNotification"}) == {
        "status": "Accepted"
    }
    assert [p for a, p in send(wire, ch) if a == "LogStatusNotification"] == [{"status": "Idle"}]
    assert call(wire, "TriggerMessage", {"requestedMessage": "BootNotification"}) == {"status": "Rejected"}
    send(wire, ch)
    ch.ev_inputs.plug_in(1, T0)
    started = next(p for a, p in send(wire, ch) if a == "TransactionEvent")
    assert started["triggerReason"] == "RemoteStart"
    assert started["transactionInfo"]["remoteStartId"] == 9
    assert started["idToken"] == token
    tx_id = started["transactionInfo"]["transactionId"]
    assert call(wire, "UnlockConnector", {"evseId": 1, "connectorId": 1}) == {
        "status": "OngoingAuthorizedTransaction"
    }
    assert call(wire, "TriggerMessage", {"requestedMessage": "TransactionEvent", "evse": {"id": 1}}) == {
        "status": "Accepted"
    }
    triggered = next(p for a, p in send(wire, ch) if a == "TransactionEvent")
    assert (triggered["eventType"], triggered["triggerReason"]) == ("Updated", "Trigger")
    assert call(wire, "TriggerMessage", {"requestedMessage": "StatusNotification", "evse": {"id": 1}}) == {
        "status": "Accepted"
    }
    assert [p["connectorStatus"] for a, p in send(wire, ch) if a == "StatusNotification"] == ["Occupied"]
    # Ids this station never gave, digits int() does not read among them, are answered, not crashed on.
    for odd in ("\u00b9", "x1", ""):
        assert call(wire, "RequestStopTransaction", {"transactionId": odd}) == {"status": "Rejected"}
        assert call(wire, "GetTransactionStatus", {"transactionId": odd}) == {
            "ongoingIndicator": False,
            "messagesInQueue": False,
        }
    assert call(wire, "RequestStopTransaction", {"transactionId": tx_id}) == {"status": "Accepted"}
    ended = next(p for a, p in send(wire, ch) if a == "TransactionEvent")
    assert ended["transactionInfo"]["stoppedReason"] == "Remote"


def test_local_list_and_cache() -> None:
    ch, wire = booted()
    assert call(wire, "GetLocalListVersion", {}) == {"versionNumber": 0}
    full = {
        "versionNumber": 3,
        "updateType": "Full",
        "localAuthorizationList": [
            {"idToken": {"idToken": "GOOD", "type": "ISO14443"}, "idTokenInfo": {"status": "Accepted"}},
            {"idToken": {"idToken": "BAD", "type": "ISO14443"}, "idTokenInfo": {"status": "Blocked"}},
        ],
    }
    assert call(wire, "SendLocalList", full) == {"status": "Accepted"}
    assert call(wire, "GetLocalListVersion", {}) == {"versionNumber": 3}
    assert set(ch.authorization.local_list) == {"good", "bad"}
    differential = {
        "versionNumber": 4,
        "updateType": "Differential",
        "localAuthorizationList": [{"idToken": {"idToken": "BAD", "type": "ISO14443"}}],
    }
    assert call(wire, "SendLocalList", differential) == {"status": "Accepted"}
    assert set(ch.authorization.local_list) == {"good"}
    assert call(wire, "ClearCache", {}) == {"status": "Accepted"}


def profile(pid: int, purpose: str, limit: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "stackLevel": 1,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [
            {
                "id": 1,
                "startSchedule": "2023-11-14T00:00:00Z",
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
            }
        ],
        **extra,
    }


def test_smart_charging_on_the_shared_schedule() -> None:
    ch, wire = booted()
    send(wire, ch)
    station_max = profile(1, "ChargingStationMaxProfile", 16)
    assert (
        call(wire, "SetChargingProfile", {"evseId": 1, "chargingProfile": station_max})["status"]
        == "Rejected"
    )
    assert call(wire, "SetChargingProfile", {"evseId": 0, "chargingProfile": station_max}) == {
        "status": "Accepted"
    }
    composite = call(wire, "GetCompositeSchedule", {"evseId": 1, "duration": 600, "chargingRateUnit": "A"})
    assert composite["schedule"]["chargingSchedulePeriod"][0]["limit"] == 16
    external = profile(2, "ChargingStationExternalConstraints", 8)
    assert (
        call(wire, "SetChargingProfile", {"evseId": 0, "chargingProfile": external})["status"] == "Rejected"
    )
    tx = profile(3, "TxProfile", 10)
    assert call(wire, "SetChargingProfile", {"evseId": 1, "chargingProfile": tx})["statusInfo"] == {
        "reasonCode": "TxNotFound"
    }
    # K01 with a transaction: the TxProfile names it by the station's id.
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0)
    wire.apply_result(AuthorizeReq("TAG", 1), {"idTokenInfo": {"status": "Accepted"}}, T0)
    started = next(p for a, p in send(wire, ch) if a == "TransactionEvent")
    tx_id = started["transactionInfo"]["transactionId"]
    tx = profile(3, "TxProfile", 10, transactionId=tx_id)
    assert call(wire, "SetChargingProfile", {"evseId": 1, "chargingProfile": tx}) == {"status": "Accepted"}
    assert ch.view(1, T0).offer == 10
    # K09: the profiles as ReportChargingProfiles, one per EVSE.
    assert call(wire, "GetChargingProfiles", {"requestId": 8, "chargingProfile": {}}) == {
        "status": "Accepted"
    }
    reports = [p for a, p in send(wire, ch) if a == "ReportChargingProfiles"]
    assert [(r["evseId"], r["tbc"]) for r in reports] == [(0, True), (1, False)]
    assert reports[1]["chargingProfile"][0]["transactionId"] == tx_id
    none = {"requestId": 9, "chargingProfile": {"chargingProfileId": [99]}}
    assert call(wire, "GetChargingProfiles", none) == {"status": "NoProfiles"}
    # K10
    assert call(wire, "ClearChargingProfile", {"chargingProfileId": 1}) == {"status": "Accepted"}
    assert call(wire, "ClearChargingProfile", {"chargingProfileId": 1}) == {"status": "Unknown"}
    criteria = {"chargingProfileCriteria": {"chargingProfilePurpose": "TxProfile"}}
    assert call(wire, "ClearChargingProfile", criteria) == {"status": "Accepted"}


def test_remote_start_with_a_tx_profile() -> None:
    ch, wire = booted()
    send(wire, ch)
    ch.config.store("AuthorizeRemoteTxRequests", "false")
    token = {"idToken": "APP", "type": "Central"}
    bad = profile(4, "TxDefaultProfile", 8)
    start = {"idToken": token, "remoteStartId": 1, "evseId": 1, "chargingProfile": bad}
    assert call(wire, "RequestStartTransaction", start)["status"] == "Rejected"
    start["chargingProfile"] = profile(4, "TxProfile", 8)
    assert call(wire, "RequestStartTransaction", start) == {"status": "Accepted"}
    ch.ev_inputs.plug_in(1, T0)
    send(wire, ch)
    assert ch.view(1, T0).offer == 8


def test_a_charger_offering_both_keeps_1_6_configuration_clean() -> None:
    from ocppsim.ocpp16.handlers import handle_call

    ch = Charger(ChargerParams("CP", ocpp_versions=("2.0.1", "1.6")), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    listing = handle_call(ch, Call("1", "GetConfiguration", {}), T0)
    assert not any("." in kv["key"] for kv in listing["configurationKey"])
    asked = handle_call(ch, Call("1", "GetConfiguration", {"key": ["TxCtrlr.TxStartPoint"]}), T0)
    assert asked == {"configurationKey": [], "unknownKey": ["TxCtrlr.TxStartPoint"]}
    change = {"key": "TxCtrlr.TxStopPoint", "value": "EVConnected"}
    assert handle_call(ch, Call("1", "ChangeConfiguration", change), T0) == {"status": "NotSupported"}


def test_the_security_blocks_messages_in_2_0_1_names() -> None:
    """The Security Whitepaper block's requests (one implementation for both versions) become schema-valid
    2.0.1 messages: four event types renamed, the log and firmware statuses with their requestId."""
    ch, wire = booted()
    send(wire, ch)
    ch.security.security_event("InvalidCentralSystemCertificate", T0, "x" * 300)
    ch.security.security_event("StartupOfTheDevice", T0)
    ch.state.emit(LogStatusNotificationReq("Uploaded", 7))
    ch.state.emit(SignedFirmwareStatusNotificationReq("InvalidSignature", 8))
    ch.state.emit(SignCertificateReq("-----BEGIN CERTIFICATE REQUEST-----"))
    out = send(wire, ch)
    events = [p for a, p in out if a == "SecurityEventNotification"]
    assert [e["type"] for e in events] == ["InvalidCsmsCertificate", "StartupOfTheDevice"]
    assert len(events[0]["techInfo"]) == 255
    assert ("LogStatusNotification", {"status": "Uploaded", "requestId": 7}) in out
    assert ("FirmwareStatusNotification", {"status": "InvalidSignature", "requestId": 8}) in out
    assert (
        "SignCertificate",
        {"csr": "-----BEGIN CERTIFICATE REQUEST-----", "certificateType": "ChargingStationCertificate"},
    ) in out


def test_certificates_through_the_security_block() -> None:
    """M03-M05 on the Whitepaper's certificate store: a V2G root (2.0.1 only) and a CSMS root installed,
    listed by type, deleted; junk is Rejected with a reason."""
    ch, wire = booted()
    v2g, csms = (trustme.CA().cert_pem.bytes().decode() for _ in range(2))
    for pem, kind in ((v2g, "V2GRootCertificate"), (csms, "CSMSRootCertificate")):
        assert call(wire, "InstallCertificate", {"certificateType": kind, "certificate": pem}) == {
            "status": "Accepted"
        }
    assert {c.use.value for c in ch.security.installed} == {
        "V2GRootCertificate",
        "CentralSystemRootCertificate",
    }
    junk = call(wire, "InstallCertificate", {"certificateType": "MORootCertificate", "certificate": "junk"})
    assert junk["status"] == "Rejected" and junk["statusInfo"]["reasonCode"] == "InvalidCertificate"
    listed = call(wire, "GetInstalledCertificateIds", {"certificateType": ["V2GRootCertificate"]})
    [entry] = listed["certificateHashDataChain"]
    assert entry["certificateType"] == "V2GRootCertificate"
    assert call(wire, "DeleteCertificate", {"certificateHashData": entry["certificateHashData"]}) == {
        "status": "Accepted"
    }
    [left] = call(wire, "GetInstalledCertificateIds", {})["certificateHashDataChain"]
    assert left["certificateType"] == "CSMSRootCertificate"


def test_get_log_is_the_security_blocks() -> None:
    """N01 on the Whitepaper's log uploads: Uploading with the requestId at once, a second request replaces
    the first (AcceptedCanceled), a triggered LogStatusNotification reports the running upload."""
    ch, wire = booted()
    send(wire, ch)
    request = {"logType": "SecurityLog", "requestId": 5, "log": {"remoteLocation": "http://127.0.0.1:9/"}}
    assert call(wire, "GetLog", request)["status"] == "Accepted"
    assert call(wire, "GetLog", {**request, "requestId": 6})["status"] == "AcceptedCanceled"
    assert call(wire, "TriggerMessage", {"requestedMessage": "LogStatusNotification"}) == {
        "status": "Accepted"
    }
    statuses = [p for a, p in send(wire, ch) if a == "LogStatusNotification"]
    assert statuses == [
        {"status": "Uploading", "requestId": 5},
        {"status": "Uploading", "requestId": 6},
        {"status": "Uploading", "requestId": 6},
    ]


def test_update_firmware_onto_the_signed_firmware_engine() -> None:
    """L01: without signingCertificate and signature Rejected (TC_L_18); a signing certificate of no
    installed ManufacturerRootCertificate InvalidCertificate with its security event (L01.FR.02); the
    answer to InstallRebooting makes the next boot's reason FirmwareUpdate."""
    from ocppsim.csms.ca import FirmwareSigner

    ch, wire = booted()
    send(wire, ch)
    firmware = {"location": "http://x/fw.bin", "retrieveDateTime": "2020-01-01T00:00:00Z"}
    assert call(wire, "UpdateFirmware", {"requestId": 3, "firmware": firmware}) == {"status": "Rejected"}
    signer = FirmwareSigner()
    signed = {**firmware, "signingCertificate": signer.signing_certificate_pem, "signature": "c2ln"}
    answer = call(wire, "UpdateFirmware", {"requestId": 4, "firmware": signed})
    assert answer == {"status": "InvalidCertificate"}
    assert [p["type"] for a, p in send(wire, ch) if a == "SecurityEventNotification"] == [
        "InvalidFirmwareSigningCertificate"
    ]
    assert ch.security.signed_firmware.update is None
    wire.apply_result(SignedFirmwareStatusNotificationReq("InstallRebooting", 4), {}, T0)
    assert wire.session.boot_reason == "FirmwareUpdate"
