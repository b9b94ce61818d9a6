"""The ChargePointStatus state machine of OCPP 1.6 section 4.9 as data.

`TRANSITIONS` is the spec's table "allowed transitions" (from row -> to column) with the spec's own
trigger codes (A2 = Available -> Preparing: usage starts, ...). The charger derives every status change
from connector facts and checks it against this table; a test walks the whole table.
"""

from __future__ import annotations

from typing import Final

from ocppsim.model.types import ChargePointErrorCode, ChargePointStatus

__all__ = [
    "CONNECTOR_ZERO_STATUSES",
    "TRANSACTION_STATES",
    "TRANSITIONS",
    "WARNING_ONLY_ERRORS",
    "IllegalTransitionError",
    "is_allowed",
    "trigger_code",
]

S = ChargePointStatus

# (from, to) -> trigger code of OCPP 1.6 edition 2, section 4.9 table "state transitions".
TRANSITIONS: Final[dict[tuple[ChargePointStatus, ChargePointStatus], str]] = {
    (S.AVAILABLE, S.PREPARING): "A2",
    (S.AVAILABLE, S.CHARGING): "A3",
    (S.AVAILABLE, S.SUSPENDED_EV): "A4",
    (S.AVAILABLE, S.SUSPENDED_EVSE): "A5",
    (S.AVAILABLE, S.RESERVED): "A7",
    (S.AVAILABLE, S.UNAVAILABLE): "A8",
    (S.AVAILABLE, S.FAULTED): "A9",
    (S.PREPARING, S.AVAILABLE): "B1",
    (S.PREPARING, S.CHARGING): "B3",
    (S.PREPARING, S.SUSPENDED_EV): "B4",
    (S.PREPARING, S.SUSPENDED_EVSE): "B5",
    (S.PREPARING, S.FINISHING): "B6",
    (S.PREPARING, S.FAULTED): "B9",
    (S.CHARGING, S.AVAILABLE): "C1",
    (S.CHARGING, S.SUSPENDED_EV): "C4",
    (S.CHARGING, S.SUSPENDED_EVSE): "C5",
    (S.CHARGING, S.FINISHING): "C6",
    (S.CHARGING, S.UNAVAILABLE): "C8",
    (S.CHARGING, S.FAULTED): "C9",
    (S.SUSPENDED_EV, S.AVAILABLE): "D1",
    (S.SUSPENDED_EV, S.CHARGING): "D3",
    (S.SUSPENDED_EV, S.SUSPENDED_EVSE): "D5",
    (S.SUSPENDED_EV, S.FINISHING): "D6",
    (S.SUSPENDED_EV, S.UNAVAILABLE): "D8",
    (S.SUSPENDED_EV, S.FAULTED): "D9",
    (S.SUSPENDED_EVSE, S.AVAILABLE): "E1",
    (S.SUSPENDED_EVSE, S.CHARGING): "E3",
    (S.SUSPENDED_EVSE, S.SUSPENDED_EV): "E4",
    (S.SUSPENDED_EVSE, S.FINISHING): "E6",
    (S.SUSPENDED_EVSE, S.UNAVAILABLE): "E8",
    (S.SUSPENDED_EVSE, S.FAULTED): "E9",
    (S.FINISHING, S.AVAILABLE): "F1",
    (S.FINISHING, S.PREPARING): "F2",
    (S.FINISHING, S.UNAVAILABLE): "F8",
    (S.FINISHING, S.FAULTED): "F9",
    (S.RESERVED, S.AVAILABLE): "G1",
    (S.RESERVED, S.PREPARING): "G2",
    (S.RESERVED, S.UNAVAILABLE): "G8",
    (S.RESERVED, S.FAULTED): "G9",
    (S.UNAVAILABLE, S.AVAILABLE): "H1",
    (S.UNAVAILABLE, S.PREPARING): "H2",
    (S.UNAVAILABLE, S.CHARGING): "H3",
    (S.UNAVAILABLE, S.SUSPENDED_EV): "H4",
    (S.UNAVAILABLE, S.SUSPENDED_EVSE): "H5",
    (S.UNAVAILABLE, S.FAULTED): "H9",
    (S.FAULTED, S.AVAILABLE): "I1",
    (S.FAULTED, S.PREPARING): "I2",
    (S.FAULTED, S.CHARGING): "I3",
    (S.FAULTED, S.SUSPENDED_EV): "I4",
    (S.FAULTED, S.SUSPENDED_EVSE): "I5",
    (S.FAULTED, S.FINISHING): "I6",
    (S.FAULTED, S.RESERVED): "I7",
    (S.FAULTED, S.UNAVAILABLE): "I8",
}

# Connector 0 (the charge point itself) only reports these (section 4.9).
CONNECTOR_ZERO_STATUSES: Final = frozenset({S.AVAILABLE, S.UNAVAILABLE, S.FAULTED})

# "In a transaction state" in the compatibility contract's words.
TRANSACTION_STATES: Final = frozenset({S.CHARGING, S.SUSPENDED_EV, S.SUSPENDED_EVSE})

# EVCommunicationError is "a warning only"; LocalListConflict, ReaderFailure, ResetFailure and WeakSignal
# leave the charger operative (section 7.6). Every other code injected as a fault means Faulted.
WARNING_ONLY_ERRORS: Final = frozenset(
    {
        ChargePointErrorCode.EV_COMMUNICATION_ERROR,
        ChargePointErrorCode.LOCAL_LIST_CONFLICT,
        ChargePointErrorCode.READER_FAILURE,
        ChargePointErrorCode.RESET_FAILURE,
        ChargePointErrorCode.WEAK_SIGNAL,
    }
)


class IllegalTransitionError(ValueError):
    """A status change the OCPP 1.6 transition table does not allow."""


def is_allowed(old: ChargePointStatus, new: ChargePointStatus) -> bool:
    return (old, new) in TRANSITIONS


def trigger_code(old: ChargePointStatus, new: ChargePointStatus) -> str | None:
    return TRANSITIONS.get((old, new))
