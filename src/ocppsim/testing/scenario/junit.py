"""JUnit XML of scenario results, in the shape GitLab, GitHub (test-reporter actions) and Jenkins render:
<testsuites> of one <testsuite> per scenario, one <testcase> per step; a failed step carries <failure>
(an error <error>, a step not run <skipped>) and every step the frames that decided it in <system-out>."""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ocppsim.testing.exchanges import format_frames
from ocppsim.testing.scenario.runner import ERROR, FAILED, SKIPPED, ScenarioResult

__all__ = ["junit_xml", "write_junit"]


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def junit_xml(results: Sequence[ScenarioResult]) -> str:
    root = ET.Element("testsuites", name="ocppsim scenarios")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    host = socket.gethostname()
    for result in results:
        scenario = result.scenario
        counts: dict[str, int] = {
            "tests": len(result.steps),
            "failures": result.count(FAILED),
            "errors": result.count(ERROR),
            "skipped": result.count(SKIPPED),
        }
        suite = ET.SubElement(
            root,
            "testsuite",
            name=scenario.name,
            tests=str(counts["tests"]),
            failures=str(counts["failures"]),
            errors=str(counts["errors"]),
            skipped=str(counts["skipped"]),
            time=_seconds(result.seconds),
            timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(result.started)),
            hostname=host,
            file=scenario.path,
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("file", scenario.path),
            ("csms", result.csms_url),
            ("charger", result.charger_id),
        ):
            ET.SubElement(props, "property", name=name, value=value)
        classname = "scenario." + "".join(c if c.isalnum() else "_" for c in scenario.name).strip("_").lower()
        for r in result.steps:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{r.step.index:02d} {r.step.name}",
                classname=classname,
                time=_seconds(r.seconds),
                file=scenario.path,
            )
            if r.step.line:
                case.set("line", str(r.step.line))
            frames = format_frames(r.frames)
            if r.verdict == FAILED:
                ET.SubElement(
                    case, "failure", message=_first_line(r.message), type="ExpectationError"
                ).text = r.message + ("\n\nframes that decided it:\n" + frames if frames else "")
            elif r.verdict == ERROR:
                ET.SubElement(
                    case, "error", message=_first_line(r.message), type="StepError"
                ).text = r.message
            elif r.verdict == SKIPPED:
                ET.SubElement(case, "skipped", message=r.message)
            if frames:
                ET.SubElement(case, "system-out").text = frames
        for key in totals:
            totals[key] += counts[key]
        total_time += result.seconds
    for key, total in totals.items():
        root.set(key, str(total))
    root.set("time", _seconds(total_time))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: str | Path, results: Sequence[ScenarioResult]) -> None:
    Path(path).write_text(junit_xml(results), encoding="utf-8")
