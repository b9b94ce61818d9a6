"""A recorded charger trace, read and checked before anything connects (issue 19 item 4).

Two forms, told apart by the first line that is not blank or a `#` comment:

- JSON Lines as the message log exports them (REST `/api/chargers/{id}/messages.jsonl`): one object a
  line with `time` (ISO 8601 or epoch seconds), `direction` ("out": charger -> CSMS, "in": CSMS ->
  charger), `type` (CALL, CALLRESULT, CALLERROR; INVALID lines are skipped with a note), `message_id`,
  `action` and `payload` (a CALLERROR's is `{errorCode, errorDescription, errorDetails}`).
- One OCPP-J frame a line as logs commonly print them, a timestamp before it:
  `2026-12-06T10:00:00.123Z [2,"42","BootNotification",{...}]` (anything else before the frame, like a
  log level or an arrow, is ignored; a time without offset is UTC; epoch seconds work too). The direction
  of a CALL follows from its action (OCPP 1.6 sections 4 and 5: what a charge point sends, what a central
  system sends); a DataTransfer, which both send, is the charger's unless the line says `CS->CP`, `CSMS`
  or `<-` before the frame. An answer goes the other way from the CALL it answers (same uniqueId).

A line that cannot be read is a TraceError naming file, line and reason. An answer whose CALL is not in
the trace (a log that starts mid-exchange) is skipped with a note."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.validation import CP_ACTIONS, CS_ACTIONS

__all__ = ["Answer", "ChargerCall", "CsmsCall", "Trace", "TraceError", "load_trace", "parse_trace"]

# OCPP-J 4.1.3 message type numbers.
CALL, CALLRESULT, CALLERROR = 2, 3, 4
_TYPES: Final = {"CALL": CALL, "CALLRESULT": CALLRESULT, "CALLERROR": CALLERROR}
_FRAME_START: Final = re.compile(r"\[\s*[234]\s*,")
_ISO_TIME: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|z|[+-]\d{2}:?\d{2})?)"
)
_EPOCH: Final = re.compile(r"^\s*\[?(\d{9,11}(?:\.\d+)?)\]?(?:\s|$)")
_FROM_CSMS: Final = re.compile(r"CS\s*->\s*CP|CSMS|<-|<<", re.IGNORECASE)


class TraceError(ValueError):
    """A trace that cannot be replayed: where and why."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Answer:
    """A recorded CALLRESULT (`error` None) or CALLERROR."""

    line: int
    time: float
    payload: dict[str, Any]
    error: str | None = None
    description: str = ""


@dataclass(slots=True)
class ChargerCall:
    """A CALL the charger sent, and the answer the recorded central system gave (None: none recorded)."""

    line: int
    time: float
    unique_id: str
    action: str
    payload: dict[str, Any]
    answer: Answer | None = None


@dataclass(slots=True)
class CsmsCall:
    """A CALL the recorded central system sent, and the charger's recorded answer (None: none)."""

    line: int
    time: float
    unique_id: str
    action: str
    payload: dict[str, Any]
    answer: Answer | None = None


@dataclass(slots=True)
class Trace:
    path: str
    steps: list[ChargerCall | CsmsCall]
    notes: list[str] = field(default_factory=list)
    # The charger id the trace names (the message log export's file name `<id>-messages.jsonl`).
    charger_id: str | None = None

    @property
    def start(self) -> float:
        return self.steps[0].time if self.steps else 0.0


@dataclass(frozen=True, slots=True)
class _Frame:
    line: int
    time: float
    from_charger: bool | None  # None: an answer of the frame-per-line form (it goes against its CALL)
    kind: int
    unique_id: str
    action: str | None
    payload: dict[str, Any]
    error: str | None = None
    description: str = ""


