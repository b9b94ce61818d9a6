"""The 2.0.1 conformance suite's pytest plugin: every test here plays one Core case for the charging
station, named by `@pytest.mark.octt201("TC_B_01")`. Collection refuses an unknown id or a case played by
two tests. With OCPPSIM_CONFORMANCE_201_RESULTS set to a path, the outcome of each case's test in this
run is written there as JSON for report.py (`make conformance-201`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conformance_201.cases import CASE_IDS

RESULTS_ENV = "OCPPSIM_CONFORMANCE_201_RESULTS"

_case_of: dict[str, str] = {}
_outcomes: dict[str, dict[str, str]] = {}
_titles: dict[str, str] = {}  # the cases of `octt201_other` markers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        marker = item.get_closest_marker("octt201")
        other = item.get_closest_marker("octt201_other")
        if marker is None and other is not None:
            # A case beyond the Core profile: its own id and title (report.py's second table).
            marker = other
            _titles[str(other.args[0])] = str(other.args[1])
        if marker is None:
            continue
        case = str(marker.args[0])
        if marker is other and case in CASE_IDS:
            raise pytest.UsageError(f"{item.nodeid}: {case} is a Core case: mark it octt201")
        if marker is not other and case not in CASE_IDS:
            raise pytest.UsageError(f"{item.nodeid}: {case} is not a Core charging-station case of cases.py")
        if case in seen:
            raise pytest.UsageError(f"{case} is played by both {seen[case]} and {item.nodeid}")
        seen[case] = item.nodeid
        _case_of[item.nodeid] = case


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    case = _case_of.get(report.nodeid)
    if case is None:
        return
    entry = _outcomes.setdefault(case, {"test": report.nodeid, "outcome": "not run", "reason": ""})
    if case in _titles:
        entry["title"] = _titles[case]
    if entry["outcome"] == "fail":
        return
    if report.when == "call" and hasattr(report, "wasxfail"):
        entry["outcome"] = "fail"
        entry["reason"] = str(report.wasxfail).removeprefix("reason: ")
    elif report.failed:
        entry["outcome"] = "fail"
        entry["reason"] = f"test failed ({report.when})"
    elif report.skipped:
        entry["outcome"] = "not yet"
        entry["reason"] = "skipped"
    elif report.when == "call" and report.passed:
        entry["outcome"] = "pass"


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(RESULTS_ENV)
    if path:
        Path(path).write_text(json.dumps(_outcomes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
