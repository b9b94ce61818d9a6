"""OCPP-J RPC framing for 2.0.1 (part 4 section 4): the frames are those of 1.6 (ocpp16.framing's Call,
CallResult, CallError and encoders are reused), the error codes are 2.0.1's (Table 8): FormatViolation
(1.6: FormationViolation), OccurrenceConstraintViolation (1.6: OccurenceConstraintViolation),
RpcFrameworkError for a CALL whose message id cannot be read, MessageTypeNotSupported for an unknown
message type number (section 4.4: answered, where 1.6 ignores it)."""

from __future__ import annotations

import orjson

from ocppsim.ocpp16.framing import (
    MAX_UNIQUE_ID_LENGTH,
    UNKNOWN_ID,
    Call,
    CallError,
    CallResult,
    FrameError,
    MessageType,
)

__all__ = ["ErrorCode", "parse_frame"]


class ErrorCode:
    """CALLERROR codes of OCPP-J 2.0.1 part 4 Table 8."""

    FORMAT_VIOLATION = "FormatViolation"
    GENERIC_ERROR = "GenericError"
    INTERNAL_ERROR = "InternalError"
    MESSAGE_TYPE_NOT_SUPPORTED = "MessageTypeNotSupported"
    NOT_IMPLEMENTED = "NotImplemented"
    NOT_SUPPORTED = "NotSupported"
    OCCURRENCE_CONSTRAINT_VIOLATION = "OccurrenceConstraintViolation"
    PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation"
    PROTOCOL_ERROR = "ProtocolError"
    RPC_FRAMEWORK_ERROR = "RpcFrameworkError"
    SECURITY_ERROR = "SecurityError"
    TYPE_CONSTRAINT_VIOLATION = "TypeConstraintViolation"


def parse_frame(text: str | bytes) -> Call | CallResult | CallError | None:
    """One WebSocket message. None: a response to ignore (malformed); FrameError: a CALLERROR is owed."""
    try:
        frame = orjson.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FrameError(ErrorCode.RPC_FRAMEWORK_ERROR, f"invalid JSON: {exc}") from None
    if (
        not isinstance(frame, list)
        or not frame
        or isinstance(frame[0], bool)
        or not isinstance(frame[0], int)
    ):
        raise FrameError(
            ErrorCode.RPC_FRAMEWORK_ERROR, "a frame must be an array starting with a message type"
        )
    kind = frame[0]
    unique_id = frame[1] if len(frame) > 1 and isinstance(frame[1], str) else None
    if kind == MessageType.CALL:
        if unique_id is None or not unique_id or len(unique_id) > MAX_UNIQUE_ID_LENGTH:
            raise FrameError(ErrorCode.RPC_FRAMEWORK_ERROR, "the messageId could not be read", UNKNOWN_ID)
        if len(frame) != 4 or not isinstance(frame[2], str):
            raise FrameError(
                ErrorCode.RPC_FRAMEWORK_ERROR, "CALL must be [2, messageId, action, {payload}]", unique_id
            )
        if not isinstance(frame[3], dict):
            raise FrameError(ErrorCode.FORMAT_VIOLATION, "the payload of a CALL must be an object", unique_id)
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
    # Section 4.4: an unknown message type is answered with MessageTypeNotSupported.
    raise FrameError(
        ErrorCode.MESSAGE_TYPE_NOT_SUPPORTED, f"message type {kind} is not supported", unique_id or UNKNOWN_ID
    )
