"""The conformance table stays in step with the suite (part of the normal `make test`): docs/conformance.md
lists exactly the OCTT cases of cases.py, once each, and every `octt` marker in the tests names one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conformance.cases import CASE_IDS, CASES
from conformance.report import render

TESTS = Path(__file__).resolve().parents[1]
DOC = TESTS.parent / "docs" / "conformance.md"
ROW = re.compile(r"^\| [^|]+ \| (TC_[0-9A-Z_]+) \|", re.MULTILINE)


def octt_markers() -> list[tuple[str, str]]:
    """(file, case id) of every @pytest.mark.octt("...") under tests/."""
    found = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "octt"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((str(path.relative_to(TESTS)), str(node.args[0].value)))
    return found


def test_the_catalogue_has_the_107_cases_once_each() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == 107
    assert len(set(ids)) == 107
    assert all(c.sections for c in CASES)


def test_docs_conformance_lists_exactly_the_cases() -> None:
    assert ROW.findall(DOC.read_text(encoding="utf-8")) == [c.id for c in CASES]


def test_every_octt_marker_names_a_known_case_once() -> None:
    markers = octt_markers()
    assert markers, "the conformance tests carry octt markers"
    unknown = [(f, case) for f, case in markers if case not in CASE_IDS]
    assert unknown == []
    ids = [case for _, case in markers]
    assert sorted(ids) == sorted(set(ids))


def test_a_case_without_an_outcome_is_not_yet_never_pass() -> None:
    text = render({"TC_001_CS": {"test": "t::a", "outcome": "pass", "reason": ""}})
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| [^|]+ \| (TC_\w+) \|.*$", text, re.MULTILINE)}
    assert "| pass |" in rows["TC_001_CS"]
    assert "not yet" in rows["TC_002_CS"] and "pass" not in rows["TC_002_CS"].split("|")[5]
    failed = render({"TC_002_CS": {"test": "t::b", "outcome": "fail", "reason": "5.13: x"}})
    assert "fail (5.13: x)" in failed
