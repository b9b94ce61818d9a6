"""Reactive replay of a recorded charger trace against a live central system (issue 19 item 4).

The player is the charger of the trace, on one WebSocket (OCPP-J 3: `<url>/<chargePointId>`, subprotocol
ocpp1.6):
- it sends the charger's CALLs in the trace's order, one in flight (OCPP-J 4.1.1), with the recorded
  pacing divided by `speed` (0: no pauses), each awaited up to `timeout`;
- it rewrites what must follow the live central system: a fresh uniqueId for every CALL (a central system
  may treat a known one as a repeat), the transactionIds the live one assigns (StartTransaction.conf) in
  every later `transactionId`, and every `timestamp` moved by the time between the recorded message and
  now (a timestamp keeps its distance to the moment its message was sent);
- it is reactive: where the recorded central system sent a CALL (a RemoteStartTransaction, say), the
  replay waits for the live one to send that action before it goes on (up to `timeout` past its recorded
  moment), since what the charger sent next was its reaction;
- it answers every CALL of the live central system as the recorded charger answered the same action the
  same time (the k-th GetConfiguration gets the k-th recorded answer), or, where the trace has no answer,
  with the simulator's model of a charger (whose own follow-up messages are not sent: only the trace's are);
- it ends with the diff report (report.py), also when the central system hangs (`timeout` per answer,
  `give_up` unanswered calls in a row stop the replay), drops the link (up to `reconnects` new links) or
  cannot be reached."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.convert import format_time, parse_time
from ocppsim.ocpp16.framing import (
    Call,
    CallError,
    CallResult,
    FrameError,
    encode_error,
    encode_result,
    parse_frame,
)
from ocppsim.ocpp16.handlers import OcppCallError, handle_call
from ocppsim.runtime.replay.report import Difference, ReplayReport, status_values
from ocppsim.runtime.replay.trace import Answer, ChargerCall, CsmsCall, Trace

__all__ = ["Replay", "ReplayOptions"]

log = logging.getLogger("ocppsim.replay")


@dataclass(frozen=True, slots=True)
class ReplayOptions:
    url: str  # the central system's base URL; the charger id is appended
    charger_id: str
    speed: float = 1.0  # the recorded pacing divided by this; 0: no pauses at all
    timeout: float = 30.0  # real seconds for an answer, or for an awaited CALL past its recorded moment
    linger: float = 2.0  # real seconds after the last step for CALLs the central system still sends
    give_up: int = 3  # this many unanswered CALLs in a row: the central system hangs, stop
    reconnects: int = 3  # new links after the central system closed one
    password: str | None = None  # HTTP Basic authentication (security profile 1: user = charger id)


class _LinkError(Exception):
    pass


class Replay:
    def __init__(
        self, trace: Trace, options: ReplayOptions, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.trace = trace
        self.options = options
        self.clock = clock
        self.report = ReplayReport(
            trace=trace.path, charger_id=options.charger_id, csms_url=options.url, speed=options.speed
        )
        self._ws: ClientConnection | None = None
        self._receiver: asyncio.Task[None] | None = None
        # Our CALLs awaiting their answer; None: the link went down first.
        self._pending: dict[str, asyncio.Future[CallResult | CallError | None]] = {}
        self._tx_ids: dict[Any, Any] = {}
        # The recorded central system's CALLs by action, in trace order; the live ones as they come.
        self._recorded: dict[str, list[CsmsCall]] = {}
        self._live: dict[str, list[dict[str, Any]]] = {}
        self._live_changed = asyncio.Event()
        self._model: Charger | None = None
        self._links = 0

    @property
    def url(self) -> str:
        return self.options.url.rstrip("/") + "/" + self.options.charger_id

    async def run(self) -> ReplayReport:
        """Replay the whole trace; the report (also when the replay could not finish)."""
        report = self.report
        began = self.clock()
        report.started = datetime.fromtimestamp(began, UTC).isoformat(timespec="seconds")
        steps = self.trace.steps
        for step in steps:
            if isinstance(step, CsmsCall):
                self._recorded.setdefault(step.action, []).append(step)
        report.charger_calls = sum(isinstance(s, ChargerCall) for s in steps)
        report.csms_calls_recorded = len(steps) - report.charger_calls
        report.notes += self.trace.notes
        done = 0
        try:
            await self._connect()
            done = await self._play(steps)
            if report.outcome == "complete" and self.options.linger > 0:
                await asyncio.sleep(self.options.linger)  # CALLs the central system still sends
        except _LinkError as exc:
            report.outcome, report.reason = "aborted", str(exc)
        finally:
            await self._close()
            report.not_replayed = len(steps) - done if report.outcome != "complete" else 0
            self._count_calls()
            report.duration_s = round(self.clock() - began, 3)
        return report

    # ------------------------------------------------------------------ the steps

    async def _play(self, steps: list[ChargerCall | CsmsCall]) -> int:
        """The steps in order; how many were played (all unless the replay stopped)."""
        loop = asyncio.get_running_loop()
        start_loop, start_trace = loop.time(), self.trace.start
        seen: dict[str, int] = {}  # action -> recorded CSMS CALLs of it passed so far
        unanswered = 0
        for index, step in enumerate(steps):
            due = (
                start_loop + (step.time - start_trace) / self.options.speed if self.options.speed > 0 else 0.0
            )
            if isinstance(step, CsmsCall):
                nth = seen.get(step.action, 0)
                seen[step.action] = nth + 1
                await self._await_csms_call(step, nth, max(due, loop.time()) + self.options.timeout)
                continue
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            answered = await self._send(step)
            unanswered = 0 if answered else unanswered + 1
            if unanswered >= self.options.give_up:
                self.report.outcome = "aborted"
                self.report.reason = f"the central system left {unanswered} CALLs in a row unanswered"
                return index + 1
        return len(steps)

    async def _await_csms_call(self, step: CsmsCall, nth: int, deadline: float) -> None:
        """A CALL of the recorded central system: wait until the live one sent as many of this action."""
        loop = asyncio.get_running_loop()
        while len(self._live.get(step.action, ())) <= nth:
            left = deadline - loop.time()
            if left <= 0:
                self.report.notes.append(
                    f"line {step.line}: waited {self.options.timeout:g} s for {step.action} from the central "
                    "system, went on without it"
                )
                return
            self._live_changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._live_changed.wait(), left)

    async def _send(self, step: ChargerCall) -> bool:
        """Send one of the charger's CALLs and compare its answer; whether an answer came."""
        report = self.report
        unique_id = str(uuid.uuid4())
        future: asyncio.Future[CallResult | CallError | None] = asyncio.get_running_loop().create_future()
        self._pending[unique_id] = future
        try:
            for _ in range(2):  # a link found closed when sending: one new link, the CALL sent on it
                if self._ws is None:
                    await self._connect()
                ws = self._ws
                assert ws is not None
                payload = self._rewrite(step.payload, step.time)
                try:
                    await ws.send(orjson.dumps([2, unique_id, step.action, payload]).decode())
                except ConnectionClosed:
                    self._ws = None
                    continue
                report.sent += 1
                break
            else:
                self._differ(step, "no_answer", live="the link went down before it could be sent")
                return False
            try:
                live = await asyncio.wait_for(future, self.options.timeout)
            except TimeoutError:
                self._differ(step, "no_answer", live=f"none within {self.options.timeout:g} s")
                return False
        finally:
            self._pending.pop(unique_id, None)
        if live is None:
            self._differ(step, "no_answer", live="the link went down first")
            return False
        report.answered += 1
        self._compare(step, live)
        return True

    # ------------------------------------------------------------------ answers compared

    def _compare(self, step: ChargerCall, live: CallResult | CallError) -> None:
        recorded = step.answer
        if isinstance(live, CallResult) and step.action == "StartTransaction":
            old = recorded.payload.get("transactionId") if recorded is not None else None
            new = live.payload.get("transactionId")
            if old is not None and new is not None:
                self._tx_ids[old] = new
                self.report.transaction_ids[str(old)] = new
        if recorded is None:
            return  # nothing recorded to compare with (the trace ends before the answer)
        if recorded.error is not None or isinstance(live, CallError):
            was = f"CALLERROR {recorded.error}" if recorded.error is not None else "CALLRESULT"
            now = f"CALLERROR {live.code}" if isinstance(live, CallError) else "CALLRESULT"
            if was != now:
                self._differ(step, "answer", recorded=was, live=now)
            return
        old_values, new_values = status_values(recorded.payload), status_values(live.payload)
        for path in sorted(old_values.keys() | new_values.keys()):
            if old_values.get(path) != new_values.get(path):
                self._differ(
                    step, "status", field=path, recorded=old_values.get(path), live=new_values.get(path)
                )

    def _differ(self, step: ChargerCall | CsmsCall, kind: str, **what: Any) -> None:
        self.report.differences.append(Difference(kind, step.action, step.line, **what))

    def _count_calls(self) -> None:
        """Missing and extra CALLs of the central system, action by action (the k-th live CALL of an
        action stands for the k-th recorded one)."""
        report = self.report
        report.csms_calls_received = sum(len(calls) for calls in self._live.values())
        for action, recorded in self._recorded.items():
            received = len(self._live.get(action, ()))
            for step in recorded[received:]:
                self._differ(step, "missing_call")
        for action, live in self._live.items():
            for payload in live[len(self._recorded.get(action, ())) :]:
                report.differences.append(Difference("extra_call", action, None, live=payload))
        report.differences.sort(key=lambda d: (d.line is None, d.line or 0))

    # ------------------------------------------------------------------ the central system's CALLs

    def _on_call(self, call: Call) -> bytes:
        """Our answer to a CALL of the live central system: the recorded charger's, or the model's."""
        live = self._live.setdefault(call.action, [])
        nth = len(live)
        live.append(call.payload)
        self._live_changed.set()
        recorded = self._recorded.get(call.action, [])
        answer = recorded[nth].answer if nth < len(recorded) else None
        if answer is not None:
            self.report.answered_from_trace += 1
            return self._recorded_answer(call.unique_id, answer)
        self.report.answered_by_model += 1
        return self._model_answer(call)

    def _recorded_answer(self, unique_id: str, answer: Answer) -> bytes:
        if answer.error is not None:
            return encode_error(unique_id, answer.error, answer.description, answer.payload)
        return encode_result(unique_id, self._rewrite(answer.payload, answer.time))

    def _model_answer(self, call: Call) -> bytes:
        now = self.clock()
        model = self._model
        if model is None:
            model = self._model = Charger(ChargerParams(self.options.charger_id), now=now)
            model.boot.on_connected(now)
            model.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
        try:
            payload = handle_call(model, call, now)
        except OcppCallError as exc:
            return encode_error(call.unique_id, exc.code, exc.description)
        finally:
            model.drain()  # the model's own follow-ups are not sent: the replay sends the trace's
        return encode_result(call.unique_id, payload)

    # ------------------------------------------------------------------ rewriting

    def _rewrite(self, payload: dict[str, Any], recorded_at: float) -> dict[str, Any]:
        shift = self.clock() - recorded_at
        out: dict[str, Any] = self._rewritten(payload, shift)
        return out

    def _rewritten(self, value: Any, shift: float) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == "transactionId" and item in self._tx_ids:
                    out[key] = self._tx_ids[item]
                elif key == "timestamp" and isinstance(item, str):
                    try:
                        out[key] = format_time(float(parse_time(item)) + shift)
                    except ValueError:
                        out[key] = item  # not a time: sent as recorded
                else:
                    out[key] = self._rewritten(item, shift)
            return out
        if isinstance(value, list):
            return [self._rewritten(item, shift) for item in value]
        return value

    # ------------------------------------------------------------------ the link

    async def _connect(self) -> None:
        if self._links > self.options.reconnects:
            raise _LinkError(f"the central system closed the link {self._links} times")
        self._links += 1
        headers = {}
        if self.options.password is not None:
            token = base64.b64encode(f"{self.options.charger_id}:{self.options.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        try:
            ws = await connect(
                self.url,
                subprotocols=["ocpp1.6"],  # type: ignore[list-item]
                additional_headers=headers,
                open_timeout=self.options.timeout,
                max_size=1 << 20,
                compression=None,
            )
        except (OSError, TimeoutError, WebSocketException) as exc:
            raise _LinkError(f"cannot connect to {self.url}: {type(exc).__name__}: {exc}") from None
        if ws.subprotocol != "ocpp1.6":
            await ws.close()
            raise _LinkError("the central system did not agree to subprotocol ocpp1.6")
        self._ws = ws
        self._receiver = asyncio.create_task(self._receive(ws))

    async def _receive(self, ws: ClientConnection) -> None:
        try:
            async for message in ws:
                try:
                    frame = parse_frame(message)
                except FrameError as exc:
                    self.report.notes.append(
                        f"an unreadable frame from the central system: {exc.description}"
                    )
                    await ws.send(encode_error(exc.unique_id, exc.code, exc.description).decode())
                    continue
                if isinstance(frame, Call):
                    await ws.send(self._on_call(frame).decode())
                elif frame is not None:
                    future = self._pending.get(frame.unique_id)
                    if future is not None and not future.done():
                        future.set_result(frame)
        except ConnectionClosed:
            pass
        finally:
            if self._ws is ws:
                self._ws = None
            for future in self._pending.values():
                if not future.done():
                    future.set_result(None)

    async def _close(self) -> None:
        ws, receiver = self._ws, self._receiver
        self._ws = None
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5.0)
        if receiver is not None:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiver
