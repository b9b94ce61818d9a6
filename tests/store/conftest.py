"""Shared by the store's tests."""

from __future__ import annotations

import os
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


@pytest.fixture
def crash() -> Callable[[Store], None]:
    def abandon(store: Store) -> None:
        """The process dies here: what was not written (the log's buffer) or not committed is lost, the
        files stay as they are, and the log's lock goes with the process."""
        db = store.db
        if db._fold_timer is not None:
            db._fold_timer.cancel()
        log = db.log
        if log is not None:
            if log._fd is not None:
                os.close(log._fd)
            os.close(log._lock_fd)
            db.log = None
        db.batched = False  # the connection's close rolls the open transaction back
        db.pending_appends.clear()
        db.pending_removals.clear()
        db.pending_registers.clear()
        db._folding.clear()
        db._checkpointer.stop()
        db.connection.close()

    return abandon
