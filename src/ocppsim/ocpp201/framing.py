"""OCPP-J framing for 2.0.1 (part 4 section 4): the frames of ocppj.framing with 2.0.1's error codes
(Table 8): FormatViolation (1.6: FormationViolation), OccurrenceConstraintViolation (1.6:
OccurenceConstraintViolation), RpcFrameworkError for a message that is no readable RPC frame (e.g. its
message id cannot be read), MessageTypeNotSupported for an unknown message type number (section 4.4:
answered, where 1.6 ignores it)."""

from __future__ import annotations

from ocppsim.ocppj.framing import Call, CallError, CallResult, FramingRules
from ocppsim.ocppj.framing import parse_frame as parse_ocppj_frame

__all__ = ["RULES", "ErrorCode", "parse_frame"]


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


RULES = FramingRules(
    malformed=ErrorCode.RPC_FRAMEWORK_ERROR,
    bad_payload=ErrorCode.FORMAT_VIOLATION,
    unknown_type=ErrorCode.MESSAGE_TYPE_NOT_SUPPORTED,
)


def parse_frame(text: str | bytes) -> Call | CallResult | CallError | None:
    """One WebSocket message. None: a response to ignore (malformed); FrameError: a CALLERROR is owed."""
    return parse_ocppj_frame(text, RULES)
