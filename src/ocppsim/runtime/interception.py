"""Expert mode: message interception (issue 19 item 5). Per action, override what a charger answers to a
CS->CP call and what it sends in its own CALLs, so that a CSMS team can test its error handling without
patching the simulator. Every frame an override changed (or withheld) carries a note in the message log
(`LoggedFrame.note`, `note` in the REST API and its JSON Lines export); overrides are listed and removed
by id.

## What an override does

`target="answer"`: the charger's answer to the CSMS's CALL of `action`:
  - `status="Rejected"`: the CALLRESULT carries this status value (`{"status": ...}`);
  - `error="NotSupported"` (+ `description`): a CALLERROR with this code (OCPP-J 1.6 Table 7);
  - `delay=5.0`: the call is handled (and answered) that many seconds later (the charger's clock);
  - `drop=True`: no answer at all (the CSMS sees its own timeout);
  - `set_fields={"a.b": value}` / `remove_fields=("a.b",)`: extra, changed or missing fields (dotted paths
    reach into nested objects);
  - `raw='[3,"{uniqueId}",{}]'`: this text goes out as the answer (`{uniqueId}` becomes the call's
    uniqueId); `malformed=True`: the answer is cut short so that it is not valid JSON.
  Whether the charger's model still handles the call (`model`): by default not when the override decides
  the answer (`status`, `error`: the charger says it refused and does nothing), and yes otherwise (a
  delay, a lost answer, changed fields: the charger acted, the CSMS hears something else).
`target="send"`: the charger's own CALL of `action` (the outbox still sends it and waits for its answer,
one CALL in flight): `status` (the shorthand of `set_fields={"status": ...}`), `set_fields`,
`remove_fields`, `raw` (`{uniqueId}` becomes the CALL's uniqueId) or `malformed`. A delay, a dropped
CALL or a CALLERROR make no sense for a message that is one's own and are refused.

`action="*"` matches every action that has no override of its own. `times=N` makes an override apply
to the next N frames only (then it removes itself); without it, it stays until removed.

## Where to reach it

- In process (the pytest plugin, scenario steps): `intercept(station, target, action, **options)` ->
  `Override` (with its `id`); `overrides(station)`; `remove_override(station, id)`;
  `clear_overrides(station)`.
  `spec_from_mapping(dict)` checks a spec written as data (a scenario file's step, a REST body);
  `spec_from_words(words)` reads the text command's form.
- REST: `GET/POST/DELETE /api/chargers/{id}/interceptions`, `DELETE .../interceptions/{override id}`.
- Text command interface: `intercept` (list, JSON), `intercept answer|send <Action> <option> ...`,
  `intercept remove <id>|all`; the Python driver: `SimConnection.intercept(...)`, `.interceptions()`,
  `.remove_interception(...)`.

## Cost

A station without overrides holds `interception = None`: the frame exchange pays one attribute test per
frame (fleets run 100,000 chargers); the registry is made on the first override and dropped with the
last one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

import orjson

from ocppsim.model.decimal_text import parse_decimal, parse_whole_number
from ocppsim.ocpp16.framing import ErrorCode, encode_call, encode_error, encode_result

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = [
    "ERROR_CODES",
    "TARGETS",
    "Interception",
    "InterceptionError",
    "Override",
    "OverrideSpec",
    "clear_overrides",
    "intercept",
    "overrides",
    "remove_override",
    "spec_from_mapping",
    "spec_from_words",
]

TARGETS: Final = ("answer", "send")
# OCPP-J 1.6 Table 7 (the 1.6 spellings, typos included).
ERROR_CODES: Final = tuple(
    getattr(ErrorCode, name) for name in vars(ErrorCode) if name.isupper() and not name.startswith("_")
)
UNIQUE_ID: Final = "{uniqueId}"
# Override ids are unique in the process (not per charger): a client holding a stale id never removes a
# newer override by mistake.
_IDS = itertools.count(1)
MAX_DELAY: Final = 86_400.0


class InterceptionError(ValueError):
    """An override that cannot be made: the message says which option and why."""


@dataclass(frozen=True, slots=True)
class OverrideSpec:
    """What an override does (see the module docstring); checked by `check()`."""

    target: str
    action: str
    status: str | None = None
    error: str | None = None
    description: str = ""
    delay: float = 0.0
    drop: bool = False
    set_fields: Mapping[str, Any] = field(default_factory=dict)
    remove_fields: tuple[str, ...] = ()
    raw: str | None = None
    malformed: bool = False
    model: bool | None = None
    times: int | None = None

    def check(self) -> OverrideSpec:
        """Self, or InterceptionError naming what is wrong."""
        if self.target not in TARGETS:
            raise InterceptionError(f"target must be answer or send, got {self.target!r}")
        if not self.action or not (self.action == "*" or self.action.isalnum()):
            raise InterceptionError(f"action must be an OCPP action name or *, got {self.action!r}")
        if self.error is not None and self.error not in ERROR_CODES:
            raise InterceptionError(
                f"unknown error code {self.error!r} (OCPP-J Table 7: {', '.join(ERROR_CODES)})"
            )
        if not (math.isfinite(self.delay) and 0.0 <= self.delay <= MAX_DELAY):
            raise InterceptionError(f"delay must be between 0 and {MAX_DELAY:.0f} seconds")
        if self.times is not None and self.times < 1:
            raise InterceptionError("times must be >= 1")
        for path in (*self.set_fields, *self.remove_fields):
            if not path or any(not part for part in path.split(".")):
                raise InterceptionError(f"bad field path {path!r}")
        shapes = [
            name
            for name, given in (
                ("error", self.error is not None),
                ("drop", self.drop),
                ("raw", self.raw is not None),
                ("malformed", self.malformed),
                ("status/set/remove", self.status is not None or bool(self.set_fields or self.remove_fields)),
            )
            if given
        ]
        if len(shapes) > 1:
            raise InterceptionError(f"choose one of {' and '.join(shapes)}: they decide the same frame")
        if self.target == "send":
            for name, given in (("error", self.error), ("delay", self.delay), ("drop", self.drop)):
                if given:
                    raise InterceptionError(f"{name} applies to answers only (target answer)")
            if self.model is not None:
                raise InterceptionError("model applies to answers only (target answer)")
        elif not shapes and self.delay == 0.0:
            raise InterceptionError("an override must change something: status, error, delay, drop, set, ...")
        return self

    @property
    def runs_model(self) -> bool:
        """Whether the charger's model handles the call (answers only; see the module docstring)."""
        if self.model is not None:
            return self.model
        return self.status is None and self.error is None

    def describe(self) -> str:
        """One line for the message log and the text interface, e.g. `status Rejected`."""
        parts: list[str] = []
        if self.status is not None:
            parts.append(f"status {self.status}")
        if self.error is not None:
            parts.append(f"error {self.error}")
        if self.delay:
            parts.append(f"delay {self.delay:g} s")
        if self.drop:
            parts.append("no answer")
        parts += [f"set {k}={orjson.dumps(v).decode()}" for k, v in self.set_fields.items()]
        parts += [f"remove {k}" for k in self.remove_fields]
        if self.raw is not None:
            parts.append(f"raw {self.raw[:60]}")
        if self.malformed:
            parts.append("malformed")
        if self.target == "answer" and not self.runs_model:
            parts.append("model skipped")
        return ", ".join(parts)


