"""CALLERROR codes of OCPP-J Table 7 and spec answers for every Core CS->CP call, through dispatch.py."""

from __future__ import annotations

from typing import Any

import pytest

from ocppsim.model.charger import Charger
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import OcppCallError, handle_call

from .handler_calls import T0, call


@pytest.mark.parametrize(
    ("action", "payload", "code"),
    [
        ("FlyToTheMoon", {}, "NotImplemented"),
        # Security Whitepaper 6.14: a trigger outside MessageTriggerEnumType.
        ("ExtendedTriggerMessage", {"requestedMessage": "Bootnotification"}, "PropertyConstraintViolation"),
        ("InstallCertificate", {"certificateType": "CentralSystemRootCertificate"}, "ProtocolError"),
        # Security Whitepaper 5.11: longer than string[0..5500].
        (
            "InstallCertificate",
            {"certificateType": "CentralSystemRootCertificate", "certificate": "A" * 5501},
            "TypeConstraintViolation",
        ),
        (
            "ReserveNow",
            {"connectorId": 1, "expiryDate": "2030-01-01T00:00:00Z", "idTag": "A"},
            "ProtocolError",
        ),
        # Security Whitepaper 5.9: requestId is required.
        ("GetLog", {"log": {"remoteLocation": "http://x"}, "logType": "DiagnosticsLog"}, "ProtocolError"),
        # A CP->CS action of the Security Whitepaper sent to the charge point (known, so NotSupported).
        ("LogStatusNotification", {"status": "Idle"}, "NotSupported"),
        ("UpdateFirmware", {"location": "http://x"}, "ProtocolError"),
        ("UpdateFirmware", {"location": "http://x", "retrieveDate": "tomorrow"}, "TypeConstraintViolation"),
        (
            "UpdateFirmware",
            {"location": "http://x", "retrieveDate": "2030-01-01T00:00:00Z", "retries": "3"},
            "TypeConstraintViolation",
        ),
        ("GetDiagnostics", {}, "ProtocolError"),
        ("GetDiagnostics", {"location": 7}, "TypeConstraintViolation"),
        ("GetDiagnostics", {"location": "ftp://x", "startTime": "yesterday"}, "TypeConstraintViolation"),
        ("Reset", {}, "ProtocolError"),
        ("Reset", {"type": "Sideways"}, "PropertyConstraintViolation"),
        ("Reset", {"type": "Soft", "extra": 1}, "FormationViolation"),
        ("RemoteStopTransaction", {"transactionId": "12"}, "TypeConstraintViolation"),
        ("RemoteStartTransaction", {"idTag": "X" * 21}, "TypeConstraintViolation"),
        ("ChangeAvailability", {"connectorId": 1, "type": "Maybe"}, "PropertyConstraintViolation"),
        (
            "SetChargingProfile",
            {
                "connectorId": 9,
                "csChargingProfiles": {
                    "chargingProfileId": 1,
                    "stackLevel": 0,
                    "chargingProfilePurpose": "TxDefaultProfile",
                    "chargingProfileKind": "Absolute",
                    "chargingSchedule": {
                        "chargingRateUnit": "A",
                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8.6}],
                    },
                },
            },
            "PropertyConstraintViolation",
        ),
    ],
)
def test_call_errors(charger: Charger, action: str, payload: dict[str, Any], code: str) -> None:
    with pytest.raises(OcppCallError) as info:
        handle_call(charger, Call("1", action, payload), T0)
    assert info.value.code == code


def test_simple_core_answers(charger: Charger) -> None:
    assert call(charger, "ClearCache", {}) == {"status": "Accepted"}
    assert call(charger, "DataTransfer", {"vendorId": "com.example"}) == {"status": "UnknownVendorId"}
    assert call(charger, "Authorize", {"idTag": "A"}) == {"idTagInfo": {"status": "Accepted"}}
    assert call(charger, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    assert call(charger, "UnlockConnector", {"connectorId": 5}) == {"status": "NotSupported"}
    assert call(charger, "RemoteStopTransaction", {"transactionId": 77}) == {"status": "Rejected"}
    assert call(charger, "RemoteStartTransaction", {"idTag": "A", "connectorId": 0}) == {"status": "Rejected"}
    assert call(charger, "RemoteStartTransaction", {"idTag": "A", "connectorId": 3}) == {"status": "Rejected"}
    assert call(charger, "ChangeAvailability", {"connectorId": 3, "type": "Operative"}) == {
        "status": "Rejected"
    }
    assert call(charger, "ClearChargingProfile", {}) == {"status": "Unknown"}
    for trigger in ("BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification"):
        status = call(charger, "TriggerMessage", {"requestedMessage": trigger})["status"]
        assert status == ("Rejected" if trigger == "BootNotification" else "Accepted")
    assert call(charger, "Reset", {"type": "Hard"}) == {"status": "Accepted"}
