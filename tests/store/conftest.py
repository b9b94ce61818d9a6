"""Shared by the store's tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from ocppsim.store import Store


@pytest.fixture
def committed_rows() -> Callable[[Store, str], list[tuple[object, ...]]]:
    def rows(store: Store, sql: str) -> list[tuple[object, ...]]:
        """What another connection (another process, or the file after a crash) sees: committed rows only."""
        other = sqlite3.connect(store.path)
        try:
            return list(other.execute(sql))
        finally:
            other.close()

    return rows
