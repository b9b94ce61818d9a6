"""The message log: every OCPP-J frame a charger sent or received, with its time, direction, action,
message id and the latency of the answer. Bounded per charger in memory (a fleet holds thousands); each
frame is kept as the text on the wire and parsed only when somebody reads it, so logging costs the
per-message path one append."""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["DIRECTIONS", "MESSAGE_TYPES", "LoggedFrame", "MessageLog", "redact_secrets", "select_frames"]

# "out": charger -> CSMS; "in": CSMS -> charger.
DIRECTIONS: Final = ("out", "in")
# OCPP-J 4.1.3 message types; INVALID: a frame that could not be parsed (answered with a CALLERROR).
MESSAGE_TYPES: Final = ("CALL", "CALLRESULT", "CALLERROR", "INVALID")


@dataclass(frozen=True, slots=True)
class LoggedFrame:
    seq: int  # increases over the whole log: a reader can ask for what came after the last it saw
    time: float  # epoch seconds (the charger's clock)
    charger_id: str
    direction: str
    message_type: str
    message_id: str
    action: str | None
    raw: str
    # For an answer: seconds between the CALL and this answer, in milliseconds.
    latency_ms: float | None = None
    # What changed this frame or withheld it (expert mode, runtime/interception.py); None: as it was made.
    note: str | None = None


HIDDEN: Final = "<hidden>"


def redact_secrets(action: str | None, raw: str) -> str:
    """The frame as it may be shown: a ChangeConfiguration of the AuthorizationKey (Security Whitepaper
    section 2: the key is never logged or reported) keeps its key name, not its value. Every other frame is
    returned as it is; only this one rare action pays for a parse."""
    if action != "ChangeConfiguration" or "authorizationkey" not in raw.lower():
        return raw
    try:
        frame = json.loads(raw)
        payload = frame[3]
        if str(payload.get("key", "")).lower() == "authorizationkey" and "value" in payload:
            payload["value"] = HIDDEN
            return json.dumps(frame, separators=(",", ":"))
    except (ValueError, TypeError, IndexError, AttributeError):
        pass  # a malformed frame naming the key: what we cannot read we cannot show
    return "<hidden: a ChangeConfiguration naming the AuthorizationKey>"


class MessageLog:
    def __init__(self, *, per_charger: int = 500) -> None:
        if per_charger < 1:
            raise ValueError("per_charger must be >= 1")
        self.per_charger = per_charger
        self._frames: dict[str, deque[LoggedFrame]] = {}
        self._seq = itertools.count(1)
        # Called with each new frame (the event stream, optional persistence).
        self.listeners: list[Callable[[LoggedFrame], None]] = []

    def record(
        self,
        charger_id: str,
        *,
        direction: str,
        message_type: str,
        message_id: str,
        action: str | None,
        raw: str,
        now: float,
        latency_ms: float | None = None,
        note: str | None = None,
    ) -> LoggedFrame:
        raw = redact_secrets(action, raw)
        frame = LoggedFrame(
            next(self._seq),
            now,
            charger_id,
            direction,
            message_type,
            message_id,
            action,
            raw,
            latency_ms,
            note,
        )
        frames = self._frames.get(charger_id)
        if frames is None:
            frames = self._frames[charger_id] = deque(maxlen=self.per_charger)
        frames.append(frame)
        for listener in self.listeners:
            listener(frame)
        return frame

    def frames(
        self,
        charger_id: str,
        *,
        actions: Iterable[str] | None = None,
        direction: str | None = None,
        since: float | None = None,
        until: float | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
    ) -> list[LoggedFrame]:
        """Oldest first; with `limit`, the newest `limit` of those that match."""
        out = select_frames(
            self._frames.get(charger_id, ()),
            actions=actions,
            direction=direction,
            since=since,
            until=until,
            after_seq=after_seq,
        )
        return out[-limit:] if limit is not None and limit < len(out) else out

    def count(self, charger_id: str) -> int:
        return len(self._frames.get(charger_id, ()))

    def forget(self, charger_id: str) -> None:
        self._frames.pop(charger_id, None)


def select_frames(
    frames: Iterable[LoggedFrame],
    *,
    actions: Iterable[str] | None = None,
    direction: str | None = None,
    since: float | None = None,
    until: float | None = None,
    after_seq: int | None = None,
) -> list[LoggedFrame]:
    """The frames that match every filter given, in their order."""
    wanted = set(actions) if actions is not None else None
    return [
        f
        for f in frames
        if (wanted is None or f.action in wanted)
        and (direction is None or f.direction == direction)
        and (since is None or f.time >= since)
        and (until is None or f.time <= until)
        and (after_seq is None or f.seq > after_seq)
    ]
