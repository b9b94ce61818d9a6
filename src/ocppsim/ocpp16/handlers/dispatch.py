"""Dispatch of CS->CP CALLs to the model: the handlers of every block's module, looked up by action.

Handlers are plain `def` that return the CALLRESULT payload. They never await the network; follow-up
CALLs (StartTransaction after RemoteStart, the message a TriggerMessage asks for) are model effects the
runtime sends after this reply (section 5.17: "send the TriggerMessage.conf first").

Adding a CS->CP message: one handler in its block's module (parse -> call the block -> build the
answer) and its entry in that module's HANDLERS; docs/architecture.md has the steps.
"""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.hardware import supports
from ocppsim.model.security.events import SecurityEvent
from ocppsim.ocpp16.framing import Call, ErrorCode
from ocppsim.ocpp16.handlers import (
    authorization,
    configuration,
    core,
    firmware,
    remote_trigger,
    reservation,
    security,
    smart_charging,
    transactions,
)
from ocppsim.ocpp16.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp16.validation import CP_ACTIONS, CS_ACTIONS, SchemaError, validators

__all__ = ["HANDLERS", "handle_call"]

HANDLERS: dict[str, Handler] = {}
for _block in (
    core,
    transactions,
    authorization,
    smart_charging,
    remote_trigger,
    reservation,
    configuration,
    firmware,
    security,
):
    assert not HANDLERS.keys() & _block.HANDLERS.keys(), "an action is handled by one block"
    HANDLERS.update(_block.HANDLERS)


# Operations of a feature profile (section 3.3) that has no answer of its own for "not supported": a charge
# point built without the profile answers them with CALLERROR NotSupported (OCPP-J 4.2.3). The Local List
# and Reservation operations answer in their blocks (-1, NotSupported, Rejected: model/hardware.py).
_PROFILE_OF: dict[str, str] = {
    "UpdateFirmware": "FirmwareManagement",
    "GetDiagnostics": "FirmwareManagement",
    "SetChargingProfile": "SmartCharging",
    "ClearChargingProfile": "SmartCharging",
    "GetCompositeSchedule": "SmartCharging",
    "TriggerMessage": "RemoteTrigger",
}


def handle_call(charger: Charger, call: Call, now: float, *, validate: bool = True) -> Payload:
    """The CALLRESULT payload for `call`, or OcppCallError (OCPP-J Table 7 codes)."""
    handler = HANDLERS.get(call.action)
    if handler is None:
        if call.action in CS_ACTIONS or call.action in CP_ACTIONS:
            raise OcppCallError(
                ErrorCode.NOT_SUPPORTED, f"{call.action} is not supported by this charge point"
            )
        raise OcppCallError(ErrorCode.NOT_IMPLEMENTED, f"unknown action {call.action!r}")
    if validate:
        try:
            validators.request(call.action, call.payload)
        except SchemaError as exc:
            # Security Whitepaper section 8: InvalidMessages, in the security log (not critical).
            charger.security.event(SecurityEvent.INVALID_MESSAGES, now, f"{call.action}: {exc.description}")
            raise OcppCallError(exc.code, exc.description) from None
    profile = _PROFILE_OF.get(call.action)
    if profile is not None and not supports(charger.config, profile):
        raise OcppCallError(ErrorCode.NOT_SUPPORTED, f"this charge point does not support {profile}")
    return handler(charger, call.payload, now)
