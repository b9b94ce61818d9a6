"""The 2.0.1 adapter as the runtime sees it (runtime/wire.py `Wire`): parse frames, answer CS->CP
CALLs, turn the model's requests into 2.0.1 messages and feed their answers back. One per station: it
holds the station's `Session` (seqNo, last statuses, remoteStartIds ...).

Every message is built when the model queues it (`prepare`), not when it is sent: a TransactionEvent's
seqNo and `offline` flag are facts of that moment (E01: offline = "the event occurred while offline"),
and its journal row (runtime/outbox.py) is then the frame's payload as it will go, transactionId
included (the station gives it, convert.py), so a replay after a crash needs nothing filled in."""

from __future__ import annotations

from typing import Any

import orjson

from ocppsim.model.charger import Charger
from ocppsim.model.meter import MeterValue
from ocppsim.model.outgoing import (
    AuthorizeReq,
    BootNotificationReq,
    DiagnosticsStatusNotificationReq,
    FirmwareStatusNotificationReq,
    IdTagInfo,
    MeterValuesReq,
    ReplayedReq,
    Request,
    SignCertificateReq,
    SignedFirmwareStatusNotificationReq,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
    TransactionUpdateReq,
)
from ocppsim.model.types import AuthorizationStatus, ReadingContext, RegistrationStatus, ValueFormat
from ocppsim.ocpp16.framing import Call, CallError, CallResult
from ocppsim.ocpp201 import convert
from ocppsim.ocpp201.framing import parse_frame
from ocppsim.ocpp201.handlers.dispatch import handle_call
from ocppsim.ocpp201.session import SequenceRecords, Session
from ocppsim.ocpp201.validation import Validators
from ocppsim.ocpp201.validation import validators as v201_validators
from ocppsim.ocpp201.version import V201, OcppVersion

__all__ = ["Wire201"]

Payload = dict[str, Any]
_ACCEPTED = IdTagInfo(AuthorizationStatus.ACCEPTED)
_TX_CONTEXTS = (ReadingContext.SAMPLE_PERIODIC, ReadingContext.SAMPLE_CLOCK)
_BEGIN_END = (ReadingContext.TRANSACTION_BEGIN, ReadingContext.TRANSACTION_END)
_BEGIN = ReadingContext.TRANSACTION_BEGIN
_SIGNED_DATA = ValueFormat.SIGNED_DATA


