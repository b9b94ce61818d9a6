from __future__ import annotations

import pytest

from ocppsim.ocpp16.framing import (
    Call,
    CallError,
    CallResult,
    FrameError,
    call_frame,
    error_frame,
    parse_frame,
)


@pytest.mark.parametrize(
    ("text", "unique_id"),
    [
        ("not json", "-1"),
        ("{}", "-1"),
        ("[]", "-1"),
        ('["2", "a", "Heartbeat", {}]', "-1"),
        ("[true, 1]", "-1"),
        ('[2, "abc", "Heartbeat"]', "abc"),
        ('[2, "abc", "Heartbeat", []]', "abc"),
        ('[2, "abc", 5, {}]', "abc"),
        ('[2, "abc", "Heartbeat", {}, 1]', "abc"),
        ('[2, 17, "Heartbeat", {}]', "-1"),
        ('[2, "' + "x" * 37 + '", "Heartbeat", {}]', "-1"),
        ('[2, "", "Heartbeat", {}]', ""),
    ],
)
def test_malformed_calls_owe_a_formation_violation(text: str, unique_id: str) -> None:
    with pytest.raises(FrameError) as info:
        parse_frame(text)
    assert info.value.code == "FormationViolation"
    assert info.value.unique_id == unique_id


@pytest.mark.parametrize("text", ['[3, "a"]', "[3, 5, {}]", '[4, "a"]', '[9, "a", {}]', '[3, "a", []]'])
def test_broken_responses_and_unknown_types_are_ignored(text: str) -> None:
    assert parse_frame(text) is None


def test_round_trip() -> None:
    assert parse_frame(call_frame("1", "Heartbeat", {})) == Call("1", "Heartbeat", {})
    assert parse_frame('[3,"1",{"currentTime":"x"}]') == CallResult("1", {"currentTime": "x"})
    assert parse_frame(error_frame("1", "GenericError")) == CallError("1", "GenericError", "", {})
    # CALLERROR with details omitted by a sloppy peer is still understood
    assert parse_frame('[4,"1","NotImplemented","nope"]') == CallError("1", "NotImplemented", "nope", {})
