"""The expert-mode steps of scenario files (`intercept`, `intercept_remove`): an override that cannot work
is refused before anything connects, naming its field and line; in a run, the CSMS hears what the override
says (examples/scenarios/11-csms-error-handling.toml is the green path, in test_run's examples)."""

from __future__ import annotations

import tomllib

import fastjsonschema
import pytest

from ocppsim.cli import main
from ocppsim.testing.scenario.parse import ScenarioError, parse_scenario
from ocppsim.testing.scenario.schema import scenario_schema

GOOD = """
[[steps]]
do = "connect"

[[steps]]
do = "intercept"
target = "answer"
action = "Reset"
status = "Rejected"
save_id = "refuse_reset"

[[steps]]
do = "intercept"
target = "send"
action = "StatusNotification"
set_fields = { vendorErrorCode = "E1", "a.b" = 2 }
remove_fields = ["timestamp"]
times = 2

[[steps]]
do = "intercept_remove"
id = "${refuse_reset}"

[[steps]]
do = "intercept_remove"
all = true
"""


def refuse(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.toml")
    return caught.value


def test_a_good_scenario_and_its_schema():
    steps = parse_scenario(GOOD, "s.toml").steps
    assert [s.kind for s in steps] == [
        "connect",
        "intercept",
        "intercept",
        "intercept_remove",
        "intercept_remove",
    ]
    assert steps[1].name == "intercept Reset"
    assert steps[2].fields["set_fields"] == {"vendorErrorCode": "E1", "a.b": 2}
    assert steps[3].fields == {"id": "${refuse_reset}"}
    validate = fastjsonschema.compile(scenario_schema())
    validate(tomllib.loads(GOOD))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validate(tomllib.loads(GOOD.replace("set_fields =", "set =")))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validate(tomllib.loads(GOOD.replace('status = "Rejected"', 'error = "Oops"')))


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (
            ('status = "Rejected"', 'error = "Oops"'),
            9,
            "error = 'Oops': one of NotImplemented, NotSupported,",
        ),
        (('status = "Rejected"', "delay = -1"), 9, "delay must be between 0 and 86400 seconds"),
        (('status = "Rejected"', 'status = "Rejected"\ndrop = true'), 10, "choose one of drop and status"),
        (('target = "answer"', 'target = "both"'), 7, "target = 'both': one of answer, send"),
        (('status = "Rejected"', ""), 5, "an override must change something"),
        (("times = 2", "times = 0"), 18, "times must be >= 1"),
        (("times = 2", "times = 2\ndelay = 3"), 19, "delay applies to answers only"),
        (("times = 2", "times = 2\nmodel = false"), 19, "model applies to answers only"),
        (('remove_fields = ["timestamp"]', 'remove_fields = ["a..b"]'), 17, "bad field path 'a..b'"),
        (("set_fields =", "set ="), 16, "unknown field 'set'"),
        (('save_id = "refuse_reset"', 'save_id = "refuse-reset"'), 10, "a name of letters, digits and _"),
        (('id = "${refuse_reset}"', 'id = "${refuse}"'), 22, "${refuse} is not saved by an earlier step"),
        (('id = "${refuse_reset}"', 'id = "first"'), 22, 'a saved override id, "${name}"'),
        (('id = "${refuse_reset}"', "id = 0"), 22, "a saved override id"),
        (('id = "${refuse_reset}"', 'id = "${refuse_reset}"\nall = true'), 22, "either id or all = true"),
        (("all = true", "all = false"), 24, "either id or all = true"),
    ],
)
def test_what_is_wrong_is_named_with_its_line(change, line, reason):
    assert change[0] in GOOD
    error = refuse(GOOD.replace(*change))
    assert reason in error.reason, error.reason
    assert error.line == line, error


RUNS = {
    "a-call-error-once.toml": """
[[steps]]
do = "intercept"
target = "answer"
action = "*"
error = "NotImplemented"
description = "not today"
times = 1

[[steps]]
do = "csms"
call = "ClearCache"
payload = {}
error = { "$in" = ["NotImplemented", "NotSupported"] }

[[steps]]
do = "csms"
call = "ClearCache"
payload = {}
answer = { status = "Accepted" }
""",
    "b-no-answer.toml": """
[[steps]]
do = "intercept"
target = "answer"
action = "ClearCache"
drop = true

[[steps]]
do = "csms"
call = "ClearCache"
payload = {}
timeout = 0.3
""",
    "c-no-error.toml": """
[[steps]]
do = "send"
call = "Heartbeat"
error = "FormationViolation"
""",
    "d-used-up.toml": """
[[steps]]
do = "intercept"
target = "answer"
action = "ClearCache"
status = "Rejected"
times = 1
save_id = "once"

[[steps]]
do = "csms"
call = "ClearCache"
payload = {}
answer = { status = "Rejected" }

[[steps]]
do = "intercept_remove"
id = "${once}"
""",
}


def test_runs_what_the_csms_hears_and_what_fails(tmp_path, capsys):
    paths = []
    for name, text in RUNS.items():
        paths.append(str(tmp_path / name))
        (tmp_path / name).write_text(text)
    assert main(["scenario", "run", *paths, "--plain"]) == 1
    out = capsys.readouterr().out
    assert "4 scenario(s): 1 passed, 3 failed" in out
    a, b, c, d = out.split("\nscenario ")[:4]
    assert "answer *: error NotImplemented, model skipped" in a
    assert "PASS   2 csms ClearCache (" in a and ": CALLERROR NotImplemented" in a
    assert "PASS   3 csms ClearCache (" in a and "answer {'status': 'Accepted'}" in a  # times 1: used up
    # A dropped answer: the CSMS waits in vain; the frames show the CALL the override left unanswered.
    assert "FAIL   2 csms ClearCache" in b and "ClearCache: no answer within 0.3 s" in b
    assert '"ClearCache",{}]  # intercepted #' in b
    assert "FAIL   1 send Heartbeat" in c
    assert "Heartbeat: CALLRESULT {'currentTime':" in c and "expected a CALLERROR" in c
    assert "FAIL   3 intercept_remove" in d and ": used up (times) or removed already" in d
