"""The 1.6 adapter as the runtime sees it (runtime/wire.py `Wire`): the functions of framing, handlers,
convert and results behind one object per station. Payloads are built when sent (a journaled
transaction message is built once, when queued, without its transactionId: errata 3.18)."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.model.monitoring.requests import NotifyEventReq
from ocppsim.model.outgoing import Request, ReservationStatusUpdateReq
from ocppsim.ocpp16.convert import journal_body, request_payload
from ocppsim.ocpp16.framing import Call, CallError, CallResult, parse_frame
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.results import apply_failure, apply_result, result_changes_model
from ocppsim.ocpp16.validation import validators

__all__ = ["SUBPROTOCOL", "Wire16"]

SUBPROTOCOL = "ocpp1.6"
Payload = dict[str, Any]


class Wire16:
    __slots__ = ("charger",)

    subprotocol = SUBPROTOCOL
    prepare_always = False
    boots_on_reconnect = True
    refuses_while_rejected = False
    silence_is_failure = False

    def __init__(self, charger: Charger) -> None:
        self.charger = charger

    def parse(self, message: str | bytes) -> Call | CallResult | CallError | None:
        return parse_frame(message)

    def handle_call(self, call: Call, now: float, *, validate: bool) -> Payload:
        return handle_call(self.charger, call, now, validate=validate)

    def check_response(self, action: str, payload: Payload) -> None:
        validators.response(action, payload)

    def wanted(self, request: Request) -> bool:
        # A charger offering 2.0.1 that a CSMS took on 1.6: 2.0.1's H04 ReservationStatusUpdate and its
        # device-model monitors' NotifyEvent have no 1.6 message (1.6 section 5.13; 2.0.1 N07).
        return not isinstance(request, (ReservationStatusUpdateReq, NotifyEventReq))

    def prepare(self, request: Request) -> tuple[str, Payload]:
        return request.ACTION, request_payload(request, None)

    def outgoing(self, request: Request, prepared: tuple[str, Payload] | None) -> tuple[str, Payload]:
        tx_id = None
        tx_ref = getattr(request, "tx_ref", None)
        if tx_ref is not None:
            tx_id = self.charger.transactions.transaction_id_for(tx_ref)
        return request.ACTION, request_payload(request, tx_id, prepared[1] if prepared is not None else None)

    def journal_body(self, payload: Payload) -> str:
        return journal_body(payload)

    def result_changes_model(self, request: Request) -> bool:
        return result_changes_model(request)

    def apply_result(self, request: Request, payload: Payload, now: float) -> object:
        return apply_result(self.charger, request, payload, now)

    def apply_failure(self, request: Request, now: float) -> object:
        return apply_failure(self.charger, request, now)

    def bind(self, records: object) -> None:
        """Nothing of 1.6's wire outlives the connection (transaction ids are the model's)."""

    def on_link(self, up: bool, now: float) -> None:
        """Nothing to do: the model boots again on every connection."""
