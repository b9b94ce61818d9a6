"""CS->CP operations of the display message block in 2.0.1 (part 2 O): SetDisplayMessage (O01, O02 for a
transaction, O06 replace), GetDisplayMessages answered by NotifyDisplayMessages (O03, O04),
ClearDisplayMessage (O05); the rules are the display block's (model/display/block.py)."""

from __future__ import annotations

from ocppsim.model.display_messages import DisplayMessageStatus, MessagePriority, MessageState
from ocppsim.model.outgoing import NotifyDisplayMessagesReq
from ocppsim.ocpp201.display import display_of, message_from_payload, running_transactions
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]

# Messages per NotifyDisplayMessages: a longer answer goes in parts of one requestId, all but the last
# with tbc true (O04). DisplayMessageCtrlr has no ItemsPerMessage: the station's own choice.
_PER_PART = 8


def _set_display_message(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    config = charger.config
    if not config.get_bool("DisplayMessageCtrlr.Enabled"):
        return {"status": DisplayMessageStatus.REJECTED.value}
    try:
        message = message_from_payload(p["message"])
    except ValueError as exc:
        raise OcppCallError(ErrorCode.TYPE_CONSTRAINT_VIOLATION, f"message: {exc}") from None
    status = display_of(charger).set_message(
        message,
        charger.state.ts(now),
        running_transactions(charger),
        formats=config.raw("DisplayMessageCtrlr.SupportedFormats").split(","),
        priorities=config.raw("DisplayMessageCtrlr.SupportedPriorities").split(","),
    )
    return {"status": status.value}


def _get_display_messages(session: Session, p: Payload, now: float) -> Payload:
    """O03/O04: Unknown when no message matches every criterion given; else Accepted, and the messages
    follow in NotifyDisplayMessages (after this answer: the model's effects go after the CALLRESULT)."""
    charger = session.charger
    priority = p.get("priority")
    state = p.get("state")
    found = (
        display_of(charger).get_messages(
            charger.state.ts(now),
            running_transactions(charger),
            ids=p.get("id"),
            priority=MessagePriority(priority) if priority is not None else None,
            state=MessageState(state) if state is not None else None,
        )
        if charger.display is not None
        else ()
    )
    if not found:
        return {"status": "Unknown"}
    request_id = p["requestId"]
    for start in range(0, len(found), _PER_PART):
        part = found[start : start + _PER_PART]
        charger.state.emit(NotifyDisplayMessagesReq(request_id, part, start + _PER_PART < len(found)))
    return {"status": "Accepted"}


def _clear_display_message(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    display = charger.display
    cleared = display is not None and display.clear_message(
        p["id"], charger.state.ts(now), running_transactions(charger)
    )
    return {"status": "Accepted" if cleared else "Unknown"}


HANDLERS: dict[str, Handler] = {
    "SetDisplayMessage": _set_display_message,
    "GetDisplayMessages": _get_display_messages,
    "ClearDisplayMessage": _clear_display_message,
}
