"""The message log never shows an AuthorizationKey (Security Whitepaper section 2): the REST API, the
dashboard and the persisted log all read from it."""

from __future__ import annotations

import json

from ocppsim.runtime.message_log import HIDDEN, MessageLog, redact_secrets

KEY = "0123456789abcdef0123456789abcdef01234567"


def test_a_change_of_the_authorization_key_keeps_the_key_name_not_the_value() -> None:
    log = MessageLog()
    raw = json.dumps([2, "42", "ChangeConfiguration", {"key": "AuthorizationKey", "value": KEY}])
    frame = log.record(
        "CP1",
        direction="in",
        message_type="CALL",
        message_id="42",
        action="ChangeConfiguration",
        raw=raw,
        now=1.0,
    )
    assert KEY not in frame.raw
    assert json.loads(frame.raw) == [
        2,
        "42",
        "ChangeConfiguration",
        {"key": "AuthorizationKey", "value": HIDDEN},
    ]
    assert KEY not in log.frames("CP1")[0].raw


def test_key_names_match_case_insensitively_and_other_frames_are_untouched() -> None:
    raw = json.dumps([2, "1", "ChangeConfiguration", {"key": "authorizationkey", "value": KEY}])
    assert KEY not in redact_secrets("ChangeConfiguration", raw)
    other = json.dumps([2, "2", "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60"}])
    assert redact_secrets("ChangeConfiguration", other) is other
    meter = '[2,"3","MeterValues",{"connectorId":1}]'
    assert redact_secrets("MeterValues", meter) is meter


def test_a_malformed_frame_naming_the_key_is_hidden_whole() -> None:
    raw = '[2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"' + KEY
    assert KEY not in redact_secrets("ChangeConfiguration", raw)
