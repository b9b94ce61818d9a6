"""A scenario is checked completely before anything connects; what is wrong is named with file and line."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from ocppsim.testing.scenario.parse import ScenarioError, load_scenario, parse_scenario

EXAMPLES = sorted(glob.glob(str(Path(__file__).parents[3] / "examples" / "scenarios" / "*.toml")))

GOOD = """
name = "ok"

[charger]
connectors = 2

[[steps]]
do = "connect"

[[steps]]
do = "tag"
id_tag = "ABC"
connector = 2

[[steps]]
do = "expect"
call = "StartTransaction"
match = { idTag = "ABC" }
save = { tx = "answer.transactionId" }

[[steps]]
do = "csms"
call = "RemoteStopTransaction"
payload = { transactionId = "${tx}" }
timeout = 2
"""


def refuse(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.toml")
    return caught.value


def test_a_good_scenario():
    scenario = parse_scenario(GOOD, "s.toml")
    assert scenario.name == "ok"
    assert [s.kind for s in scenario.steps] == ["connect", "tag", "expect", "csms"]
    assert [s.line for s in scenario.steps] == [7, 10, 15, 21]
    assert scenario.steps[2].fields["match"] == {"idTag": "ABC"}
    assert scenario.steps[3].timeout == 2.0
    assert scenario.steps[1].timeout == 5.0
    assert scenario.steps[1].name == "tag ABC"


def test_not_toml_is_refused_with_its_line():
    error = refuse('name = "x"\n\n[[steps]]\ndo = "connect\n')
    assert error.line == 4
    assert "not valid TOML" in error.reason
    assert str(error).startswith("s.toml:4: ")


def test_an_unknown_action_is_named():
    error = refuse(GOOD.replace('do = "tag"', 'do = "tagg"'))
    assert error.line == 11
    assert "step 2: unknown action 'tagg' (known: connect," in error.reason


def test_an_unknown_field_is_named_with_its_line():
    error = refuse(GOOD.replace('id_tag = "ABC"', 'idTag = "ABC"'))
    assert error.line == 12
    assert "step 2 (tag): unknown field 'idTag' (fields: do, name, timeout, id_tag," in error.reason


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (('id_tag = "ABC"', "id_tag = 7"), 12, "id_tag must be string, not 7"),
        (("connector = 2", 'connector = "2"'), 13, "connector must be integer"),
        (("connector = 2", "connector = 3"), 13, "connector 3 does not exist (the charger has 2)"),
        (("timeout = 2", "timeout = 0"), 25, "timeout must be > 0"),
        (
            ('match = { idTag = "ABC" }', 'match = { idTag = { "$regexp" = "A" } }'),
            18,
            "unknown operator '$regexp'",
        ),
        (('"${tx}"', '"${txid}"'), 24, "${txid} is not saved by an earlier step"),
        (
            ('save = { tx = "answer.transactionId" }', 'save = { tx = "transactionId" }'),
            19,
            "starts with 'payload.'",
        ),
        (('id_tag = "ABC"\n', ""), 10, "id_tag is missing"),
        (("connectors = 2", "connectors = 0"), 5, "connectors must be 1-100"),
        (("[charger]", "[chargers]"), 4, "unknown field 'chargers'"),
    ],
)
def test_what_is_wrong_is_named(change, line, reason):
    error = refuse(GOOD.replace(*change))
    assert reason in error.reason
    assert error.line == line


def test_a_scenario_without_steps_or_do():
    assert "steps is missing" in refuse('name = "x"\n').reason
    assert "no steps" in refuse("steps = []\n").reason
    assert "no 'do'" in refuse("[[steps]]\ncall = 'x'\n").reason


def test_an_unreadable_file(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.toml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).name)
def test_the_examples_parse(path):
    scenario = load_scenario(path)
    assert scenario.description
    assert len(scenario.steps) >= 4


def test_there_are_at_least_eight_examples():
    assert len(EXAMPLES) >= 8
