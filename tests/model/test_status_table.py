"""The transition table against the spec's matrix (OCPP 1.6 section 4.9), cell by cell."""

from __future__ import annotations

import pytest

from ocppsim.model.status_table import TRANSITIONS, is_allowed, trigger_code
from ocppsim.model.types import ChargePointStatus as S

ORDER = [
    S.AVAILABLE,
    S.PREPARING,
    S.CHARGING,
    S.SUSPENDED_EV,
    S.SUSPENDED_EVSE,
    S.FINISHING,
    S.RESERVED,
    S.UNAVAILABLE,
    S.FAULTED,
]
# The spec's table, transcribed row by row ("-" = not allowed).
SPEC = """
Available     -  A2 A3 A4 A5 -  A7 A8 A9
Preparing     B1 -  B3 B4 B5 B6 -  -  B9
Charging      C1 -  -  C4 C5 C6 -  C8 C9
SuspendedEV   D1 -  D3 -  D5 D6 -  D8 D9
SuspendedEVSE E1 -  E3 E4 -  E6 -  E8 E9
Finishing     F1 F2 -  -  -  -  -  F8 F9
Reserved      G1 G2 -  -  -  -  -  G8 G9
Unavailable   H1 H2 H3 H4 H5 -  -  -  H9
Faulted       I1 I2 I3 I4 I5 I6 I7 I8 -
"""


def spec_cells() -> list[tuple[S, S, str | None]]:
    cells = []
    for line in SPEC.strip().splitlines():
        name, *codes = line.split()
        for target, code in zip(ORDER, codes, strict=True):
            cells.append((S(name), target, None if code == "-" else code))
    return cells


@pytest.mark.parametrize(("old", "new", "code"), spec_cells())
def test_every_cell_matches_the_spec(old: S, new: S, code: str | None) -> None:
    assert is_allowed(old, new) is (code is not None)
    assert trigger_code(old, new) == code


def test_table_has_nothing_else() -> None:
    assert len(TRANSITIONS) == sum(1 for _, _, code in spec_cells() if code)


def test_generated_doc_is_in_sync() -> None:
    from pathlib import Path

    from ocppsim.model.status_doc import render_transition_table

    doc = Path(__file__).resolve().parents[2] / "docs" / "connector-states.md"
    assert doc.read_text() == render_transition_table()
