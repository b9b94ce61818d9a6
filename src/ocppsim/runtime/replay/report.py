"""The replay's diff report: where the live central system answered differently from the recorded one
(issue 19 item 4), as text and as JSON.

A difference is one of:
- `status`: a status value of an answer differs or is missing (every field named `status`, nested ones
  included, e.g. `idTagInfo.status` of Authorize / StartTransaction / StopTransaction.conf);
- `answer`: a CALLRESULT where a CALLERROR was recorded or the other way round, or another error code;
- `no_answer`: the live central system did not answer within the timeout (or the link went down first);
- `missing_call`: a CALL the recorded central system sent that the live one did not send in time;
- `extra_call`: a CALL the live central system sent that the trace has no counterpart for.
Fields that follow the live central system by design (transactionId, currentTime, uniqueIds, ...) are not
compared."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Difference", "ReplayReport", "status_values"]


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str  # status, answer, no_answer, missing_call, extra_call
    action: str
    line: int | None  # the trace line of the recorded CALL (None: an extra call)
    field: str | None = None
    recorded: Any = None
    live: Any = None

    def text(self) -> str:
        where = f"line {self.line}" if self.line is not None else "live"
        if self.kind == "status":
            what = f"{self.field}: recorded {self.recorded}, live {self.live}"
        elif self.kind == "answer":
            what = f"answer: recorded {self.recorded}, live {self.live}"
        elif self.kind == "no_answer":
            what = f"no answer from the live central system ({self.live})"
        elif self.kind == "missing_call":
            what = "missing: the live central system did not send it"
        else:
            what = f"extra: the live central system sent it, the trace has no such call; payload {self.live}"
        return f"  {where:<10} {self.action:<26} {what}"


@dataclass(slots=True)
class ReplayReport:
    trace: str
    charger_id: str
    csms_url: str
    speed: float
    started: str = ""
    duration_s: float = 0.0
    outcome: str = "complete"  # complete, aborted
    reason: str | None = None
    charger_calls: int = 0
    sent: int = 0
    answered: int = 0
    csms_calls_recorded: int = 0
    csms_calls_received: int = 0
    answered_from_trace: int = 0
    answered_by_model: int = 0
    not_replayed: int = 0
    transaction_ids: dict[str, int | str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """The live central system answered as the recorded one did, and the replay went to the end."""
        return not self.differences and self.outcome == "complete"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["same"] = self.same
        return data

    def text(self) -> str:
        lines = [
            f"replay of {self.trace} as {self.charger_id} against {self.csms_url} "
            f"(speed {self.speed:g}, {self.duration_s:.1f} s): {self.outcome}"
            + (f" ({self.reason})" if self.reason else ""),
            f"  charger calls: {self.sent} of {self.charger_calls} sent, {self.answered} answered"
            + (f", {self.not_replayed} steps not replayed" if self.not_replayed else ""),
            f"  central system calls: {self.csms_calls_received} received, {self.csms_calls_recorded} in the "
            f"trace; answered {self.answered_from_trace} as recorded, {self.answered_by_model} by the model",
        ]
        if self.transaction_ids:
            pairs = ", ".join(f"{old} -> {new}" for old, new in self.transaction_ids.items())
            lines.append(f"  transactionIds (recorded -> live): {pairs}")
        lines += [f"  note: {note}" for note in self.notes]
        if self.differences:
            lines.append(f"differences ({len(self.differences)}):")
            lines += [d.text() for d in self.differences]
        else:
            lines.append("no differences")
        return "\n".join(lines)


def status_values(payload: Any, prefix: str = "") -> dict[str, Any]:
    """Every field named `status` in `payload`, by dotted path (lists by index)."""
    found: dict[str, Any] = {}
    if isinstance(payload, dict):
        for key, value in payload.items():
            path = f"{prefix}.{key}" if prefix else key
            if key == "status" and not isinstance(value, dict | list):
                found[path] = value
            else:
                found.update(status_values(value, path))
    elif isinstance(payload, list):
        for i, value in enumerate(payload):
            found.update(status_values(value, f"{prefix}[{i}]"))
    return found
