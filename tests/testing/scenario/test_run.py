"""`ocppsim scenario run` against the built-in central system: the examples pass, a failing step names
what it expected with the frames that decided it, JUnit XML that CI tools read, exit codes."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from ocppsim.cli import main

from .test_parse import EXAMPLES

FAILING = """
name = "Expects the wrong tag"

[[steps]]
do = "tag"
id_tag = "ABC"

[[steps]]
do = "expect"
call = "StartTransaction"
match = { idTag = "XYZ" }
timeout = 0.2

[[steps]]
do = "unplug"

[[steps]]
do = "csms"
call = "Reset"
payload = { type = "Soft" }
"""

# What JUnit readers (Jenkins' junit plugin, GitLab, GitHub test reporters) rely on: the Surefire/
# Ant schema's elements and attributes.
SUITE_ATTRS = {"name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname", "file"}
CASE_ATTRS = {"name", "classname", "time", "file", "line"}
CASE_CHILDREN = {"failure", "error", "skipped", "system-out"}


def check_junit(text: str) -> ET.Element:
    """Structure and counts of a JUnit XML report (raises AssertionError when it is not valid)."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite"
        assert set(suite.attrib) <= SUITE_ATTRS
        assert {"name", "tests", "failures", "errors", "time"} <= set(suite.attrib)
        cases = suite.findall("testcase")
        assert [c.tag for c in suite] == ["properties"] + ["testcase"] * len(cases)
        counted = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
        for case in cases:
            assert set(case.attrib) <= CASE_ATTRS
            assert case.get("name")
            assert case.get("classname")
            float(case.get("time", "x"))
            children = [c.tag for c in case]
            assert set(children) <= CASE_CHILDREN
            verdicts = [t for t in children if t != "system-out"]
            assert len(verdicts) <= 1
            for tag, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
                if tag in verdicts:
                    counted[key] += 1
                    assert case.find(tag).get("message") is not None
        for key, value in counted.items():
            assert int(suite.get(key, "0")) == value, (suite.get("name"), key)
            totals[key] += value
        float(suite.get("time", "x"))
    for key, value in totals.items():
        assert int(root.get(key, "-1")) == value
    return root


def test_the_examples_pass_and_write_junit(tmp_path, capsys):
    junit = tmp_path / "x.xml"
    assert main(["scenario", "run", *EXAMPLES, "--junit", str(junit)]) == 0
    out = capsys.readouterr().out
    assert f"{len(EXAMPLES)} scenario(s): {len(EXAMPLES)} passed, 0 failed" in out
    assert "FAIL" not in out
    root = check_junit(junit.read_text())
    assert len(root) == len(EXAMPLES)
    assert root.get("failures") == "0"
    first = root[0].find("testcase")
    assert first.get("name") == "01 connect"
    assert "BootNotification" in first.find("system-out").text  # the frames that decided it


def test_a_failing_step_is_reported_with_its_frames_and_the_rest_skipped(tmp_path, capsys):
    scenario = tmp_path / "wrong.toml"
    scenario.write_text(FAILING)
    junit = tmp_path / "x.xml"
    assert main(["scenario", "run", str(scenario), "--junit", str(junit), "--plain"]) == 1
    out = capsys.readouterr().out
    assert "  PASS   0 connect (implicit)" in out  # numbered as in the file: the implicit one is 0
    assert "  FAIL   2 expect StartTransaction" in out
    assert "expected StartTransaction(idTag='XYZ')" in out
    assert "idTag: 'ABC' != 'XYZ'" in out
    assert "frames that decided it:" in out
    assert '"StartTransaction",{"connectorId":1,"idTag":"ABC"' in out
    assert "2 step(s) not run after the failure" in out
    assert "1 scenario(s): 0 passed, 1 failed" in out
    root = check_junit(junit.read_text())
    suite = root[0]
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "2")
    failure = suite.findall("testcase")[2].find("failure")
    assert failure.get("message") == "expected StartTransaction(idTag='XYZ') from SCN-WRONG within 0.2 s"
    assert "frames that decided it:" in failure.text
    assert suite.findall("testcase")[2].get("line") == "8"


def test_a_file_that_does_not_parse_stops_everything_before_connecting(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[steps]]\ndo = "plugg"\n')
    junit = tmp_path / "x.xml"
    assert main(["scenario", "run", EXAMPLES[0], str(bad), "--junit", str(junit)]) == 2
    captured = capsys.readouterr()
    assert f"{bad}:2: step 1: unknown action 'plugg'" in captured.err
    assert "nothing was run" in captured.err
    assert captured.out == ""  # no scenario started
    assert not junit.exists()


def test_check_and_schema(capsys):
    assert main(["scenario", "check", *EXAMPLES]) == 0
    assert capsys.readouterr().out.count(", ok") == len(EXAMPLES)
    assert main(["scenario", "schema"]) == 0
    assert '"title": "ocppsim scenario"' in capsys.readouterr().out


def test_csms_steps_are_skipped_against_another_csms(tmp_path, capsys, other_csms):
    """Pointed at another central system, the steps that drive the built-in one are skipped, not failed."""
    scenario = tmp_path / "reset.toml"
    scenario.write_text('[[steps]]\ndo = "connect"\n\n[[steps]]\ndo = "csms"\ncall = "Reset"\npayload = {}\n')
    assert main(["scenario", "run", str(scenario), "--csms-url", other_csms.url, "--plain"]) == 0
    out = capsys.readouterr().out
    assert f"against {other_csms.url}" in out
    assert "  SKIP   2 csms Reset (0.00 s): drives the built-in central system" in out
    assert [f.action for f in other_csms.calls("SCN-RESET")][:1] == ["BootNotification"]


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "scenario" in capsys.readouterr().out


def test_in_a_terminal_the_output_has_colours(monkeypatch, capsys):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["scenario", "run", EXAMPLES[0]]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" in out  # rich's colours
    assert "PASS" in out
    assert main(["scenario", "run", EXAMPLES[0], "--plain"]) == 0
    assert "\x1b[" not in capsys.readouterr().out
