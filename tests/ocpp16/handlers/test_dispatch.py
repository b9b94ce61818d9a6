"""CALLERROR codes of OCPP-J Table 7 and spec answers for every Core CS->CP call, without the network."""

from __future__ import annotations

from typing import Any

import pytest

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import OcppCallError, handle_call
from ocppsim.ocpp16.validation import validators

T0 = 1_700_000_000.0


@pytest.fixture
def charger() -> Charger:
    ch = Charger(ChargerParams("CP", number_of_connectors=2, strict_transitions=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def call(ch: Charger, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    result = handle_call(ch, Call("1", action, payload), T0)
    validators.response(action, result)  # every answer is schema-valid
    return result


@pytest.mark.parametrize(
    ("action", "payload", "code"),
    [
        ("FlyToTheMoon", {}, "NotImplemented"),
        (
            "ReserveNow",
            {"connectorId": 1, "expiryDate": "2030-01-01T00:00:00Z", "idTag": "A", "reservationId": 1},
            "NotSupported",
        ),
        ("UpdateFirmware", {"location": "http://x", "retrieveDate": "2030-01-01T00:00:00Z"}, "NotSupported"),
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


def test_get_configuration(charger: Charger) -> None:
    everything = call(charger, "GetConfiguration", {})
    keys = {k["key"] for k in everything["configurationKey"]}
    assert {"HeartbeatInterval", "MeterValueSampleInterval", "NumberOfConnectors", "voltage_V"} <= keys
    assert "unknownKey" not in everything
    some = call(charger, "GetConfiguration", {"key": ["NumberOfConnectors", "Nope"]})
    assert some == {
        "configurationKey": [{"key": "NumberOfConnectors", "readonly": True, "value": "2"}],
        "unknownKey": ["Nope"],
    }


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("HeartbeatInterval", "20", "Accepted"),
        ("HeartbeatInterval", "-20", "Rejected"),
        ("GetConfigurationMaxKeys", "5", "Rejected"),
        ("Unknown", "1", "NotSupported"),
        ("SecurityProfile", "1", "Rejected"),  # no AuthorizationKey yet
    ],
)
def test_change_configuration(charger: Charger, key: str, value: str, status: str) -> None:
    assert call(charger, "ChangeConfiguration", {"key": key, "value": value}) == {"status": status}


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
        assert status == ("Rejected" if trigger == "BootNotification" else "NotImplemented")
    assert call(charger, "Reset", {"type": "Hard"}) == {"status": "Accepted"}


def test_limit_with_decimal_step_is_accepted(charger: Charger) -> None:
    profile = {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8.6}],
        },
    }
    assert call(charger, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile}) == {
        "status": "Accepted"
    }
    composite = call(
        charger, "GetCompositeSchedule", {"connectorId": 1, "duration": 3600, "chargingRateUnit": "W"}
    )
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 5934.0, "numberPhases": 3}
    ]
    assert call(charger, "GetCompositeSchedule", {"connectorId": 9, "duration": 60}) == {"status": "Rejected"}
