"""The response validator's shortcut for empty answers gives what the schema gives."""

from __future__ import annotations

import pytest

from ocppsim.ocpp16.validation import SchemaError, Validators


@pytest.mark.parametrize(
    ("action", "valid"),
    [
        ("MeterValues", True),
        ("StatusNotification", True),
        ("BootNotification", False),  # status, currentTime and interval are required
        ("Heartbeat", False),  # currentTime is required
        ("StartTransaction", False),
    ],
)
def test_an_empty_answer_is_checked_as_the_schema_says_also_the_second_time(action: str, valid: bool) -> None:
    validators = Validators()
    for _ in range(2):  # the first decides and keeps it, the second uses what was kept
        if valid:
            validators.response(action, {})
        else:
            with pytest.raises(SchemaError):
                validators.response(action, {})
