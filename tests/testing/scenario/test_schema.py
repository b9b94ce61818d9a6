"""The JSON schema for editors agrees with the parser: made from the same tables, it accepts every
example, refuses what the parser refuses, and the copy beside the examples is current."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import fastjsonschema
import pytest

from ocppsim.testing.scenario.schema import scenario_schema
from ocppsim.testing.scenario.steps import KINDS

from .test_parse import EXAMPLES, GOOD

validate = fastjsonschema.compile(scenario_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).name)
def test_every_example_is_valid(path):
    validate(tomllib.loads(Path(path).read_text()))


@pytest.mark.parametrize(
    "change",
    [
        ('do = "tag"', 'do = "tagg"'),
        ('id_tag = "ABC"', 'idTag = "ABC"'),
        ("connector = 2", 'connector = "2"'),
    ],
)
def test_what_the_parser_refuses_the_schema_refuses(change):
    validate(tomllib.loads(GOOD))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validate(tomllib.loads(GOOD.replace(*change)))


def test_every_step_kind_is_in_the_schema():
    kinds = [
        s["properties"]["do"]["const"] for s in scenario_schema()["properties"]["steps"]["items"]["oneOf"]
    ]
    assert kinds == list(KINDS)


def test_the_copy_beside_the_examples_is_current():
    copy = Path(EXAMPLES[0]).parent / "scenario.schema.json"
    assert json.loads(copy.read_text()) == scenario_schema(), "run: ocppsim scenario schema > " + str(copy)


def test_every_step_kind_is_documented():
    doc = (Path(__file__).parents[3] / "docs" / "testing-a-csms.md").read_text()
    for kind in KINDS:
        assert f"| `{kind}`" in doc or f"`{kind}` /" in doc or f"/ `{kind}`" in doc, kind
