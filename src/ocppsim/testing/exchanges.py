"""The frames of a test as a CSMS team reads them: each CALL with its answer (OCPP-J 4.1.3), from the
charger's message log. The log is the charger's side of the wire, so this works the same against the
built-in central system and against any other CSMS (`--ocpp-url`)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ocppsim.runtime.message_log import LoggedFrame

__all__ = ["Exchange", "exchanges", "format_frames", "frame_line", "payload_of"]


def payload_of(frame: LoggedFrame) -> Any:
    """The payload of a frame: [2, id, action, payload], [3, id, payload], [4, id, code, text, details]."""
    try:
        parsed = json.loads(frame.raw)
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    if frame.message_type == "CALL" and len(parsed) > 3:
        return parsed[3]
    if frame.message_type == "CALLRESULT" and len(parsed) > 2:
        return parsed[2]
    if frame.message_type == "CALLERROR" and len(parsed) > 4:
        return {"errorCode": parsed[2], "errorDescription": parsed[3], "errorDetails": parsed[4]}
    return None


@dataclass(frozen=True, slots=True)
class Exchange:
    """One CALL and (once it came) its answer. `direction`: "CP->CS" (the charger called) or "CS->CP"."""

    call: LoggedFrame
    answer_frame: LoggedFrame | None

    @property
    def action(self) -> str:
        return self.call.action or ""

    @property
    def charger_id(self) -> str:
        return self.call.charger_id

    @property
    def direction(self) -> str:
        return "CP->CS" if self.call.direction == "out" else "CS->CP"

    @property
    def payload(self) -> Any:
        return payload_of(self.call)

    @property
    def answer(self) -> Any:
        """The CALLRESULT payload; None when no answer came or it was a CALLERROR."""
        if self.answer_frame is None or self.answer_frame.message_type != "CALLRESULT":
            return None
        return payload_of(self.answer_frame)

    @property
    def error(self) -> str | None:
        """The CALLERROR's errorCode, if the answer was one."""
        if self.answer_frame is None or self.answer_frame.message_type != "CALLERROR":
            return None
        return str((payload_of(self.answer_frame) or {}).get("errorCode"))

    @property
    def frames(self) -> list[LoggedFrame]:
        return [self.call] if self.answer_frame is None else [self.call, self.answer_frame]

    def __repr__(self) -> str:
        answer = self.error or self.answer
        return f"<{self.direction} {self.action} {self.payload!r} -> {answer!r}>"


def exchanges(frames: Iterable[LoggedFrame]) -> list[Exchange]:
    """Every CALL among `frames`, paired with its answer when that is among them too."""
    frames = list(frames)
    answers: dict[tuple[str, str, str], LoggedFrame] = {}
    for f in frames:
        if f.message_type in ("CALLRESULT", "CALLERROR"):
            # An answer travels the other way from its CALL.
            answers.setdefault((f.charger_id, f.message_id, f.direction), f)
    out = []
    for f in frames:
        if f.message_type == "CALL":
            back = "in" if f.direction == "out" else "out"
            out.append(Exchange(f, answers.get((f.charger_id, f.message_id, back))))
    return out


def frame_line(frame: LoggedFrame) -> str:
    """One frame as the report shows it: time (UTC, of the charger's clock), charger, arrow, raw text."""
    stamp = time.strftime("%H:%M:%S", time.gmtime(frame.time)) + f".{int(frame.time * 1000) % 1000:03d}"
    arrow = "->" if frame.direction == "out" else "<-"
    # An expert-mode override's note (runtime/interception.py): the reader must know the simulator, not
    # the CSMS, made this frame what it is.
    note = f"  # {frame.note}" if frame.note else ""
    return f"{stamp} {frame.charger_id} {arrow} {frame.raw}{note}"


def format_frames(frames: Iterable[LoggedFrame], *, limit: int = 200) -> str:
    frames = list(frames)
    lines = [frame_line(f) for f in frames[-limit:]]
    if len(frames) > limit:
        lines.insert(0, f"... {len(frames) - limit} earlier frames left out")
    return "\n".join(lines)
