"""The model's StrEnums carry exactly the wire values of the official OCPP 1.6 schemas."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources
from typing import Any

import pytest

from ocppsim.model import types as t


def schema(name: str) -> dict[str, Any]:
    text = (resources.files("ocpp") / "v16" / "schemas" / f"{name}.json").read_text()
    result: dict[str, Any] = json.loads(text)
    return result


def enum_at(node: dict[str, Any], *path: str) -> set[str]:
    for key in path:
        node = node[key]
    return set(node["enum"])


MV_VALUE = ("properties", "meterValue", "items", "properties", "sampledValue", "items", "properties")
PROFILE = ("properties", "csChargingProfiles", "properties")


@pytest.mark.parametrize(
    ("enum", "schema_name", "path", "extra_in_schema"),
    [
        (t.ChargePointStatus, "StatusNotification", ("properties", "status"), set()),
        (t.ChargePointErrorCode, "StatusNotification", ("properties", "errorCode"), set()),
        (t.Reason, "StopTransaction", ("properties", "reason"), set()),
        (t.MessageTrigger, "TriggerMessage", ("properties", "requestedMessage"), set()),
        (t.ChargingProfilePurpose, "SetChargingProfile", (*PROFILE, "chargingProfilePurpose"), set()),
        (t.ChargingProfileKind, "SetChargingProfile", (*PROFILE, "chargingProfileKind"), set()),
        (t.RecurrencyKind, "SetChargingProfile", (*PROFILE, "recurrencyKind"), set()),
        (t.Measurand, "MeterValues", (*MV_VALUE, "measurand"), set()),
        (t.ReadingContext, "MeterValues", (*MV_VALUE, "context"), set()),
        (t.Phase, "MeterValues", (*MV_VALUE, "phase"), set()),
        (t.Location, "MeterValues", (*MV_VALUE, "location"), set()),
        # the library's MeterValues schema adds the non-standard Hertz and keeps the Celcius typo
        (t.UnitOfMeasure, "MeterValues", (*MV_VALUE, "unit"), {"Celcius", "Hertz"}),
    ],
)
def test_enum_matches_schema(
    enum: type[StrEnum], schema_name: str, path: tuple[str, ...], extra_in_schema: set[str]
) -> None:
    assert {e.value for e in enum} == enum_at(schema(schema_name), *path) - extra_in_schema
