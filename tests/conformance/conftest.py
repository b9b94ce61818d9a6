"""The conformance suite's pytest plugin: every test here plays one OCTT case, named by
`@pytest.mark.octt("TC_003_CS")`. Collection refuses an unknown id or a case played by two tests (the
table in docs/conformance.md has one row per case). With OCPPSIM_CONFORMANCE_RESULTS set to a path, the
outcome of each case's test in this run is written there as JSON for report.py (`make conformance`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conformance.cases import CASE_IDS

RESULTS_ENV = "OCPPSIM_CONFORMANCE_RESULTS"

_case_of: dict[str, str] = {}  # test node id -> case id
_outcomes: dict[str, dict[str, str]] = {}  # case id -> {"test", "outcome", "reason"}


def case_id_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("octt")
    if marker is None:
        return None
    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.octt takes one case id")
    return str(marker.args[0])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        case = case_id_of(item)
        if case is None:
            continue
        if case not in CASE_IDS:
            raise pytest.UsageError(f"{item.nodeid}: {case} is not an OCTT case of cases.py")
        if case in seen:
            raise pytest.UsageError(f"{case} is played by both {seen[case]} and {item.nodeid}")
        seen[case] = item.nodeid
        _case_of[item.nodeid] = case


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    case = _case_of.get(report.nodeid)
    if case is None:
        return
    entry = _outcomes.setdefault(case, {"test": report.nodeid, "outcome": "not run", "reason": ""})
    if entry["outcome"] == "fail":
        return  # a failed setup or call stays failed whatever the teardown does
    if report.when == "call" and hasattr(report, "wasxfail"):
        # xfail(strict=True): the charger does what the spec forbids, and the test shows it.
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
    if not path:
        return
    # A case whose test did not run here is `not yet` in report.py: no row says pass from an older run.
    Path(path).write_text(json.dumps(_outcomes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