def load_trace(path: str | Path) -> Trace:
    """Read and check a trace file (TraceError when it cannot be replayed)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TraceError(name, 0, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise TraceError(name, 0, f"not UTF-8 text: {exc}") from None
    trace = parse_trace(text.splitlines(), name)
    stem = Path(path).name
    if stem.endswith("-messages.jsonl"):
        trace.charger_id = stem.removesuffix("-messages.jsonl") or None
    return trace


def parse_trace(lines: Iterable[str], path: str = "<trace>") -> Trace:
    frames: list[_Frame] = []
    notes: list[str] = []
    form: str | None = None
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if form is None:
            form = "jsonl" if text.startswith("{") else "frames"
        if form == "jsonl":
            frame = _jsonl_frame(text, path, number, notes)
        else:
            frame = _frame_line(text, path, number)
        if frame is not None:
            frames.append(frame)
    if not frames:
        raise TraceError(path, 0, "no OCPP-J frames in the trace")
    steps = _pair(frames, path, notes)
    if not any(isinstance(s, ChargerCall) for s in steps):
        raise TraceError(path, 0, "the trace holds no CALL of the charger to replay")
    return Trace(path, steps, notes)


def _jsonl_frame(text: str, path: str, number: int, notes: list[str]) -> _Frame | None:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise TraceError(path, number, f"not a JSON object: {exc}") from None
    if not isinstance(data, dict):
        raise TraceError(path, number, "not a JSON object (the message log's export has one frame a line)")
    for key in ("time", "direction", "type", "message_id", "payload"):
        if key not in data:
            raise TraceError(path, number, f"missing {key!r} (expected the message log's export format)")
    direction, kind_name = data["direction"], data["type"]
    if direction not in ("in", "out"):
        raise TraceError(path, number, f"direction must be 'in' or 'out', got {direction!r}")
    if kind_name == "INVALID":
        notes.append(f"line {number}: an INVALID frame in the trace, skipped")
        return None
    if kind_name not in _TYPES:
        raise TraceError(
            path, number, f"type must be CALL, CALLRESULT, CALLERROR or INVALID, got {kind_name!r}"
        )
    kind = _TYPES[kind_name]
    unique_id = data["message_id"]
    if not isinstance(unique_id, str) or not unique_id:
        raise TraceError(path, number, "message_id must be non-empty text")
    when = _time_value(data["time"], path, number)
    payload = data["payload"]
    action = data.get("action")
    if kind == CALL and (not isinstance(action, str) or not action):
        raise TraceError(path, number, "a CALL needs its action")
    if kind == CALL and action not in CP_ACTIONS and action not in CS_ACTIONS:
        raise TraceError(path, number, f"unknown OCPP 1.6 action {action!r}")
    if kind == CALLERROR:
        if not isinstance(payload, dict) or not isinstance(payload.get("errorCode"), str):
            raise TraceError(path, number, "a CALLERROR's payload needs errorCode (text)")
        details = payload.get("errorDetails")
        return _Frame(
            number,
            when,
            direction == "out",
            kind,
            unique_id,
            action,
            details if isinstance(details, dict) else {},
            payload["errorCode"],
            str(payload.get("errorDescription") or ""),
        )
    if not isinstance(payload, dict):
        raise TraceError(path, number, f"the payload of a {kind_name} must be a JSON object")
    return _Frame(number, when, direction == "out", kind, unique_id, action, payload)


def _time_value(value: object, path: str, number: int) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(parse_time(value))
        except ValueError:
            pass
    raise TraceError(path, number, f"time must be ISO 8601 or epoch seconds, got {value!r}")


def _frame_line(text: str, path: str, number: int) -> _Frame:
    start = _FRAME_START.search(text)
    if start is None:
        raise TraceError(
            path,
            number,
            "no OCPP-J frame on this line (expected a timestamp, then [2|3|4, ...]; "
            "filter other log lines out first)",
        )
    prefix, body = text[: start.start()], text[start.start() :]
    try:
        frame = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise TraceError(path, number, f"the frame is not valid JSON: {exc}") from None
    when = _line_time(prefix, path, number)
    kind = frame[0]
    unique_id = frame[1] if len(frame) > 1 else None
    if not isinstance(unique_id, str) or not unique_id:
        raise TraceError(path, number, "the frame's uniqueId must be non-empty text")
    if kind == CALL:
        if len(frame) != 4 or not isinstance(frame[2], str) or not isinstance(frame[3], dict):
            raise TraceError(path, number, 'a CALL must be [2, "uniqueId", "Action", {payload}]')
        action = frame[2]
        if action in CP_ACTIONS and action in CS_ACTIONS:
            from_charger = _FROM_CSMS.search(prefix) is None
        elif action in CP_ACTIONS:
            from_charger = True
        elif action in CS_ACTIONS:
            from_charger = False
        else:
            raise TraceError(path, number, f"unknown OCPP 1.6 action {action!r}")
        return _Frame(number, when, from_charger, CALL, unique_id, action, frame[3])
    if kind == CALLRESULT:
        if len(frame) != 3 or not isinstance(frame[2], dict):
            raise TraceError(path, number, 'a CALLRESULT must be [3, "uniqueId", {payload}]')
        return _Frame(number, when, None, CALLRESULT, unique_id, None, frame[2])
    if len(frame) < 4 or not isinstance(frame[2], str):
        raise TraceError(
            path, number, 'a CALLERROR must be [4, "uniqueId", "errorCode", "description", {details}]'
        )
    details = frame[4] if len(frame) > 4 and isinstance(frame[4], dict) else {}
    return _Frame(number, when, None, CALLERROR, unique_id, None, details, frame[2], str(frame[3] or ""))


def _line_time(prefix: str, path: str, number: int) -> float:
    iso = _ISO_TIME.search(prefix)
    if iso is not None:
        try:
            return float(parse_time(iso.group(1).replace(" ", "T", 1).replace(",", ".")))
        except ValueError as exc:
            raise TraceError(path, number, f"bad timestamp {iso.group(1)!r}: {exc}") from None
    epoch = _EPOCH.match(prefix)
    if epoch is not None:
        return float(epoch.group(1))
    raise TraceError(path, number, "no timestamp before the frame (ISO 8601 or epoch seconds)")


def _pair(frames: list[_Frame], path: str, notes: list[str]) -> list[ChargerCall | CsmsCall]:
    """The CALLs in order, each with its answer (the next answer with its uniqueId, going the other way)."""
    steps: list[ChargerCall | CsmsCall] = []
    # uniqueId -> the CALLs still waiting for their answer; a CALL of each side may share an id.
    waiting: dict[str, list[ChargerCall | CsmsCall]] = {}
    for f in frames:
        if f.kind == CALL:
            assert f.action is not None
            step: ChargerCall | CsmsCall
            if f.from_charger:
                step = ChargerCall(f.line, f.time, f.unique_id, f.action, f.payload)
            else:
                step = CsmsCall(f.line, f.time, f.unique_id, f.action, f.payload)
            steps.append(step)
            waiting.setdefault(f.unique_id, []).append(step)
            continue
        candidates = waiting.get(f.unique_id, [])
        # An answer goes against its CALL: the oldest CALL from the other side waiting under this id.
        match = next(
            (c for c in candidates if f.from_charger is None or isinstance(c, ChargerCall) != f.from_charger),
            None,
        )
        if match is None:
            notes.append(
                f"line {f.line}: answer to message id {f.unique_id!r} (its CALL is not in the trace) skipped"
            )
            continue
        candidates.remove(match)
        match.answer = Answer(f.line, f.time, f.payload, f.error, f.description)
    return steps