class Wire201:
    __slots__ = (
        "_key_sent",
        "charger",
        "meter_public_key",
        "session",
        "signed_begin",
        "subprotocol",
        "validators",
    )

    prepare_always = True
    boots_on_reconnect = False
    refuses_while_rejected = True
    silence_is_failure = True

    def __init__(
        self, charger: Charger, version: OcppVersion = V201, validators: Validators | None = None
    ) -> None:
        self.charger = charger
        self.session = Session(charger, version)
        self.subprotocol = version.subprotocol
        self.validators = validators or v201_validators
        # Signed meter values: the signing meter's public key (base64 of DER), set by the runtime that
        # holds the key (runtime/model_driver.py); the transactions whose events carried it already.
        self.meter_public_key: str | None = None
        self._key_sent: set[int] = set()
        # Signed meter values: the signed start reading (OCMF document) of a transaction whose Started
        # event is being built, by tx_ref (runtime/model_driver.py puts it, `_started` takes it).
        self.signed_begin: dict[int, str] = {}

    # ------------------------------------------------------------------ frames and CS -> CP calls

    def parse(self, message: str | bytes) -> Call | CallResult | CallError | None:
        return parse_frame(message)

    def handle_call(self, call: Call, now: float, *, validate: bool) -> Payload:
        return handle_call(self.session, self.validators, call, now, validate=validate)

    def bind(self, records: SequenceRecords | None) -> None:
        self.session.bind(records)

    def on_link(self, up: bool, now: float) -> None:
        threshold = self.charger.config.get_int("OCPPCommCtrlr.OfflineThreshold")
        self.session.link(up, now, threshold)

    def check_response(self, action: str, payload: Payload) -> None:
        self.validators.response(action, payload)

    # ------------------------------------------------------------------ CP -> CS requests

    def wanted(self, request: Request) -> bool:
        """Whether a model request becomes a 2.0.1 message at all (see convert.py's table)."""
        session = self.session
        if isinstance(request, StatusNotificationReq):
            if request.connector_id == 0:
                return False
            status = self._status(request)
            if session.statuses.get(request.connector_id) == status:
                return False  # G01.FR.01: on a change of connectorStatus only
            session.statuses[request.connector_id] = status
            return True
        if isinstance(request, BootNotificationReq):
            session.statuses.clear()  # after the boot every connector's status goes again (B01.FR.05)
            return True
        if isinstance(request, DiagnosticsStatusNotificationReq):
            # 1.6 GetDiagnostics has no 2.0.1 counterpart (GetLog is the security block's, which sends
            # LogStatusNotificationReq): a 2.0.1 station has no diagnostics status to report.
            return False
        if isinstance(request, MeterValuesReq):
            # A transaction's Transaction.Begin / .End values travel in its Started / Ended events
            # (TxStartedMeasurands, TxEndedMeasurands: J02), not as MeterValues of their own.
            # So do the signed readings (runtime/model_driver.py, `_started`, `_ended`).
            return request.tx_ref is None or request.context not in _BEGIN_END
        return True

    def _status(self, request: StatusNotificationReq) -> str:
        """ConnectorStatusEnumType: 1.6's Finishing is Occupied, unless the connector was made
        Inoperative while in use: once its transaction has ended it is Unavailable (G03, TC_G_11),
        the cable still in or not."""
        status = convert.connector_status(request.status)
        c = self.charger.state.connectors.get(request.connector_id)
        if status == "Occupied" and c is not None and c.tx is None and not c.operative:
            return "Unavailable"
        return status

    def prepare(self, request: Request) -> tuple[str, Payload]:
        """Action and payload, built when the model queues the request (module docstring)."""
        action, payload = self._prepare(request)
        tx_ref = getattr(request, "tx_ref", None)
        if tx_ref is not None and action == "TransactionEvent":
            queued = self.session.queued
            queued[tx_ref] = queued.get(tx_ref, 0) + 1
        return action, payload

    def _settled(self, request: Request) -> None:
        """An event left the queue (answered, or dropped after its attempts)."""
        tx_ref = getattr(request, "tx_ref", None)
        queued = self.session.queued
        if tx_ref is not None and tx_ref in queued:
            if queued[tx_ref] <= 1:
                del queued[tx_ref]
            else:
                queued[tx_ref] -= 1

    def _prepare(self, request: Request) -> tuple[str, Payload]:
        if isinstance(request, ReplayedReq):
            return request.action, orjson.loads(request.body)
        session = self.session
        if isinstance(request, BootNotificationReq):
            return "BootNotification", convert.boot_payload(request, session.boot_reason)
        if isinstance(request, StatusNotificationReq):
            return "StatusNotification", {
                "timestamp": convert.format_time(request.timestamp),
                "connectorStatus": self._status(request),
                "evseId": request.connector_id,
                "connectorId": 1,
            }
        if isinstance(request, StartTransactionReq):
            return "TransactionEvent", self._started(request)
        if isinstance(request, StopTransactionReq):
            return "TransactionEvent", self._ended(request)
        if isinstance(request, TransactionUpdateReq):
            return "TransactionEvent", self._changed(request)
        if isinstance(request, MeterValuesReq) and request.tx_ref is not None:
            triggered = (
                request.context is ReadingContext.TRIGGER and request.connector_id in session.trigger_tx
            )
            if triggered or request.context in _TX_CONTEXTS:
                session.trigger_tx.discard(request.connector_id)
                return "TransactionEvent", self._updated(request, triggered)
        id_type = session.id_token_type(request.id_tag) if isinstance(request, AuthorizeReq) else ""
        built = convert.simple_payload(request, id_type)
        if built is None:
            raise TypeError(f"no 2.0.1 message for {type(request).__name__}")
        return built

    def outgoing(self, request: Request, prepared: tuple[str, Payload] | None) -> tuple[str, Payload]:
        return prepared if prepared is not None else self.prepare(request)

    def journal_body(self, payload: Payload) -> str:
        return convert.journal_text(payload)

    def _event(self, event_type: str, tx_ref: int, trigger: str, timestamp: float) -> Payload:
        payload: Payload = {
            "eventType": event_type,
            "timestamp": convert.format_time(timestamp),
            "triggerReason": trigger,
            "seqNo": self.session.next_seq(tx_ref),
            "transactionInfo": {"transactionId": convert.transaction_id(tx_ref)},
        }
        if not self.charger.connected:
            payload["offline"] = True
        return payload

    def _id_token(self, id_tag: str, id_token_type: str | None) -> Payload:
        """IdTokenType with the type the token came with (the model keeps it with the transaction, so
        that a reconnect does not lose it), else what this connection learnt, else ISO14443."""
        return {"idToken": id_tag, "type": id_token_type or self.session.id_token_type(id_tag)}

    def _started(self, req: StartTransactionReq) -> Payload:
        session = self.session
        # F02.FR.01: the first event after RequestStartTransaction says RemoteStart; a transaction
        # started before its token (TxStartPoint EVConnected ...) gets it with the token (_changed).
        remote_id = session.remote_ids.pop(req.connector_id, None) if req.id_tag else None
        trigger = "RemoteStart" if remote_id is not None else req.trigger or "Authorized"
        payload = self._event("Started", req.tx_ref, trigger, req.timestamp)
        info = payload["transactionInfo"]
        if req.charging_state is not None:
            info["chargingState"] = req.charging_state  # TxCtrlr points (model/transactions/points.py)
        else:
            c = self.charger.state.connectors.get(req.connector_id)
            # TxStartPoint Authorized (E03): a transaction may start before the cable: Idle until it comes.
            info["chargingState"] = "EVConnected" if c is None or c.plugged else "Idle"
        if remote_id is not None:
            info["remoteStartId"] = remote_id
        if req.id_tag:
            payload["idToken"] = self._id_token(req.id_tag, req.id_token_type)
        payload["evse"] = {"id": req.connector_id, "connectorId": 1}
        session.evse_of[req.tx_ref] = req.connector_id
        if req.reservation_id is not None:
            payload["reservationId"] = req.reservation_id
        document = self.signed_begin.pop(req.tx_ref, None)
        if document is not None:
            # Signed meter values (J02; E01 TxStartPoint DataSigned, TC_E_11 step 3): the Started event
            # carries the signed start reading, the register at the start with its signedMeterValue.
            begin = convert.begin_value(req.meter_start, req.timestamp)
            begin["sampledValue"][0]["signedMeterValue"] = convert.signed_meter_value(
                document, self._public_key(req.tx_ref)
            )
            payload["meterValue"] = [begin]
            return payload
        started = self.charger.config.raw("SampledDataCtrlr.TxStartedMeasurands")
        if "Energy.Active.Import.Register" in started.split(","):
            payload["meterValue"] = [convert.begin_value(req.meter_start, req.timestamp)]
        return payload

    def _changed(self, req: TransactionUpdateReq) -> Payload:
        """An Updated event for a change of the transaction (E01-E09): the cable, the token, the
        chargingState. A token that authorized it after its start goes with it (E01: "the first
        TransactionEventRequest after authorization contains idToken"), RemoteStart when the token came
        with RequestStartTransaction (F02.FR.01)."""
        trigger = req.trigger
        remote_id = None
        if trigger == "Authorized":
            remote_id = self.session.remote_ids.pop(req.connector_id, None)
            if remote_id is not None:
                trigger = "RemoteStart"
        payload = self._event("Updated", req.tx_ref, trigger, req.timestamp)
        info = payload["transactionInfo"]
        if req.charging_state is not None:
            info["chargingState"] = req.charging_state
        if remote_id is not None:
            info["remoteStartId"] = remote_id
        if req.id_tag:
            payload["idToken"] = self._id_token(req.id_tag, req.id_token_type)
        payload["evse"] = {"id": req.connector_id, "connectorId": 1}
        return payload

    def _public_key(self, tx_ref: int) -> str:
        """SignedMeterValueType.publicKey of a signed value of transaction `tx_ref`, as OCPPCommCtrlr.
        PublicKeyWithSignedMeterValue says: never (""), with the transaction's first signed value, or with
        every one (part 2 2.46: "sending depends on configuration variable PublicKeyWithSignedMeterValue")."""
        key = self.meter_public_key
        if key is None:
            return ""
        config = self.charger.config
        name = "OCPPCommCtrlr.PublicKeyWithSignedMeterValue"
        when = config.raw(name) if config.spec(name) is not None else "EveryMeterValue"
        if when == "EveryMeterValue":
            return key
        if when == "OncePerTransaction" and tx_ref not in self._key_sent:
            self._key_sent.add(tx_ref)
            return key
        return ""

    def _signed_values(self, tx_ref: int, values: tuple[MeterValue, ...]) -> list[Payload]:
        if self.meter_public_key is None:
            return convert.meter_values(values)  # no signing meter: nothing signed, no key to decide
        signed = any(sv.format is _SIGNED_DATA for mv in values for sv in mv.sampled_value)
        return convert.meter_values(values, self._public_key(tx_ref) if signed else "")

    def _updated(self, req: MeterValuesReq, triggered: bool) -> Payload:
        """An Updated event with meter values: sampled (MeterValuePeriodic), clock-aligned
        (MeterValueClock) or triggered (Trigger)."""
        assert req.tx_ref is not None
        trigger = (
            "Trigger"
            if triggered
            else "MeterValueClock"
            if req.context is ReadingContext.SAMPLE_CLOCK
            else "MeterValuePeriodic"
        )
        stamp = (
            req.meter_value[0].timestamp
            if req.meter_value
            else self.charger.state.ts(self.charger.state.last)
        )
        payload = self._event("Updated", req.tx_ref, trigger, stamp)
        values = self._signed_values(req.tx_ref, req.meter_value)
        if values:
            payload["meterValue"] = values
        c = self.charger.state.connectors.get(req.connector_id)
        if c is not None and c.tx is not None and c.tx.ref == req.tx_ref:
            # What the model last reported (TxCtrlr points), else charging or not.
            state = c.tx.charging_state or ("Charging" if c.current_a > 0 else "SuspendedEVSE")
            payload["transactionInfo"]["chargingState"] = state
        return payload

    def _ended(self, req: StopTransactionReq) -> Payload:
        trigger, stopped = convert.stop_reason(req)
        payload = self._event("Ended", req.tx_ref, trigger, req.timestamp)
        info = payload["transactionInfo"]
        info["stoppedReason"] = stopped
        self.session.end(req.tx_ref)
        evse = self.session.evse_of.pop(req.tx_ref, None)
        c = self.charger.state.connectors.get(evse) if evse is not None else None
        if req.charging_state is not None:
            info["chargingState"] = req.charging_state  # as it was at the end (TxCtrlr points)
        elif c is not None:
            info["chargingState"] = "EVConnected" if c.plugged else "Idle"
        # The token that stopped it (E07); not when an earlier Updated event carried it (errata 2.5.2).
        if req.id_tag and trigger in ("StopAuthorized", "Deauthorized"):
            payload["idToken"] = self._id_token(req.id_tag, req.id_token_type)
        # The Started event carried the Transaction.Begin values (TxStartedMeasurands): not again here.
        kept = tuple(
            mv for mv in req.transaction_data if all(sv.context is not _BEGIN for sv in mv.sampled_value)
        )
        values = self._signed_values(req.tx_ref, kept)
        self._key_sent.discard(req.tx_ref)
        if values:
            payload["meterValue"] = values
        return payload

    # ------------------------------------------------------------------ answers

    def result_changes_model(self, request: Request) -> bool:
        return not isinstance(request, (MeterValuesReq, StatusNotificationReq))

    # A StatusNotification's answer changes no model but the session's `delivered` (apply_result).

    def apply_result(self, request: Request, payload: Payload, now: float) -> object:
        if request.transaction_related:
            self._settled(request)
        charger = self.charger
        if isinstance(request, ReplayedReq):
            if request.action == "TransactionEvent" and request.tx_ref is not None:
                event = orjson.loads(request.body).get("eventType")
                if event == "Started":
                    info = convert.id_token_info(payload.get("idTokenInfo")) or _ACCEPTED
                    charger.transactions.on_start_transaction_result(
                        request.tx_ref, request.tx_ref, info, now
                    )
                elif event == "Ended":
                    charger.transactions.forget_transaction(request.tx_ref)
            return payload
        if isinstance(request, BootNotificationReq):
            status = RegistrationStatus(payload["status"])
            if status is RegistrationStatus.ACCEPTED:
                self.session.boot_reason = "PowerUp"
            charger.boot.on_boot_result(status, int(payload["interval"]), now)
            return payload["status"]
        if isinstance(request, AuthorizeReq):
            return charger.authorization.on_authorize_result(
                request, convert.id_token_info(payload["idTokenInfo"]), now
            )
        if isinstance(request, StartTransactionReq):
            # E01: the idTokenInfo of the Started event's answer, when the CSMS gives one.
            info = convert.id_token_info(payload.get("idTokenInfo")) or _ACCEPTED
            charger.transactions.on_start_transaction_result(request.tx_ref, request.tx_ref, info, now)
            return convert.transaction_id(request.tx_ref)
        if isinstance(request, StopTransactionReq):
            charger.transactions.on_stop_transaction_result(
                request.id_tag or None, convert.id_token_info(payload.get("idTokenInfo"))
            )
            charger.transactions.forget_transaction(request.tx_ref)
            return payload.get("idTokenInfo")
        if isinstance(request, TransactionUpdateReq):
            if request.id_tag and request.trigger == "Authorized":
                # E01 / C: the token that joined after the start is judged by the CSMS's idTokenInfo
                # as the Started event's would be (StopTxOnInvalidId, MaxEnergyOnInvalidId).
                info = convert.id_token_info(payload.get("idTokenInfo")) or _ACCEPTED
                charger.transactions.on_start_transaction_result(request.tx_ref, request.tx_ref, info, now)
            return payload
        if isinstance(request, FirmwareStatusNotificationReq):
            charger.firmware.on_firmware_status_answered(request.status, now)
        elif isinstance(request, SignedFirmwareStatusNotificationReq):
            self._signed_firmware_answered(request, now)
        elif isinstance(request, StatusNotificationReq):
            self.session.delivered[request.connector_id] = self._status(request)
        elif isinstance(request, SignCertificateReq):
            # A02.FR.17: the wait for CertificateSigned runs from an Accepted answer; Rejected ends it.
            accepted = payload.get("status") == "Accepted"
            charger.security.requests.answered(request.certificate_type, accepted, now)
        return payload

    def apply_failure(self, request: Request, now: float) -> object:
        if request.transaction_related:
            self._settled(request)
        charger = self.charger
        if isinstance(request, ReplayedReq):
            if request.tx_ref is not None and '"Ended"' in request.body:
                charger.transactions.forget_transaction(request.tx_ref)
            return None
        if isinstance(request, BootNotificationReq):
            charger.boot.on_boot_failed(now)
        elif isinstance(request, AuthorizeReq):
            return charger.authorization.on_authorize_result(request, None, now)
        elif isinstance(request, StartTransactionReq):
            charger.transactions.on_start_transaction_failed(request.tx_ref)
        elif isinstance(request, StopTransactionReq):
            charger.transactions.forget_transaction(request.tx_ref)
        elif isinstance(request, FirmwareStatusNotificationReq):
            charger.firmware.on_firmware_status_answered(request.status, now)
        elif isinstance(request, SignedFirmwareStatusNotificationReq):
            self._signed_firmware_answered(request, now)
        return None

    def _signed_firmware_answered(self, request: SignedFirmwareStatusNotificationReq, now: float) -> None:
        """L01: InstallRebooting answered (or undeliverable): the station reboots into the new firmware,
        whose BootNotification gives reason FirmwareUpdate (TC_L_01 step 13)."""
        if request.status == "InstallRebooting":
            self.session.boot_reason = "FirmwareUpdate"
        self.charger.security.signed_firmware.on_status_answered(request.status, now)
