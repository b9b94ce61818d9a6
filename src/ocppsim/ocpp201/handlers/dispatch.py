"""Dispatch of 2.0.1 CS->CP CALLs to the handlers of each block's module, looked up by action: an
action 2.0.1 does not know is NotImplemented, one it knows but this station does not serve NotSupported
(part 4 Table 8); the payload is validated against the version's schema first."""

from __future__ import annotations

from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.handlers import (
    authorization,
    core,
    cost,
    device_model,
    display,
    monitoring,
    remote_trigger,
    reservations,
    security,
    smart_charging,
    transactions,
)
from ocppsim.ocpp201.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp201.session import Session
from ocppsim.ocpp201.validation import SchemaError, Validators

__all__ = ["HANDLERS", "handle_call"]

HANDLERS: dict[str, Handler] = {}
for _block in (
    core,
    transactions,
    authorization,
    smart_charging,
    remote_trigger,
    security,
    device_model,
    reservations,
    display,
    cost,
    monitoring,
):
    assert not HANDLERS.keys() & _block.HANDLERS.keys(), "an action is handled by one block"
    HANDLERS.update(_block.HANDLERS)


def handle_call(
    session: Session, validators: Validators, call: Call, now: float, *, validate: bool
) -> Payload:
    handler = HANDLERS.get(call.action)
    if handler is None:
        if call.action in validators.actions:
            raise OcppCallError(
                ErrorCode.NOT_SUPPORTED, f"{call.action} is not supported by this charging station"
            )
        raise OcppCallError(ErrorCode.NOT_IMPLEMENTED, f"unknown action {call.action!r}")
    if validate:
        try:
            validators.request(call.action, call.payload)
        except SchemaError as exc:
            raise OcppCallError(exc.code, exc.description) from None
    return handler(session, call.payload, now)