@dataclass(slots=True)
class Override:
    """One override in force on one charger: its id and what is left of its `times`."""

    id: int
    spec: OverrideSpec
    remaining: int | None
    applied: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (REST, the text interface's list)."""
        data = asdict(self.spec)
        data["set_fields"] = dict(self.spec.set_fields)
        data["remove_fields"] = list(self.spec.remove_fields)
        return {"id": self.id, **data, "remaining": self.remaining, "applied": self.applied}

    @property
    def note(self) -> str:
        return f"intercepted #{self.id}: {self.spec.describe()}"

    def answer_frame(self, unique_id: str, model_frame: bytes | None) -> bytes | None:
        """The answer that goes out instead of `model_frame` (the model's answer, None when the model did
        not run); None: no answer at all."""
        spec = self.spec
        if spec.drop:
            return None
        if spec.raw is not None:
            return spec.raw.replace(UNIQUE_ID, unique_id).encode()
        if spec.error is not None:
            frame = encode_error(unique_id, spec.error, spec.description or "intercepted")
        elif spec.status is not None or spec.set_fields or spec.remove_fields:
            payload: dict[str, Any] = {}
            if model_frame is not None and model_frame.startswith(b"[3"):
                payload = orjson.loads(model_frame)[2]
            frame = encode_result(unique_id, _changed(payload, spec))
        elif model_frame is not None:
            frame = model_frame  # delayed, or cut short: the model's own answer
        else:
            frame = encode_result(unique_id, {})
        return _cut(frame) if spec.malformed else frame

    def call_frame(self, unique_id: str, action: str, payload: dict[str, Any]) -> bytes:
        """Our CALL as it goes out."""
        spec = self.spec
        if spec.raw is not None:
            return spec.raw.replace(UNIQUE_ID, unique_id).encode()
        frame = encode_call(unique_id, action, _changed(payload, spec))
        return _cut(frame) if spec.malformed else frame


def _changed(payload: dict[str, Any], spec: OverrideSpec) -> dict[str, Any]:
    """A deep copy of `payload` with the spec's status, set and removed fields."""
    out: dict[str, Any] = orjson.loads(orjson.dumps(payload))
    if spec.status is not None:
        out["status"] = spec.status
    for path, value in spec.set_fields.items():
        *parents, last = path.split(".")
        node = out
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[last] = value
    for path in spec.remove_fields:
        *parents, last = path.split(".")
        node = out
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                break
            node = child
        else:
            node.pop(last, None)
    return out


def _cut(frame: bytes) -> bytes:
    """A malformed frame: the last closing bracket cut off (a CSMS must answer FormationViolation for a
    CALL it cannot parse, OCPP-J 4.2.3)."""
    return frame[:-1]


class Interception:
    """The overrides of one charger, by action and target (see the module docstring)."""

    __slots__ = ("_by_key", "_items")

    def __init__(self) -> None:
        self._items: dict[int, Override] = {}
        # (target, action) -> the override in force (the newest one added for that key).
        self._by_key: dict[tuple[str, str], Override] = {}

    def add(self, spec: OverrideSpec) -> Override:
        spec.check()
        override = Override(next(_IDS), spec, spec.times)
        self._items[override.id] = override
        self._by_key[(spec.target, spec.action)] = override
        return override

    def remove(self, override_id: int) -> Override | None:
        override = self._items.pop(override_id, None)
        if override is not None:
            key = (override.spec.target, override.spec.action)
            if self._by_key.get(key) is override:
                del self._by_key[key]
                # An older override of the same key, if any, is in force again.
                for older in reversed(self._items.values()):
                    if (older.spec.target, older.spec.action) == key:
                        self._by_key[key] = older
                        break
        return override

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Override]:
        return list(self._items.values())

    def take(self, target: str, action: str) -> Override | None:
        """The override that applies to this frame, counted as used (None: the frame goes as it is)."""
        by_key = self._by_key
        override = by_key.get((target, action)) or by_key.get((target, "*"))
        if override is None:
            return None
        override.applied += 1
        if override.remaining is not None:
            override.remaining -= 1
            if override.remaining <= 0:
                self.remove(override.id)
        return override


