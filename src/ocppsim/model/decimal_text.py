"""Numbers written as text by a user (text commands, CLI options) or a central system (a string field):
ASCII decimal digits only.

`str.isdigit()` is also true for "¹" (which `int()` refuses: a crash where a reply was due) and for
the Arabic-Indic "٣" (which `int()` and `float()` read as 3: a surprising value nobody meant). A check
with `isdigit()` before `int()` lets the first through as a crash and the second as a number; these
functions answer None for both, and the caller gives its reply for a bad number.
"""

from __future__ import annotations

import math

__all__ = ["parse_decimal", "parse_whole_number"]


def parse_whole_number(text: str) -> int | None:
    """The number `text` spells in the ASCII digits 0-9 alone (no sign, space or "_"), else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_decimal(text: str) -> float | None:
    """A finite number as Python's float() reads it, but ASCII only and without the "_" digit
    separator ("1_0" is a typo, not ten); None for anything else (also "nan", "inf")."""
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
