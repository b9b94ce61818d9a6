"""Scenario files (TOML): read and checked completely before anything connects. A file that does not parse,
an unknown step kind or field, a value of the wrong type or a matcher that cannot work is refused with the
file, the line and the reason.

    name = "Remote start"
    timeout = 5                      # real seconds a step may wait (default)

    [charger]                        # optional
    id = "SCN-REMOTE"
    connectors = 1

    [[steps]]
    do = "connect"

    [[steps]]
    do = "expect"
    call = "RemoteStartTransaction"
    match = { idTag = "ABC" }
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ocppsim.testing.matching import MatcherError, check_matcher
from ocppsim.testing.scenario.steps import COMMON_FIELDS, KINDS, Field, FieldError, Step

__all__ = [
    "CHARGER_FIELDS",
    "CSMS_FIELDS",
    "TOP_FIELDS",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
]

DEFAULT_TIMEOUT: Final = 5.0

TOP_FIELDS: Final = (
    Field("name", "string", "what the report calls the scenario (default: the file name)"),
    Field("description", "string", "what it checks, for the reader"),
    Field("timeout", "number", "real seconds each step may wait unless it says otherwise (default 5)"),
    Field("charger", "object", "the simulated charger"),
    Field("csms", "object", "how the built-in central system answers (ignored against another CSMS)"),
    Field("steps", "array", "the steps, in order", required=True),
)
CHARGER_FIELDS: Final = (
    Field("id", "string", "charge point id (default: derived from the file name)"),
    Field("connectors", "integer", "number of connectors (default 1)"),
    Field("security_profile", "integer", "SecurityProfile 0-3 (1: HTTP Basic auth with authorization_key)"),
    Field("authorization_key", "string", "the AuthorizationKey (profiles 1 and 2)"),
    Field("meter_interval", "integer", "MeterValueSampleInterval in seconds (default 60)"),
    Field("max_offer", "number", "the hardware limit per connector in A (default 32)"),
)
CSMS_FIELDS: Final = (
    Field("refuse_tags", "array", "idTags the built-in central system answers Invalid (others: Accepted)"),
    Field("heartbeat_interval", "integer", "the interval its BootNotification answer gives"),
)


class ScenarioError(ValueError):
    """A scenario that cannot run: `file:line: reason`."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Scenario:
    path: str
    name: str
    description: str
    steps: tuple[Step, ...]
    charger: dict[str, Any] = field(default_factory=dict)
    csms: dict[str, Any] = field(default_factory=dict)