# ---------------------------------------------------------------------- the API of the surfaces


def intercept(station: Station, target: str, action: str, **options: Any) -> Override:
    """Add an override to `station` (options: the fields of OverrideSpec); InterceptionError when it is
    not a valid one."""
    return add_spec(station, spec_from_mapping({"target": target, "action": action, **options}))


def add_spec(station: Station, spec: OverrideSpec) -> Override:
    spec.check()
    rules = station.interception
    if rules is None:
        rules = station.interception = Interception()
    return rules.add(spec)


def overrides(station: Station) -> list[Override]:
    rules = station.interception
    return rules.items() if rules is not None else []


def remove_override(station: Station, override_id: int) -> Override | None:
    """Remove one override; None when there is none with this id."""
    rules = station.interception
    if rules is None:
        return None
    removed = rules.remove(override_id)
    if not len(rules):
        station.interception = None  # back to the cost of no interception at all
    return removed


def clear_overrides(station: Station) -> int:
    """Remove every override; how many there were."""
    rules = station.interception
    station.interception = None
    return len(rules) if rules is not None else 0


_SPEC_FIELDS: Final = frozenset(OverrideSpec.__dataclass_fields__)


def spec_from_mapping(data: Mapping[str, Any]) -> OverrideSpec:
    """An OverrideSpec from data (a REST body, a scenario step); unknown keys and wrong types are named."""
    unknown = set(data) - _SPEC_FIELDS
    if unknown:
        raise InterceptionError(
            f"unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_SPEC_FIELDS))}"
        )

    def text(name: str, *, optional: bool = True) -> str | None:
        value = data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise InterceptionError(f"{name} must be text")
        return value

    def flag(name: str) -> bool | None:
        value = data.get(name)
        if value is None or isinstance(value, bool):
            return value
        raise InterceptionError(f"{name} must be true or false")

    delay = data.get("delay", 0.0)
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise InterceptionError("delay must be a number of seconds")
    times = data.get("times")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
        raise InterceptionError("times must be a whole number")
    set_fields = data.get("set_fields") or {}
    if not isinstance(set_fields, Mapping) or not all(isinstance(k, str) for k in set_fields):
        raise InterceptionError("set_fields must map field paths to values")
    remove_fields = data.get("remove_fields") or ()
    if isinstance(remove_fields, str) or not all(isinstance(k, str) for k in remove_fields):
        raise InterceptionError("remove_fields must be a list of field paths")
    return OverrideSpec(
        target=text("target", optional=False) or "",
        action=text("action", optional=False) or "",
        status=text("status"),
        error=text("error"),
        description=text("description") or "",
        delay=float(delay),
        drop=bool(flag("drop")),
        set_fields=dict(set_fields),
        remove_fields=tuple(remove_fields),
        raw=text("raw"),
        malformed=bool(flag("malformed")),
        model=flag("model"),
        times=times,
    ).check()


