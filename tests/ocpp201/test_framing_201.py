"""OCPP-J 2.0.1 framing (ocpp201/framing.py) and schema validation (ocpp201/validation.py): the error
codes of part 4 Table 8, FormatViolation not 1.6's FormationViolation."""

from __future__ import annotations

import pytest

from ocppsim.ocpp16.framing import Call, CallError, CallResult, FrameError
from ocppsim.ocpp201.framing import ErrorCode, parse_frame
from ocppsim.ocpp201.validation import SchemaError, validators


def test_frames() -> None:
    assert parse_frame('[2,"1","Heartbeat",{}]') == Call("1", "Heartbeat", {})
    assert parse_frame('[3,"1",{"currentTime":"x"}]') == CallResult("1", {"currentTime": "x"})
    assert parse_frame('[4,"1","NotSupported","no",{}]') == CallError("1", "NotSupported", "no", {})
    assert parse_frame('[3,"1"]') is None  # a malformed answer is ignored, never answered


@pytest.mark.parametrize(
    ("text", "code", "unique_id"),
    [
        ("not json", ErrorCode.RPC_FRAMEWORK_ERROR, "-1"),
        ('{"a":1}', ErrorCode.RPC_FRAMEWORK_ERROR, "-1"),
        ('[2,5,"Heartbeat",{}]', ErrorCode.RPC_FRAMEWORK_ERROR, "-1"),
        ('[2,"' + "x" * 37 + '","Heartbeat",{}]', ErrorCode.RPC_FRAMEWORK_ERROR, "-1"),
        # An empty id is read (so echoed, as 1.6 does) but is no valid id.
        ('[2,"","Heartbeat",{}]', ErrorCode.RPC_FRAMEWORK_ERROR, ""),
        ('[2,"7","Heartbeat"]', ErrorCode.RPC_FRAMEWORK_ERROR, "7"),
        ('[2,"7","Heartbeat",[]]', ErrorCode.FORMAT_VIOLATION, "7"),
        ('[5,"7",{}]', ErrorCode.MESSAGE_TYPE_NOT_SUPPORTED, "7"),
    ],
)
def test_bad_frames(text: str, code: str, unique_id: str) -> None:
    with pytest.raises(FrameError) as caught:
        parse_frame(text)
    assert (caught.value.code, caught.value.unique_id) == (code, unique_id)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "OccurrenceConstraintViolation"),
        ({"getVariableData": []}, "OccurrenceConstraintViolation"),
        ({"getVariableData": "x"}, "TypeConstraintViolation"),
        (
            {
                "getVariableData": [
                    {"component": {"name": "A"}, "variable": {"name": "B"}, "attributeType": "X"}
                ]
            },
            "PropertyConstraintViolation",
        ),
        (
            {"getVariableData": [{"component": {"name": "A"}, "variable": {"name": "B"}}], "x": 1},
            "FormatViolation",
        ),
    ],
)
def test_schema_violations_get_2_0_1_codes(payload: dict[str, object], code: str) -> None:
    with pytest.raises(SchemaError) as caught:
        validators.request("GetVariables", payload)
    assert caught.value.code == code


def test_validation_leaves_the_payload_as_sent() -> None:
    payload = {"requestId": 1, "generatedAt": "2024-01-01T00:00:00Z", "seqNo": 0}
    validators.request("NotifyReport", payload)
    assert "tbc" not in payload  # the schema's default is not written in


def test_actions_come_from_the_schemas() -> None:
    assert "GetVariables" in validators.cs_actions
    assert "TransactionEvent" not in validators.cs_actions
    assert "TransactionEvent" in validators.actions
