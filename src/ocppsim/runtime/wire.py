"""What the runtime needs of a protocol adapter (`Wire`), and which adapter a charger speaks: OCPP 1.6
(ocpp16/wire.py) or 2.0.1 (ocpp201/wire.py), chosen by the WebSocket subprotocol the CSMS picked among
those the charger offered (OCPP-J 1.6 section 3.1.2, 2.0.1 part 4 section 3.1.2). The station, the
outbox and the frame exchange speak only through this; one Wire object per station."""

from __future__ import annotations

from typing import Any, Protocol

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import Request
from ocppsim.ocpp16.framing import Call, CallError, CallResult
from ocppsim.ocpp16.wire import SUBPROTOCOL as V16_SUBPROTOCOL
from ocppsim.ocpp16.wire import Wire16
from ocppsim.ocpp201.version import VERSIONS
from ocppsim.ocpp201.wire import Wire201

__all__ = ["Prepared", "SequenceRecords", "Wire", "offered_subprotocols", "wire_for"]

Payload = dict[str, Any]
# A request's action and payload built when it was queued (for the journal; 2.0.1 always).
Prepared = tuple[str, Payload]


class SequenceRecords(Protocol):
    """Where a 2.0.1 wire keeps its TransactionEvent seqNos (store.event_seq)."""

    def set_next(self, charger_id: str, tx_ref: int, next_seq: int) -> None: ...

    def forget(self, charger_id: str, tx_ref: int) -> None: ...

    def load(self, charger_id: str) -> dict[int, int]: ...


class Wire(Protocol):
    @property
    def subprotocol(self) -> str: ...

    @property
    def prepare_always(self) -> bool: ...

    def parse(self, message: str | bytes) -> Call | CallResult | CallError | None: ...

    def handle_call(self, call: Call, now: float, *, validate: bool) -> Payload: ...

    def check_response(self, action: str, payload: Payload) -> None: ...

    def wanted(self, request: Request) -> bool: ...

    def prepare(self, request: Request) -> Prepared: ...

    def outgoing(self, request: Request, prepared: Prepared | None) -> Prepared: ...

    def journal_body(self, payload: Payload) -> str: ...

    def result_changes_model(self, request: Request) -> bool: ...

    def apply_result(self, request: Request, payload: Payload, now: float) -> object: ...

    def apply_failure(self, request: Request, now: float) -> object: ...

    def bind(self, records: SequenceRecords | None) -> None:
        """Keep (and take back) what must survive a restart in `records` (None: nothing kept)."""

    @property
    def refuses_while_rejected(self) -> bool:
        """While Rejected a CSMS request gets CALLERROR SecurityError (2.0.1 B03.FR.08); False: no answer
        at all (1.6 section 4.2.1)."""

    @property
    def silence_is_failure(self) -> bool:
        """A transaction message left unanswered past MessageTimeout counts as a failed attempt (2.0.1 E13,
        TC_E_41: given up after MessageAttemptsTransactionEvent); False: it is re-sent until answered, since
        only a CALLERROR is a 'failure to process the message' (1.6 section 3.7.1, OCPP-J errata 3.2)."""

    @property
    def boots_on_reconnect(self) -> bool:
        """A restored connection starts with a BootNotification (1.6 as this simulator always did);
        False: the registration stands (2.0.1)."""

    def on_link(self, up: bool, now: float) -> None:
        """The connection came up / went down (the station, before the model hears of it)."""


def _subprotocol(version: str) -> str:
    if version == "1.6":
        return V16_SUBPROTOCOL
    return VERSIONS[version].subprotocol


def offered_subprotocols(charger: Charger) -> list[str]:
    """The Sec-WebSocket-Protocol values offered, in the charger's order of preference."""
    return [_subprotocol(version) for version in charger.params.ocpp_versions]


def wire_for(
    charger: Charger, subprotocol: str | None = None, records: SequenceRecords | None = None
) -> Wire:
    """The adapter for `subprotocol` (default: the charger's first version), bound to `records`."""
    wire = _wire(charger, subprotocol)
    wire.bind(records)
    # TxCtrlr.TxStartPoint / TxStopPoint are 2.0.1's: a charger offering both follows what was picked.
    charger.transactions.use_points(isinstance(wire, Wire201))
    return wire


def _wire(charger: Charger, subprotocol: str | None) -> Wire:
    if subprotocol is None:
        subprotocol = _subprotocol(charger.params.ocpp_versions[0])
    if subprotocol == V16_SUBPROTOCOL:
        return Wire16(charger)
    for version in VERSIONS.values():
        if version.subprotocol == subprotocol:
            return Wire201(charger, version)
    raise ValueError(f"no adapter for subprotocol {subprotocol!r}")
