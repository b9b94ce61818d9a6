"""One object for many equal ones: a fleet's chargers hold the same few values (cached tags and their
answers, connect headers), and one shared copy saves the per-charger one (issue 20, docs/performance.md
"Per-charger memory, round 3"). Only for values nobody mutates once shared."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["BoundedInterner"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedInterner(Generic[K, V]):
    """The first value offered under a key, given back for every later equal key. Bounded: when `limit`
    keys are held it starts over (a fleet with a value per charger, a password or many tags, cycles
    through it rather than growing without end)."""

    __slots__ = ("_held", "_limit")

    def __init__(self, limit: int = 256) -> None:
        self._held: dict[K, V] = {}
        self._limit = limit

    def intern(self, key: K, value: V) -> V:
        held = self._held.get(key)
        if held is None:
            if len(self._held) >= self._limit:
                self._held.clear()
            held = self._held[key] = value
        return held
