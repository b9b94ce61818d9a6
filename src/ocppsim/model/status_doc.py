"""Render the connector transition table as Markdown (docs/connector-states.md is generated from it and a
test keeps the two in sync)."""

from __future__ import annotations

from ocppsim.model.status_table import TRANSITIONS
from ocppsim.model.types import ChargePointStatus

__all__ = ["render_transition_table"]


def render_transition_table() -> str:
    order = [
        ChargePointStatus.AVAILABLE,
        ChargePointStatus.PREPARING,
        ChargePointStatus.CHARGING,
        ChargePointStatus.SUSPENDED_EV,
        ChargePointStatus.SUSPENDED_EVSE,
        ChargePointStatus.FINISHING,
        ChargePointStatus.RESERVED,
        ChargePointStatus.UNAVAILABLE,
        ChargePointStatus.FAULTED,
    ]
    lines = [
        "# Connector status transitions",
        "",
        "Generated from `ocppsim.model.status_table.TRANSITIONS` (OCPP 1.6 section 4.9); regenerate with",
        "`python -c 'from ocppsim.model.status_doc import render_transition_table as r; print(r(), end=\"\")'"
        " > docs/connector-states.md`.",
        "Every status change the simulator makes is checked against this table (tests run strict).",
        "",
        "| from \\ to | " + " | ".join(s.value for s in order) + " |",
        "|---" * (len(order) + 1) + "|",
    ]
    for old in order:
        cells = [TRANSITIONS.get((old, new), "-") for new in order]
        lines.append(f"| {old.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
