"""The frame exchange of one station on an open link: the CSMS's CALLs answered, our CALLs sent and their
answers (or MessageTimeout) handed back to the outbox, every frame recorded in the message log.

Rules: one CALL of ours in flight at a time (OCPP-J 4.1.1; the outbox picks it, this sends it and owns its
uniqueId and its MessageTimeout timer); a frame that cannot be parsed or handled is answered with a
CALLERROR (OCPP-J 4.2.3, the codes of Table 7); while the registration is Rejected nothing is sent, answers
included (OCPP 1.6 section 4.2.1; 2.0.1 answers CALLERROR SecurityError, B03.FR.08); the reply goes out
before anything it caused (section 5.17). Frames are parsed, answered and built by the station's wire
(runtime/wire.py: the 1.6 or 2.0.1 adapter).

Expert mode (runtime/interception.py) hooks in here: an override may change or withhold our answer to a
CALL of the CSMS and change our own CALLs; without overrides the station's `interception` is None and a
frame pays one attribute test for it.

It is the link's handler (ws_client.LinkHandler): a frame is handled in the callback of the link that
received it. The link, the outbox, the store's commit and the model plumbing are the station's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocppsim.model.outgoing import Request
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import (
    Call,
    CallError,
    CallResult,
    ErrorCode,
    FrameError,
    encode_call,
    encode_error,
    encode_result,
)
from ocppsim.ocpp16.handlers import OcppCallError
from ocppsim.ocpp16.validation import SchemaError
from ocppsim.runtime.clock import TimerHandle, running_loop
from ocppsim.runtime.interception import Override
from ocppsim.runtime.outbox import Answer
from ocppsim.runtime.wire import Prepared
from ocppsim.runtime.ws_client import Link

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["FrameExchange"]


class FrameExchange:
    # The CALL awaiting its answer (one at a time, OCPP-J 4.1.1): uniqueId, action, loop time it was sent
    # (the message log's latency), its MessageTimeout deadline. One timer per connection, not one per
    # CALL: answered CALLs (nearly all) left their cancelled timers in the timer wheel until due, ~12 at
    # each charger of a fleet (~0.6 KiB); now the timer stays armed and, when it fires, expires the CALL
    # in flight or re-arms for that CALL's own deadline.
    __slots__ = (
        "_call_action",
        "_call_deadline",
        "_call_id",
        "_call_sent",
        "_call_timer",
        "_call_timer_at",
        "_station",
    )

    def __init__(self, station: Station) -> None:
        self._station = station
        self._call_id: str | None = None
        self._call_action = ""
        self._call_sent = 0.0
        self._call_timer: TimerHandle | None = None
        self._call_timer_at = 0.0
        self._call_deadline = 0.0

    @property
    def awaiting_answer(self) -> bool:
        """A CALL of ours awaits its answer."""
        return self._call_id is not None

    def on_message(self, message: str | bytes) -> None:
        """One message from the CSMS (LinkHandler), in the callback of the link that received it."""
        station = self._station
        ws = station._ws
        if ws is None:
            return  # the link is being torn down
        try:
            frame = station.wire.parse(message)
        except FrameError as exc:
            station._log.warning("bad frame from CSMS: %s", exc.description)
            self._log_frame("in", "INVALID", exc.unique_id, None, message)
            self._send_answer(ws, encode_error(exc.unique_id, exc.code, exc.description), None, None)
            return
        if frame is None:
            station._log.warning("ignored frame: %.200s", message)
            self._log_frame("in", "INVALID", "", None, message)
        elif isinstance(frame, Call):
            self._on_call(ws, frame, message)
        else:
            self._on_answer(frame, message)

    def on_pong(self) -> None:
        """A pong (LinkHandler): for the station's pings."""
        self._station._pings.on_pong()

    def send_call(self, request: Request, unique_id: str, prepared: Prepared | None) -> bool:
        """Send a CALL of the outbox (its SendCall); the answer, or the timeout, goes back to it."""
        station = self._station
        ws = station._ws
        if ws is None:
            return False
        charger = station.charger
        # The wire names the message: a 2.0.1 StartTransactionReq goes as TransactionEvent, and that is
        # the action an expert-mode rule and the message log see.
        action, payload = station.wire.outgoing(request, prepared)
        rules = station.interception
        override = rules.take("send", action) if rules is not None else None
        if override is None:
            frame = encode_call(unique_id, action, payload)
        else:
            frame = override.call_frame(unique_id, action, payload)
        station.make_durable()
        if station.message_log is not None:
            note = override.note if override is not None else None
            self._log_frame("out", "CALL", unique_id, action, frame, note=note)
        if not ws.send(frame):
            return False
        self._call_id = unique_id
        self._call_action = action
        self._call_sent = running_loop().time()
        timeout = charger.config.get_int("MessageTimeout")
        clock = station.clock
        self._call_deadline = deadline = clock.now() + timeout
        if self._call_timer is None or self._call_timer_at > deadline:
            self._arm_call_timer(deadline)
        return True

    def _arm_call_timer(self, when: float) -> None:
        if self._call_timer is not None:
            self._call_timer.cancel()
        self._call_timer_at = when
        self._call_timer = self._station.clock.call_at(when, self._call_expired)

    def forget_call(self) -> None:
        """The link is gone: no answer can come for the CALL in flight (the outbox decides what to do)."""
        self._call_id = None
        if self._call_timer is not None:
            self._call_timer.cancel()
            self._call_timer = None

    def _on_call(self, ws: Link, call: Call, raw: str | bytes = "") -> None:
        station = self._station
        rules = station.interception
        if rules is not None:
            override = rules.take("answer", call.action)
            if override is not None:
                self._intercepted_call(ws, call, raw, override)
                return
        now = station.clock.now()
        started = None
        if station.message_log is not None:
            started = running_loop().time()
            self._log_frame("in", "CALL", call.unique_id, call.action, raw)
        if station.inbound_observer is not None:
            station.inbound_observer(call.action)
        if station.charger.registration is RegistrationStatus.REJECTED:
            self._refuse_while_rejected(ws, call, started)
            return
        self._send_answer(ws, self._model_answer(call, now), call, started)
        # The reply goes out before anything it caused (section 5.17): the CALLs the model queued now
        # leave with the send batch, at the end of this loop turn.
        station._driver.after_model()

    def _model_answer(self, call: Call, now: float) -> bytes:
        """The model's CALLRESULT for `call`, or the CALLERROR it is owed (OCPP-J 4.2.3, Table 7)."""
        station = self._station
        try:
            payload = station.wire.handle_call(call, now, validate=station.options.validate_inbound)
        except OcppCallError as exc:
            station._log.warning(
                "%s %s -> CALLERROR %s: %s", call.action, call.unique_id, exc.code, exc.description
            )
            return encode_error(call.unique_id, exc.code, exc.description)
        except Exception:
            station._log.exception("handler for %s crashed", call.action)
            return encode_error(call.unique_id, ErrorCode.INTERNAL_ERROR, "internal error")
        return encode_result(call.unique_id, payload)

    def _refuse_while_rejected(
        self, ws: Link, call: Call, started: float | None, note: str | None = None
    ) -> None:
        """A CSMS request while the registration is Rejected: OCPP 2.0.1 B03.FR.08 answers CALLERROR
        SecurityError; 1.6 section 4.2.1: the charge point sends nothing, answers included."""
        station = self._station
        if station.wire.refuses_while_rejected:
            refused = encode_error(call.unique_id, "SecurityError", "the registration was Rejected")
            self._send_answer(ws, refused, call, started, note=note)
            return
        station._log.warning("%s ignored: registration was Rejected", call.action)

    def _intercepted_call(self, ws: Link, call: Call, raw: str | bytes, override: Override) -> None:
        """A CALL whose answer an override decides (expert mode, runtime/interception.py)."""
        station = self._station
        started = running_loop().time() if station.message_log is not None else None
        if station.message_log is not None:
            self._log_frame("in", "CALL", call.unique_id, call.action, raw, note=override.note)
        if station.inbound_observer is not None:
            station.inbound_observer(call.action)
        if override.spec.delay:
            clock = station.clock
            clock.call_at(
                clock.now() + override.spec.delay,
                lambda: self._answer_intercepted(ws, call, override, started),
            )
            return
        self._answer_intercepted(ws, call, override, started)

    def _answer_intercepted(self, ws: Link, call: Call, override: Override, started: float | None) -> None:
        station = self._station
        if station._ws is not ws:
            return  # the link the call came on is gone (a delayed answer): nobody to answer
        if station.charger.registration is RegistrationStatus.REJECTED:
            self._refuse_while_rejected(ws, call, started, override.note)
            return
        model_frame = None
        if override.spec.runs_model:
            model_frame = self._model_answer(call, station.clock.now())
        frame = override.answer_frame(call.unique_id, model_frame)
        if frame is None:
            station._log.warning(
                "%s %s: no answer (intercepted #%d)", call.action, call.unique_id, override.id
            )
        else:
            self._send_answer(ws, frame, call, started, note=override.note)
        station._driver.after_model()

    def _send_answer(
        self, ws: Link, frame: bytes, call: Call | None, started: float | None, *, note: str | None = None
    ) -> None:
        """Send our CALLRESULT / CALLERROR (and log it, with the time we took to answer)."""
        station = self._station
        station.make_durable()  # e.g. the StopTransaction a RemoteStop.conf Accepted promises
        if station.message_log is not None:
            # An override's raw or malformed answer may be neither (expert mode).
            kind = (
                "CALLRESULT"
                if frame.startswith(b"[3")
                else "CALLERROR"
                if frame.startswith(b"[4")
                else "INVALID"
            )
            unique_id = call.unique_id if call is not None else ""
            action = call.action if call else None
            self._log_frame("out", kind, unique_id, action, frame, started=started, note=note)
        ws.send(frame)

    def _on_answer(self, frame: CallResult | CallError, raw: str | bytes = "") -> None:
        station = self._station
        kind = "CALLERROR" if isinstance(frame, CallError) else "CALLRESULT"
        if frame.unique_id != self._call_id:
            station._log.warning("answer for unknown or expired message id %s", frame.unique_id)
            if station.message_log is not None:
                self._log_frame("in", kind, frame.unique_id, None, raw)
            return
        action, sent = self._call_action, self._call_sent
        self._call_id = None  # its timer stays armed for the next CALL (_call_expired)
        if station.message_log is not None:
            self._log_frame("in", kind, frame.unique_id, action, raw, started=sent)
        if isinstance(frame, CallError):
            station.outbox.answered(Answer(None, frame.code))
            return
        if station.options.validate_inbound:
            try:
                station.wire.check_response(action, frame.payload)
            except SchemaError as exc:
                station._log.warning("invalid %s response: %s", action, exc.description)
                station.outbox.answered(Answer(None, f"InvalidResult: {exc.description}"))
                return
        station.outbox.answered(Answer(frame.payload))

    def _call_expired(self) -> None:
        self._call_timer = None
        if self._call_id is None:
            return
        if self._station.clock.now() < self._call_deadline:
            # Armed for an earlier CALL (answered): this one's MessageTimeout runs to its own deadline.
            self._arm_call_timer(self._call_deadline)
            return
        self._call_id = None
        self._station.outbox.answered(Answer(None, "Timeout"))

    def _log_frame(
        self,
        direction: str,
        message_type: str,
        unique_id: str,
        action: str | None,
        raw: str | bytes,
        *,
        started: float | None = None,
        note: str | None = None,
    ) -> None:
        """Record one frame in the message log (when one is attached); `started`: loop time of the CALL
        this frame answers, for the latency."""
        station = self._station
        frames = station.message_log
        if frames is None:
            return
        latency = None
        if started is not None:
            latency = round((running_loop().time() - started) * 1000.0, 3)
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        frames.record(
            station.id,
            direction=direction,
            message_type=message_type,
            message_id=unique_id,
            action=action,
            raw=text,
            now=station.clock.now(),
            latency_ms=latency,
            note=note,
        )
