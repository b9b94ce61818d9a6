"""Shared by the handler tests: one CS->CP CALL through the adapter, its answer checked against the schema."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.validation import validators

T0 = 1_700_000_000.0


def call(ch: Charger, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    result = handle_call(ch, Call("1", action, payload), T0)
    validators.response(action, result)  # every answer is schema-valid
    return result
