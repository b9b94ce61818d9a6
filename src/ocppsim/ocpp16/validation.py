"""Schema validation with the official OCPP 1.6 JSON schemas shipped by the `ocpp` package, compiled once
per action with fastjsonschema (~5 us per message instead of ~100+ us through jsonschema).

`multipleOf: 0.1` is dropped before compiling: validated on binary floats it wrongly rejects values such
as 8.6 (smart-charging.md section 1); limits are rounded to 0.1 where they are used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any, Final

import fastjsonschema

from ocppsim.ocpp16.framing import ErrorCode

__all__ = ["CP_ACTIONS", "CS_ACTIONS", "KNOWN_ACTIONS", "SchemaError", "Validators", "validators"]

# Every OCPP 1.6 action (incl. the security extension) the schemas describe, by direction.
CP_ACTIONS: Final = frozenset(
    {
        "Authorize",
        "BootNotification",
        "DataTransfer",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "LogStatusNotification",
        "MeterValues",
        "SecurityEventNotification",
        "SignCertificate",
        "SignedFirmwareStatusNotification",
        "StartTransaction",
        "StatusNotification",
        "StopTransaction",
    }
)
CS_ACTIONS: Final = frozenset(
    {
        "CancelReservation",
        "CertificateSigned",
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "ClearChargingProfile",
        "DataTransfer",
        "DeleteCertificate",
        "ExtendedTriggerMessage",
        "GetCompositeSchedule",
        "GetConfiguration",
        "GetDiagnostics",
        "GetInstalledCertificateIds",
        "GetLocalListVersion",
        "GetLog",
        "InstallCertificate",
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "SignedUpdateFirmware",
        "TriggerMessage",
        "UnlockConnector",
        "UpdateFirmware",
    }
)
KNOWN_ACTIONS: Final = CP_ACTIONS | CS_ACTIONS

# fastjsonschema rule -> OCPP-J Table 7 code.
_RULE_CODES: Final = {
    "required": ErrorCode.PROTOCOL_ERROR,
    "additionalProperties": ErrorCode.FORMATION_VIOLATION,
    "type": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "maxLength": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "minLength": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "format": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "enum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
    "minimum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
    "maximum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
    "minItems": ErrorCode.OCCURENCE_CONSTRAINT_VIOLATION,
    "maxItems": ErrorCode.OCCURENCE_CONSTRAINT_VIOLATION,
}


class SchemaError(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _strip_multiple_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_multiple_of(v) for k, v in node.items() if k != "multipleOf"}
    if isinstance(node, list):
        return [_strip_multiple_of(v) for v in node]
    return node


class Validators:
    """Compiled validators per (action, request|response), built on first use or by `warm()`."""

    def __init__(self) -> None:
        self._compiled: dict[str, Callable[[Any], Any]] = {}
        # Response validators by action: every answer a charger gets is checked (no name to build).
        self._responses: dict[str, Callable[[Any], Any]] = {}
        self._empty_ok: dict[str, bool] = {}
        self._schema_dir = resources.files("ocpp") / "v16" / "schemas"

    def _get(self, name: str) -> Callable[[Any], Any]:
        validator = self._compiled.get(name)
        if validator is None:
            schema = json.loads((self._schema_dir / f"{name}.json").read_text(encoding="utf-8"))
            schema.pop("$schema", None)
            validator = fastjsonschema.compile(_strip_multiple_of(schema))
            self._compiled[name] = validator
        return validator

    def warm(self) -> None:
        for action in KNOWN_ACTIONS:
            self._get(action)
            self._get(f"{action}Response")

    def check(self, action: str, payload: dict[str, Any], *, response: bool) -> None:
        validator = self._get(f"{action}Response" if response else action)
        try:
            validator(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            code = _RULE_CODES.get(exc.rule or "", ErrorCode.FORMATION_VIOLATION)
            raise SchemaError(code, exc.message) from None

    def request(self, action: str, payload: dict[str, Any]) -> None:
        self.check(action, payload, response=False)

    def response(self, action: str, payload: dict[str, Any]) -> None:
        if not payload and type(payload) is dict:
            # An empty answer (MeterValues.conf, StatusNotification.conf: most of what a fleet gets) is
            # valid or not for its action once and for all.
            empty_ok = self._empty_ok.get(action)
            if empty_ok is None:
                try:
                    self._get(f"{action}Response")({})
                    empty_ok = True
                except fastjsonschema.JsonSchemaValueException:
                    empty_ok = False
                self._empty_ok[action] = empty_ok
            if empty_ok:
                return
        validator = self._responses.get(action)
        if validator is None:
            validator = self._responses[action] = self._get(f"{action}Response")
        try:
            validator(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            code = _RULE_CODES.get(exc.rule or "", ErrorCode.FORMATION_VIOLATION)
            raise SchemaError(code, exc.message) from None


validators = Validators()
