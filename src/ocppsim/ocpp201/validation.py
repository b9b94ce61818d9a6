"""Schema validation with the official OCPP 2.0.1 JSON schemas of the `ocpp` package (ocpp/v201/schemas/,
named <Action>Request.json / <Action>Response.json), compiled once per action with fastjsonschema, as
ocpp16/validation.py does for 1.6; a schema violation maps to the CALLERROR codes of part 4 Table 8.
One `Validators` per version (version.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any, Final

import fastjsonschema

from ocppsim.ocpp16.validation import SchemaError
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.version import V201, OcppVersion

__all__ = ["CP_ACTIONS", "CS_ACTIONS", "SchemaError", "Validators", "validators"]

# Charging station -> CSMS actions of 2.0.1 (part 2 section "Messages"), the rest go CSMS -> station.
CP_ACTIONS: Final = frozenset(
    {
        "Authorize",
        "BootNotification",
        "ClearedChargingLimit",
        "DataTransfer",
        "FirmwareStatusNotification",
        "Get15118EVCertificate",
        "GetCertificateStatus",
        "Heartbeat",
        "LogStatusNotification",
        "MeterValues",
        "NotifyChargingLimit",
        "NotifyCustomerInformation",
        "NotifyDisplayMessages",
        "NotifyEVChargingNeeds",
        "NotifyEVChargingSchedule",
        "NotifyEvent",
        "NotifyMonitoringReport",
        "NotifyReport",
        "PublishFirmwareStatusNotification",
        "ReportChargingProfiles",
        "ReservationStatusUpdate",
        "SecurityEventNotification",
        "SignCertificate",
        "StatusNotification",
        "TransactionEvent",
    }
)

# fastjsonschema rule -> part 4 Table 8 code.
_RULE_CODES: Final = {
    "required": ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
    "minItems": ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
    "maxItems": ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
    "additionalProperties": ErrorCode.FORMAT_VIOLATION,
    "type": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "maxLength": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "minLength": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "format": ErrorCode.TYPE_CONSTRAINT_VIOLATION,
    "enum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
    "minimum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
    "maximum": ErrorCode.PROPERTY_CONSTRAINT_VIOLATION,
}


class Validators:
    """Compiled validators by (action, Request|Response), built on first use or by `warm()`."""

    def __init__(self, version: OcppVersion) -> None:
        self.version = version
        self._compiled: dict[str, Callable[[Any], Any]] = {}
        self._dir = resources.files("ocpp") / version.schemas / "schemas"
        self.actions = frozenset(
            entry.name.removesuffix("Request.json")
            for entry in self._dir.iterdir()
            if entry.name.endswith("Request.json")
        )
        self.cs_actions = self.actions - CP_ACTIONS

    def _get(self, name: str) -> Callable[[Any], Any]:
        validator = self._compiled.get(name)
        if validator is None:
            schema = json.loads((self._dir / f"{name}.json").read_text(encoding="utf-8"))
            schema.pop("$schema", None)
            schema.pop("$id", None)
            # use_default=False: fastjsonschema would otherwise write schema defaults (offline: false,
            # tbc: false ...) into the payload it checks, and a recorded frame would show fields never sent.
            validator = self._compiled[name] = fastjsonschema.compile(schema, use_default=False)
        return validator

    def warm(self) -> None:
        for action in self.actions:
            self._get(f"{action}Request")
            self._get(f"{action}Response")

    def check(self, action: str, payload: dict[str, Any], *, response: bool) -> None:
        validator = self._get(f"{action}{'Response' if response else 'Request'}")
        try:
            validator(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            raise SchemaError(
                _RULE_CODES.get(exc.rule or "", ErrorCode.FORMAT_VIOLATION), exc.message
            ) from None

    def request(self, action: str, payload: dict[str, Any]) -> None:
        self.check(action, payload, response=False)

    def response(self, action: str, payload: dict[str, Any]) -> None:
        self.check(action, payload, response=True)


validators = Validators(V201)
CS_ACTIONS: Final = validators.cs_actions
