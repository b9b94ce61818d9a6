"""Why a Core case has no test yet (docs/conformance-201.md shows the reason in its row)."""

from __future__ import annotations

__all__ = ["PENDING"]

PENDING: dict[str, str] = {}