_WORD_OPTIONS: Final = (
    "status X | error CODE [description ...] | delay S | drop | set FIELD=JSON | remove FIELD | "
    "raw TEXT... | malformed | model on|off | times N"
)


def spec_from_words(words: Sequence[str]) -> OverrideSpec:
    """The text command's form: `answer|send <Action> <option> ...` with the options
    status X, error CODE [description...], delay S, drop, set FIELD=VALUE (VALUE as JSON, else text),
    remove FIELD, raw TEXT... (the rest of the line), malformed, model on|off, times N."""
    if len(words) < 3:
        raise InterceptionError(f"usage: intercept answer|send <Action> {_WORD_OPTIONS}")
    data: dict[str, Any] = {"target": words[0], "action": words[1]}
    set_fields: dict[str, Any] = {}
    remove_fields: list[str] = []
    rest = list(words[2:])
    while rest:
        option = rest.pop(0)
        if option in ("drop", "malformed"):
            data[option] = True
        elif option == "raw":
            if not rest:
                raise InterceptionError("raw needs the frame text")
            data["raw"] = " ".join(rest)
            rest = []
        elif option == "error":
            if not rest:
                raise InterceptionError("error needs a code")
            data["error"] = rest.pop(0)
            if rest:
                data["description"] = " ".join(rest)
                rest = []
        elif option in ("status", "delay", "set", "remove", "model", "times"):
            if not rest:
                raise InterceptionError(f"{option} needs a value")
            value = rest.pop(0)
            if option == "status":
                data["status"] = value
            elif option == "delay":
                data["delay"] = _number(value, "delay")
            elif option == "times":
                times = parse_whole_number(value)
                if times is None:
                    raise InterceptionError(f"times must be a whole number, got {value!r}")
                data["times"] = times
            elif option == "model":
                if value not in ("on", "off"):
                    raise InterceptionError("model takes on or off")
                data["model"] = value == "on"
            elif option == "remove":
                remove_fields.append(value)
            else:
                name, sep, shown = value.partition("=")
                if not sep:
                    raise InterceptionError(f"set takes FIELD=VALUE, got {value!r}")
                set_fields[name] = _json_or_text(shown)
        else:
            raise InterceptionError(f"unknown option {option!r}; options: {_WORD_OPTIONS}")
    if set_fields:
        data["set_fields"] = set_fields
    if remove_fields:
        data["remove_fields"] = remove_fields
    return spec_from_mapping(data)


def _number(text: str, what: str) -> float:
    value = parse_decimal(text)  # ASCII and finite: "٣" is not 3, "nan" no delay
    if value is None:
        raise InterceptionError(f"{what} must be a number, got {text!r}")
    return value


def _json_or_text(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
