"""OCPP-J RPC framing (1.6 OCPP-J section 4, 2.0.1 part 4 section 4): CALL, CALLRESULT, CALLERROR as JSON
arrays. The frames are the same in both versions; `FramingRules` carries what is not: the CALLERROR code
names (1.6 FormationViolation, 2.0.1 FormatViolation / RpcFrameworkError) and what an unknown message
type gets (1.6: ignored, 2.0.1: MessageTypeNotSupported).

Our own, not the `ocpp` library's: its call path costs ~650 us per message, the framing here a few us.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson

__all__ = [
    "MAX_UNIQUE_ID_LENGTH",
    "UNKNOWN_ID",
    "Call",
    "CallError",
    "CallResult",
    "FrameError",
    "FramingRules",
    "MessageType",
    "call_frame",
    "encode_call",
    "encode_error",
    "encode_result",
    "error_frame",
    "parse_frame",
    "result_frame",
]

MAX_UNIQUE_ID_LENGTH = 36
# OCPP 2.0.1 part 4 section 4.2.3 (and common 1.6 practice): a CALLERROR for a message whose id cannot be
# read uses "-1".
UNKNOWN_ID = "-1"


class MessageType(IntEnum):
    CALL = 2
    CALLRESULT = 3
    CALLERROR = 4


@dataclass(frozen=True, slots=True)
class FramingRules:
    """What one protocol version's OCPP-J answers to a frame it cannot take."""

    # A message that is not a readable RPC frame (no JSON array, no message type, no readable id, a CALL
    # without an action): 1.6 FormationViolation, 2.0.1 RpcFrameworkError.
    malformed: str
    # A CALL whose payload is not a JSON object: 1.6 FormationViolation, 2.0.1 FormatViolation.
    bad_payload: str
    # The code for an unknown message type number; None: the frame is ignored (1.6 OCPP-J section 4.1.3;
    # 2.0.1 part 4 section 4.4 answers it with MessageTypeNotSupported).
    unknown_type: str | None


@dataclass(frozen=True, slots=True)
class Call:
    unique_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallResult:
    unique_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallError:
    unique_id: str
    code: str
    description: str
    details: dict[str, Any]


class FrameError(Exception):
    """A frame we owe a CALLERROR for (only CALLs are answered; responses are never answered)."""

    def __init__(self, code: str, description: str, unique_id: str = UNKNOWN_ID) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.unique_id = unique_id


def parse_frame(text: str | bytes, rules: FramingRules) -> Call | CallResult | CallError | None:
    """Parse one WebSocket message. None: a frame to ignore (a malformed response, and with
    `rules.unknown_type` None an unknown message type); FrameError: a CALLERROR is owed."""
    try:
        frame = orjson.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FrameError(rules.malformed, f"invalid JSON: {exc}") from None
    if (
        not isinstance(frame, list)
        or not frame
        or isinstance(frame[0], bool)
        or not isinstance(frame[0], int)
    ):
        raise FrameError(rules.malformed, "a frame must be an array starting with a message type")
    kind = frame[0]
    unique_id = frame[1] if len(frame) > 1 and isinstance(frame[1], str) else None
    if kind == MessageType.CALL:
        if unique_id is None or len(unique_id) > MAX_UNIQUE_ID_LENGTH:
            raise FrameError(rules.malformed, "the uniqueId could not be read", UNKNOWN_ID)
        # An empty id is read (and echoed) but is no id: the uniqueId is 1-36 characters.
        if not unique_id:
            raise FrameError(rules.malformed, "the uniqueId must be 1-36 characters", unique_id)
        if len(frame) != 4 or not isinstance(frame[2], str):
            raise FrameError(rules.malformed, "CALL must be [2, uniqueId, action, {payload}]", unique_id)
        if not isinstance(frame[3], dict):
            raise FrameError(rules.bad_payload, "the payload of a CALL must be an object", unique_id)
        return Call(unique_id, frame[2], frame[3])
    if kind == MessageType.CALLRESULT:
        if len(frame) != 3 or unique_id is None or not isinstance(frame[2], dict):
            return None
        return CallResult(unique_id, frame[2])
    if kind == MessageType.CALLERROR:
        if len(frame) < 4 or unique_id is None or not isinstance(frame[2], str):
            return None
        description = frame[3] if isinstance(frame[3], str) else ""
        details = frame[4] if len(frame) > 4 and isinstance(frame[4], dict) else {}
        return CallError(unique_id, frame[2], description, details)
    if rules.unknown_type is None:
        return None
    raise FrameError(rules.unknown_type, f"message type {kind} is not supported", unique_id or UNKNOWN_ID)


# orjson: several times faster than json for OCPP-sized frames (the fleet's per-message path). The
# encode_* forms give the UTF-8 bytes a WebSocket text frame carries (the station's path: no str between);
# the *_frame forms give text.


def encode_call(unique_id: str, action: str, payload: dict[str, Any]) -> bytes:
    return orjson.dumps([2, unique_id, action, payload])


def encode_result(unique_id: str, payload: dict[str, Any]) -> bytes:
    return orjson.dumps([3, unique_id, payload])


def encode_error(
    unique_id: str, code: str, description: str = "", details: dict[str, Any] | None = None
) -> bytes:
    return orjson.dumps([4, unique_id, code, description, details or {}])


def call_frame(unique_id: str, action: str, payload: dict[str, Any]) -> str:
    return encode_call(unique_id, action, payload).decode()


def result_frame(unique_id: str, payload: dict[str, Any]) -> str:
    return encode_result(unique_id, payload).decode()


def error_frame(
    unique_id: str, code: str, description: str = "", details: dict[str, Any] | None = None
) -> str:
    return encode_error(unique_id, code, description, details).decode()
