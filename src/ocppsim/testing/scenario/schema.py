"""The JSON schema of scenario files, for editors (Taplo / Even Better TOML read it from a `#:schema`
line or their settings): made from the same tables the parser checks with, so the two cannot disagree.
`ocppsim scenario schema` prints it; examples/scenarios/scenario.schema.json is a copy (a test keeps it so).
"""

from __future__ import annotations

from typing import Any

from ocppsim.testing.matching import OPERATORS
from ocppsim.testing.scenario.parse import CHARGER_FIELDS, CSMS_FIELDS, TOP_FIELDS
from ocppsim.testing.scenario.steps import COMMON_FIELDS, KINDS, Field

__all__ = ["scenario_schema"]

_MATCHERS: dict[str, Any] = {
    "description": "field matchers: a value, a table (a subset), a list, or an operator table "
    + ", ".join(OPERATORS),
    "type": "object",
}


def _field(spec: Field) -> dict[str, Any]:
    if spec.type == "matcher":
        out: dict[str, Any] = {}
    elif spec.name in ("match", "answer"):
        out = dict(_MATCHERS)
    else:
        out = {"type": spec.type.split("|") if "|" in spec.type else spec.type}
    out["description"] = spec.doc
    if spec.choices:
        out["enum"] = list(spec.choices)
    return out


def _table(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {f.name: _field(f) for f in fields},
        "required": [f.name for f in fields if f.required],
    }


def scenario_schema() -> dict[str, Any]:
    steps = []
    for kind in KINDS.values():
        table = _table((*COMMON_FIELDS, *kind.fields))
        table["properties"]["do"] = {"const": kind.name, "description": kind.doc}
        table["title"] = kind.name
        steps.append(table)
    top = _table(TOP_FIELDS)
    top["properties"]["charger"] = _table(CHARGER_FIELDS)
    top["properties"]["charger"]["description"] = "the simulated charger"
    top["properties"]["csms"] = _table(CSMS_FIELDS)
    top["properties"]["csms"]["description"] = "how the built-in central system answers"
    top["properties"]["steps"] = {
        "type": "array",
        "minItems": 1,
        "description": "the steps, in order ([[steps]] tables)",
        "items": {"oneOf": steps},
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "ocppsim scenario",
        "description": "A scenario run by `ocppsim scenario run` against an OCPP 1.6J central system.",
        **top,
    }
