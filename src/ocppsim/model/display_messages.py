"""The values of the display block (model/display/; OCPP 2.0.1 part 2 O01-O06, MessageInfoType and its
enumerations in the SetDisplayMessage schema): a display message as the CSMS set it, with its wire
strings as StrEnums. Shared kernel: the requests (outgoing.py) and the device model use them too."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ocppsim.model.types import Timestamp

__all__ = [
    "DISPLAY_CAPACITY",
    "DisplayComponent",
    "DisplayMessage",
    "DisplayMessageStatus",
    "MessageFormat",
    "MessagePriority",
    "MessageState",
]


# How many messages the display keeps (DisplayMessageCtrlr.DisplayMessages maxLimit; a SetDisplayMessage
# beyond it is Rejected).
DISPLAY_CAPACITY = 16


class MessagePriority(StrEnum):
    """MessagePriorityEnumType: AlwaysFront is shown alone (the newest of them), InFront messages are
    cycled in front of the NormalCycle ones."""

    ALWAYS_FRONT = "AlwaysFront"
    IN_FRONT = "InFront"
    NORMAL_CYCLE = "NormalCycle"


class MessageState(StrEnum):
    """MessageStateEnumType: the station state during which a message is shown."""

    CHARGING = "Charging"
    FAULTED = "Faulted"
    IDLE = "Idle"
    UNAVAILABLE = "Unavailable"


class MessageFormat(StrEnum):
    """MessageFormatEnumType."""

    ASCII = "ASCII"
    HTML = "HTML"
    URI = "URI"
    UTF8 = "UTF8"


class DisplayMessageStatus(StrEnum):
    """DisplayMessageStatusEnumType (SetDisplayMessageResponse)."""

    ACCEPTED = "Accepted"
    NOT_SUPPORTED_MESSAGE_FORMAT = "NotSupportedMessageFormat"
    REJECTED = "Rejected"
    NOT_SUPPORTED_PRIORITY = "NotSupportedPriority"
    NOT_SUPPORTED_STATE = "NotSupportedState"
    UNKNOWN_TRANSACTION = "UnknownTransaction"


@dataclass(frozen=True, slots=True)
class DisplayComponent:
    """MessageInfoType.display: the display (component) the message is for, when the CSMS named one."""

    name: str
    instance: str | None = None
    evse: int | None = None
    connector: int | None = None


@dataclass(frozen=True, slots=True)
class DisplayMessage:
    """MessageInfoType. Times are the CSMS's (the charger's clock plus its offset, `ChargerState.ts`);
    `transaction_id` binds the message to a transaction (O02): it goes when the transaction ends."""

    id: int
    priority: MessagePriority
    format: MessageFormat
    content: str
    language: str | None = None
    state: MessageState | None = None
    start: Timestamp | None = None
    end: Timestamp | None = None
    transaction_id: str | None = None
    display: DisplayComponent | None = None
