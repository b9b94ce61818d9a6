"""Why a Core case has no test yet (docs/conformance-201.md shows the reason in its row)."""

from __future__ import annotations

__all__ = ["PENDING"]

_FIRMWARE = "UpdateFirmware (L01: signed firmware, its statuses with requestId) on 2.0.1 not yet"

PENDING: dict[str, str] = {
    "TC_L_01": _FIRMWARE,
    "TC_L_02": _FIRMWARE,
    "TC_L_03": _FIRMWARE,
    "TC_L_05": _FIRMWARE,
    "TC_L_06": _FIRMWARE,
    "TC_L_07": _FIRMWARE,
    "TC_L_08": _FIRMWARE,
    "TC_L_18": _FIRMWARE,
}
