"""format_time: the fast path gives exactly what datetime's strftime gives (OCPP-J 3.1.5 timestamps)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ocppsim.ocpp16.convert import format_time


def reference(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@given(st.floats(min_value=-86_400 * 365 * 30, max_value=4_102_444_800, allow_nan=False))
def test_same_text_as_strftime(ts: float) -> None:
    assert format_time(ts) == reference(ts)


def test_edges() -> None:
    for ts in (0.0, 1.9999995, 1.9999994, 1_764_633_600.0005, 1_764_633_599.9999999, -0.0000004, -1.5):
        assert format_time(ts) == reference(ts), ts
    assert format_time(1_764_633_600.25) == "2025-12-02T00:00:00.250Z"
