"""OCPP-J 1.6 framing: the frames of ocppj.framing (re-exported here for the 1.6 adapter and its users)
with 1.6's CALLERROR codes (OCPP-J 1.6 Table 7): a malformed frame is a FormationViolation, and a frame
of an unknown message type is ignored (OCPP-J 1.6 section 4.1.3)."""

from __future__ import annotations

from ocppsim.ocppj.framing import (
    MAX_UNIQUE_ID_LENGTH,
    UNKNOWN_ID,
    Call,
    CallError,
    CallResult,
    FrameError,
    FramingRules,
    MessageType,
    call_frame,
    encode_call,
    encode_error,
    encode_result,
    error_frame,
    result_frame,
)
from ocppsim.ocppj.framing import parse_frame as parse_ocppj_frame

__all__ = [
    "MAX_UNIQUE_ID_LENGTH",
    "RULES",
    "UNKNOWN_ID",
    "Call",
    "CallError",
    "CallResult",
    "ErrorCode",
    "FrameError",
    "MessageType",
    "call_frame",
    "encode_call",
    "encode_error",
    "encode_result",
    "error_frame",
    "parse_frame",
    "result_frame",
]


class ErrorCode:
    """CALLERROR codes of OCPP-J 1.6 Table 7 (1.6 spellings, typos included)."""

    NOT_IMPLEMENTED = "NotImplemented"
    NOT_SUPPORTED = "NotSupported"
    INTERNAL_ERROR = "InternalError"
    PROTOCOL_ERROR = "ProtocolError"
    SECURITY_ERROR = "SecurityError"
    FORMATION_VIOLATION = "FormationViolation"
    PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation"
    OCCURENCE_CONSTRAINT_VIOLATION = "OccurenceConstraintViolation"
    TYPE_CONSTRAINT_VIOLATION = "TypeConstraintViolation"
    GENERIC_ERROR = "GenericError"


RULES = FramingRules(
    malformed=ErrorCode.FORMATION_VIOLATION,
    bad_payload=ErrorCode.FORMATION_VIOLATION,
    unknown_type=None,
)


def parse_frame(text: str | bytes) -> Call | CallResult | CallError | None:
    """Parse one WebSocket message. None: a frame to ignore (unknown type, malformed response)."""
    return parse_ocppj_frame(text, RULES)
