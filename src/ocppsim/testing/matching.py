"""Field matchers for OCPP payloads: what `expect_call("StartTransaction", idTag="ABC")` and a scenario's
`match = { ... }` compare a frame's payload with. Shared by the pytest plugin and the scenario runner.

An expected value is compared with the payload's value at a key (a dotted key reaches into nested objects,
`"chargingProfile.chargingProfilePurpose"`; a number in it indexes a list, `"meterValue.0.timestamp"`):
- a plain value (str, number, bool) must be equal (a number equals its float: 16 == 16.0);
- a dict (not an operator) must match as a subset: each of its keys as above, extra payload keys are fine;
- a list must match element by element, same length;
- an operator dict (its one key starts with "$"): {"$regex": "^CP"}, {"$gt": 0}, {"$gte": 0},
  {"$lt": 32}, {"$lte": 32}, {"$in": ["Accepted", "ConcurrentTx"]}, {"$exists": false}, {"$any": true},
  {"$contains": {...}} (a list with at least one element that matches, e.g. the sampledValue of a measurand);
- in Python, a callable returning a bool (a predicate) or `ANY`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from ocppsim.model.decimal_text import parse_whole_number

__all__ = ["ANY", "OPERATORS", "MatcherError", "check_matcher", "mismatches"]

OPERATORS: Final = ("$regex", "$gt", "$gte", "$lt", "$lte", "$in", "$contains", "$exists", "$any")

_MISSING: Final = object()


class _Any:
    """Matches any present value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ANY"

    def __eq__(self, other: object) -> bool:  # as unittest.mock.ANY, in a plain assert too
        return True

    def __hash__(self) -> int:
        return 0


ANY: Final = _Any()


class MatcherError(ValueError):
    """An expected value that is not a matcher (an unknown operator, a bad regex)."""


def _is_operator(value: object) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and str(next(iter(value))).startswith("$")


def check_matcher(expected: object, where: str = "") -> None:
    """Raise MatcherError when `expected` holds an operator that does not exist or cannot work."""
    if _is_operator(expected):
        assert isinstance(expected, Mapping)
        op, arg = next(iter(expected.items()))
        if op not in OPERATORS:
            raise MatcherError(
                f"{where or 'matcher'}: unknown operator {op!r} (known: {', '.join(OPERATORS)})"
            )
        if op == "$regex":
            try:
                re.compile(str(arg))
            except re.error as exc:
                raise MatcherError(f"{where}: bad regular expression {arg!r}: {exc}") from None
        elif op in ("$gt", "$gte", "$lt", "$lte") and (
            isinstance(arg, bool) or not isinstance(arg, int | float)
        ):
            raise MatcherError(f"{where}: {op} needs a number, not {arg!r}")
        elif op == "$in" and not isinstance(arg, list | tuple):
            raise MatcherError(f"{where}: $in needs a list, not {arg!r}")
        elif op == "$contains":
            check_matcher(arg, f"{where}.$contains")
        elif op in ("$exists", "$any") and not isinstance(arg, bool):
            raise MatcherError(f"{where}: {op} needs true or false, not {arg!r}")
    elif isinstance(expected, Mapping):
        for key, value in expected.items():
            check_matcher(value, f"{where}.{key}" if where else str(key))
    elif isinstance(expected, list | tuple):
        for i, value in enumerate(expected):
            check_matcher(value, f"{where}[{i}]")


def _lookup(payload: object, dotted: str) -> object:
    value = payload
    for part in dotted.split("."):
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif (
            isinstance(value, list) and (index := parse_whole_number(part)) is not None and index < len(value)
        ):
            value = value[index]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _equal(actual: object, expected: object) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(actual) == float(expected)
    return actual == expected


def _show(value: object) -> str:
    return "(missing)" if value is _MISSING else repr(value)


def _operator(path: str, actual: object, op: str, arg: Any) -> list[str]:
    if op in {"$exists", "$any"}:
        present = actual is not _MISSING
        return [] if present is arg else [f"{path}: {'missing' if arg else 'present: ' + _show(actual)}"]
    if actual is _MISSING:
        return [f"{path}: missing (expected {op} {arg!r})"]
    if op == "$contains":
        if not isinstance(actual, list):
            return [f"{path}: {_show(actual)} is not a list"]
        ok = any(not _compare(path, element, arg) for element in actual)
        return [] if ok else [f"{path}: no element matches {arg!r}"]
    if op == "$regex":
        ok = isinstance(actual, str) and re.search(str(arg), actual) is not None
    elif op == "$in":
        ok = any(_equal(actual, a) for a in arg)
    else:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return [f"{path}: {_show(actual)} is not a number (expected {op} {arg!r})"]
        ok = {
            "$gt": actual > arg,
            "$gte": actual >= arg,
            "$lt": actual < arg,
            "$lte": actual <= arg,
        }[op]
    return [] if ok else [f"{path}: {_show(actual)} does not match {op} {arg!r}"]


def _compare(path: str, actual: object, expected: object) -> list[str]:
    if expected is ANY:
        return [] if actual is not _MISSING else [f"{path}: missing"]
    if callable(expected) and not isinstance(expected, type):
        predicate: Callable[[object], bool] = expected
        ok = actual is not _MISSING and bool(predicate(actual))
        return (
            []
            if ok
            else [f"{path}: {_show(actual)} does not satisfy {getattr(expected, '__name__', expected)}"]
        )
    if _is_operator(expected):
        assert isinstance(expected, Mapping)
        op, arg = next(iter(expected.items()))
        return _operator(path, actual, str(op), arg)
    if isinstance(expected, Mapping):
        if actual is _MISSING or not isinstance(actual, Mapping):
            return [f"{path}: {_show(actual)} is not an object"]
        return mismatches(actual, expected, prefix=path)
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {_show(actual)} != {list(expected)!r}"]
        out: list[str] = []
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            out += _compare(f"{path}[{i}]", a, e)
        return out
    return [] if _equal(actual, expected) else [f"{path}: {_show(actual)} != {expected!r}"]


def mismatches(payload: object, expected: Mapping[str, Any], *, prefix: str = "") -> list[str]:
    """Every way `payload` fails `expected` (empty: it matches), one readable line each."""
    out: list[str] = []
    for key, want in expected.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out += _compare(path, _lookup(payload, str(key)), want)
    return out
