"""MessageInfoType (SetDisplayMessage, NotifyDisplayMessages; part 2 O01-O06) <-> the display block's
`DisplayMessage` (model/display_messages.py): times as aware ISO-8601 text on the wire, CSMS-time floats
inside; and the charger's display block as the handlers of blocks O and I reach it."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.model.display.block import Display, running_transaction_ids
from ocppsim.model.display_messages import (
    DisplayComponent,
    DisplayMessage,
    MessageFormat,
    MessagePriority,
    MessageState,
)
from ocppsim.model.types import Timestamp
from ocppsim.ocpp16.convert import format_time, parse_time

__all__ = ["display_of", "message_from_payload", "message_info", "running_transactions"]

Payload = dict[str, Any]


def _time(text: str | None) -> Timestamp | None:
    return parse_time(text) if text is not None else None


def message_from_payload(info: Payload) -> DisplayMessage:
    """A schema-valid MessageInfoType as the model's value (ValueError: a date-time that is none)."""
    content = info["message"]
    display = info.get("display")
    component = None
    if display is not None:
        evse = display.get("evse")
        component = DisplayComponent(
            display["name"],
            display.get("instance"),
            evse["id"] if evse else None,
            evse.get("connectorId") if evse else None,
        )
    state = info.get("state")
    return DisplayMessage(
        id=info["id"],
        priority=MessagePriority(info["priority"]),
        format=MessageFormat(content["format"]),
        content=content["content"],
        language=content.get("language"),
        state=MessageState(state) if state is not None else None,
        start=_time(info.get("startDateTime")),
        end=_time(info.get("endDateTime")),
        transaction_id=info.get("transactionId"),
        display=component,
    )


def message_info(m: DisplayMessage) -> Payload:
    """The MessageInfoType of a kept message, as the CSMS set it (NotifyDisplayMessages, O04)."""
    content: Payload = {"format": m.format.value, "content": m.content}
    if m.language is not None:
        content["language"] = m.language
    info: Payload = {"id": m.id, "priority": m.priority.value, "message": content}
    if m.state is not None:
        info["state"] = m.state.value
    if m.start is not None:
        info["startDateTime"] = format_time(m.start)
    if m.end is not None:
        info["endDateTime"] = format_time(m.end)
    if m.transaction_id is not None:
        info["transactionId"] = m.transaction_id
    if m.display is not None:
        component: Payload = {"name": m.display.name}
        if m.display.instance is not None:
            component["instance"] = m.display.instance
        if m.display.evse is not None:
            component["evse"] = {"id": m.display.evse}
            if m.display.connector is not None:
                component["evse"]["connectorId"] = m.display.connector
        info["display"] = component
    return info


def running_transactions(charger: Charger) -> frozenset[str]:
    """The transactionIds of the transactions running now (model/display/block.py)."""
    return running_transaction_ids(charger.state)


def display_of(charger: Charger) -> Display:
    """The charger's display block, made when first used (a fleet's chargers carry none until then)."""
    display = charger.display
    if display is None:
        display = charger.display = Display()
    return display
