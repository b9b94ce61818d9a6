"""Expert mode's overrides (runtime/interception.py) as values: what a spec may be, the frames an override
makes, which override applies to a frame and when it removes itself."""

from __future__ import annotations

import orjson
import pytest

from ocppsim.runtime.interception import (
    Interception,
    InterceptionError,
    OverrideSpec,
    spec_from_mapping,
    spec_from_words,
)


def frame(data: bytes | None) -> object:
    assert data is not None
    return orjson.loads(data)


def test_words_and_mapping_give_the_same_spec() -> None:
    words = spec_from_words(
        ["answer", "GetConfiguration", "set", 'unknownKey=["X"]', "remove", "configurationKey", "times", "2"]
    )
    data = spec_from_mapping(
        {
            "target": "answer",
            "action": "GetConfiguration",
            "set_fields": {"unknownKey": ["X"]},
            "remove_fields": ["configurationKey"],
            "times": 2,
        }
    )
    assert words == data
    assert words.runs_model  # changed fields: the charger acted, the CSMS hears something else
    assert spec_from_words(["answer", "Reset", "status", "Rejected"]).runs_model is False
    assert spec_from_words(["answer", "Reset", "status", "Rejected", "model", "on"]).runs_model is True
    error = spec_from_words(["answer", "Reset", "error", "GenericError", "not", "today"])
    assert (error.error, error.description) == ("GenericError", "not today")
    assert spec_from_words(["send", "Heartbeat", "raw", "[2,", '"{uniqueId}",', '"Heartbeat",{}]']).raw == (
        '[2, "{uniqueId}", "Heartbeat",{}]'
    )


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["answer", "Reset"], "usage"),
        (["sideways", "Reset", "drop"], "target"),
        (["answer", "Re set", "drop"], "action"),
        (["answer", "Reset", "error", "Oops"], "unknown error code"),
        (["answer", "Reset", "delay", "-1"], "delay"),
        (["answer", "Reset", "delay", "soon"], "number"),
        (["answer", "Reset", "drop", "status", "Accepted"], "choose one"),
        (["answer", "Reset", "raw", "x"], ""),  # fine: checked below as accepted
        (["send", "Heartbeat", "delay", "3"], "answers only"),
        (["send", "Heartbeat", "drop"], "answers only"),
        (["send", "Heartbeat", "error", "GenericError"], "answers only"),
        (["answer", "Reset", "times", "0"], "times"),
        (["answer", "Reset", "set", "novalue"], "FIELD=VALUE"),
        (["answer", "Reset", "set", "a..b=1"], "bad field path"),
        (["answer", "Reset", "frobnicate"], "unknown option"),
        (["answer", "Reset", "model", "maybe"], "on or off"),
    ],
)
def test_bad_specs_are_named(words: list[str], reason: str) -> None:
    if not reason:
        spec_from_words(words)
        return
    with pytest.raises(InterceptionError, match=reason):
        spec_from_words(words)


def test_mapping_names_unknown_keys_and_wrong_types() -> None:
    with pytest.raises(InterceptionError, match="unknown option"):
        spec_from_mapping({"target": "answer", "action": "Reset", "stauts": "Rejected"})
    with pytest.raises(InterceptionError, match="delay must be a number"):
        spec_from_mapping({"target": "answer", "action": "Reset", "delay": "5"})
    with pytest.raises(InterceptionError, match="must change something"):
        spec_from_mapping({"target": "answer", "action": "Reset"})


def test_answer_frames() -> None:
    rules = Interception()
    model = b'[3,"u1",{"status":"Accepted"}]'
    status = rules.add(spec_from_words(["answer", "Reset", "status", "Rejected"]))
    assert frame(status.answer_frame("u1", None)) == [3, "u1", {"status": "Rejected"}]
    error = rules.add(spec_from_words(["answer", "Reset", "error", "NotSupported"]))
    assert frame(error.answer_frame("u1", model)) == [4, "u1", "NotSupported", "intercepted", {}]
    fields = rules.add(
        spec_from_words(["answer", "GetConfiguration", "set", "a.b=1", "remove", "status", "set", "c=text"])
    )
    assert frame(fields.answer_frame("u1", model)) == [3, "u1", {"a": {"b": 1}, "c": "text"}]
    raw = rules.add(spec_from_words(["answer", "Reset", "raw", '[3,"{uniqueId}",{"x":1}]']))
    assert raw.answer_frame("u9", model) == b'[3,"u9",{"x":1}]'
    cut = rules.add(spec_from_words(["answer", "Reset", "malformed"]))
    cut_frame = cut.answer_frame("u1", model)
    assert cut_frame == model[:-1]
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(cut_frame or b"")
    assert rules.add(spec_from_words(["answer", "Reset", "drop"])).answer_frame("u1", model) is None
    delayed = rules.add(spec_from_words(["answer", "Reset", "delay", "2"]))
    assert delayed.answer_frame("u1", model) == model  # the model's own answer, later


def test_call_frames_leave_the_model_payload_alone() -> None:
    rules = Interception()
    payload = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
    override = rules.add(
        spec_from_words(["send", "StatusNotification", "status", "Bogus", "remove", "errorCode"])
    )
    assert frame(override.call_frame("7", "StatusNotification", payload)) == [
        2,
        "7",
        "StatusNotification",
        {"connectorId": 1, "status": "Bogus"},
    ]
    assert payload == {"connectorId": 1, "errorCode": "NoError", "status": "Available"}


def test_which_override_applies_and_times() -> None:
    rules = Interception()
    any_answer = rules.add(OverrideSpec("answer", "*", error="NotSupported"))
    reset = rules.add(OverrideSpec("answer", "Reset", status="Rejected", times=2))
    assert rules.take("send", "Reset") is None
    assert rules.take("answer", "Reset") is reset
    assert rules.take("answer", "GetConfiguration") is any_answer
    assert rules.take("answer", "Reset") is reset
    assert reset.remaining == 0 and reset.applied == 2
    assert [o.id for o in rules.items()] == [any_answer.id]  # used up: gone
    assert rules.take("answer", "Reset") is any_answer
    newer = rules.add(OverrideSpec("answer", "*", drop=True))
    assert rules.take("answer", "Reset") is newer
    rules.remove(newer.id)
    assert rules.take("answer", "Reset") is any_answer  # the older one is in force again
    assert any_answer.as_dict()["applied"] == 3