_TYPES: Final = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "integer|string": (int, str),  # an id given as a number or as a saved value, "${name}"
}
_TOML_LINE = re.compile(r"at line (\d+)")
_STEP_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[")


class _Lines:
    """Where things are in the source, for messages (tomllib gives positions only for syntax errors)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.step_lines = [i + 1 for i, line in enumerate(self.lines) if _STEP_HEADER.match(line)]

    def _find_key(self, key: str, start: int, end: int) -> int:
        pattern = re.compile(rf"^\s*(\"?){re.escape(key)}\1\s*=|[{{,]\s*(\"?){re.escape(key)}\2\s*=")
        for number in range(start, min(end, len(self.lines)) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return 0

    def step(self, index: int) -> int:
        """The header line of step `index` (0-based), 0 when the steps are not written as [[steps]]."""
        return self.step_lines[index] if index < len(self.step_lines) else 0

    def step_key(self, index: int, key: str) -> int:
        start = self.step(index)
        if not start:
            return 0
        end = self.step_lines[index + 1] - 1 if index + 1 < len(self.step_lines) else len(self.lines)
        return self._find_key(key, start, end) or start

    def table_key(self, table: str | None, key: str) -> int:
        """`key` at the top (table None) or in [table]."""
        if table is None:
            end = next(
                (i for i, line in enumerate(self.lines, 1) if _TABLE_HEADER.match(line)), len(self.lines)
            )
            # A key at the top, or a table of that name: [key], [key.x], [[key]].
            header = re.compile(rf"^\s*\[+\s*{re.escape(key)}\s*[\].]")
            at_top = self._find_key(key, 1, end) if key else 0
            tables = (i for i, line in enumerate(self.lines, 1) if key and header.match(line))
            return at_top or next(tables, 0)
        header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        start = next((i for i, line in enumerate(self.lines, 1) if header.match(line)), 0)
        if not start:
            return self._find_key(table, 1, len(self.lines))  # an inline table: charger = { ... }
        end = next(
            (i for i, line in enumerate(self.lines, 1) if i > start and _TABLE_HEADER.match(line)),
            len(self.lines) + 1,
        )
        return self._find_key(key, start, end - 1) or start


def _check_type(value: Any, spec: Field) -> str | None:
    if spec.type == "matcher":
        return None
    kinds = _TYPES[spec.type]
    if isinstance(value, bool) and spec.type != "boolean":
        return f"{spec.name} must be {spec.type}, not {value!r}"
    if not isinstance(value, kinds):
        return f"{spec.name} must be {'a table' if spec.type == 'object' else spec.type}, not {value!r}"
    if spec.choices and value not in spec.choices:
        return f"{spec.name} = {value!r}: one of {', '.join(spec.choices)}"
    return None


def _check_table(data: dict[str, Any], specs: tuple[Field, ...], path: str, where: str, line_of: Any) -> None:
    known = {f.name: f for f in specs}
    for key, value in data.items():
        spec = known.get(key)
        if spec is None:
            raise ScenarioError(
                path, line_of(key), f"{where}: unknown field {key!r} (fields: {', '.join(known)})"
            )
        problem = _check_type(value, spec)
        if problem:
            raise ScenarioError(path, line_of(key), f"{where}: {problem}")
    for spec in specs:
        if spec.required and spec.name not in data:
            raise ScenarioError(path, line_of(""), f"{where}: {spec.name} is missing ({spec.doc})")


def _step(raw: Any, index: int, path: str, lines: _Lines, default_timeout: float) -> Step:
    line = lines.step(index)
    where = f"step {index + 1}"
    if not isinstance(raw, dict):
        raise ScenarioError(path, line, f"{where}: a step is a table ([[steps]]), not {raw!r}")
    kind_name = raw.get("do")
    if kind_name is None:
        raise ScenarioError(path, line, f"{where}: no 'do' (the action: one of {', '.join(KINDS)})")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        raise ScenarioError(
            path,
            lines.step_key(index, "do"),
            f"{where}: unknown action {kind_name!r} (known: {', '.join(KINDS)})",
        )
    where = f"step {index + 1} ({kind.name})"
    _check_table(raw, (*COMMON_FIELDS, *kind.fields), path, where, lambda key: lines.step_key(index, key))
    fields = {k: v for k, v in raw.items() if k not in ("do", "name", "timeout")}
    for key in ("match", "answer", "reply", "error"):
        if key in fields:
            try:
                check_matcher(fields[key], key)
            except MatcherError as exc:
                raise ScenarioError(path, lines.step_key(index, key), f"{where}: {exc}") from None
    timeout = float(raw.get("timeout", default_timeout))
    if timeout <= 0:
        raise ScenarioError(path, lines.step_key(index, "timeout"), f"{where}: timeout must be > 0")
    if kind.name == "advance" and float(fields["seconds"]) < 0:
        raise ScenarioError(path, lines.step_key(index, "seconds"), f"{where}: time only moves forward")
    if "connector" in fields and fields["connector"] < 0:
        raise ScenarioError(path, lines.step_key(index, "connector"), f"{where}: connector must be >= 0")
    if kind.check is not None:
        try:
            kind.check(fields)
        except FieldError as exc:
            at = lines.step_key(index, exc.field) if exc.field else line
            raise ScenarioError(path, at, f"{where}: {exc}") from None
    main = next((str(fields[f.name]) for f in kind.fields if f.required and f.name in fields), "")
    name = str(raw.get("name") or f"{kind.name} {main}".strip())
    return Step(index + 1, kind.name, fields, line, name, timeout)


_VARIABLE = re.compile(r"\$\{(\w+)\}")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check_variables(steps: tuple[Step, ...], path: str, lines: _Lines) -> None:
    """Every "${name}" must be saved by an earlier step (`save = { name = "answer.<key>" }`)."""
    saved: set[str] = set()
    for step in steps:
        for key, value in step.fields.items():
            used = {name for text in _strings(value) for name in _VARIABLE.findall(text)}
            for name in sorted(used - saved) if key != "save" else ():
                raise ScenarioError(
                    path,
                    lines.step_key(step.index - 1, key),
                    f"step {step.index} ({step.kind}): ${{{name}}} is not saved by an earlier step",
                )
        for name, where in step.fields.get("save", {}).items():
            if not isinstance(where, str) or where.partition(".")[0] not in ("payload", "answer"):
                raise ScenarioError(
                    path,
                    lines.step_key(step.index - 1, "save"),
                    f"step {step.index} ({step.kind}): save {name} = {where!r}: a path that starts with "
                    "'payload.' or 'answer.'",
                )
            saved.add(name)
        if isinstance(step.fields.get("save_id"), str):  # intercept: the override's id
            saved.add(step.fields["save_id"])


def parse_scenario(text: str, path: str = "<scenario>") -> Scenario:
    """A checked scenario, or ScenarioError naming the file, line and reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        reason = _TOML_LINE.sub("", str(exc)).replace("(, column", "(column").strip()
        raise ScenarioError(path, int(found.group(1)) if found else 0, f"not valid TOML: {reason}") from None
    lines = _Lines(text)
    _check_table(data, TOP_FIELDS, path, "scenario", lambda key: lines.table_key(None, key))
    charger = data.get("charger", {})
    _check_table(charger, CHARGER_FIELDS, path, "[charger]", lambda key: lines.table_key("charger", key))
    if "connectors" in charger and not 1 <= charger["connectors"] <= 100:
        raise ScenarioError(
            path, lines.table_key("charger", "connectors"), "[charger]: connectors must be 1-100"
        )
    csms = data.get("csms", {})
    _check_table(csms, CSMS_FIELDS, path, "[csms]", lambda key: lines.table_key("csms", key))
    default_timeout = float(data.get("timeout", DEFAULT_TIMEOUT))
    if default_timeout <= 0:
        raise ScenarioError(path, lines.table_key(None, "timeout"), "scenario: timeout must be > 0")
    raw_steps = data["steps"]
    if not raw_steps:
        raise ScenarioError(path, lines.table_key(None, "steps"), "scenario: no steps")
    steps = tuple(_step(raw, i, path, lines, default_timeout) for i, raw in enumerate(raw_steps))
    _check_variables(steps, path, lines)
    connectors = int(charger.get("connectors", 1))
    for step in steps:
        if step.fields.get("connector", 1) > connectors:
            raise ScenarioError(
                path,
                lines.step_key(step.index - 1, "connector"),
                f"step {step.index} ({step.kind}): connector {step.fields['connector']} does not exist "
                f"(the charger has {connectors})",
            )
    name = str(data.get("name") or Path(path).stem)
    return Scenario(path, name, str(data.get("description", "")), steps, charger, csms)


def load_scenario(path: str | Path) -> Scenario:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), 0, f"cannot read: {exc}") from None
    return parse_scenario(text, str(path))
