"""WAL checkpoints of one database file, off the commit path, from a thread of their own.

No checkpoint runs inside a COMMIT (the store sets `wal_autocheckpoint=0`): SQLite's automatic one
(every 1,000 WAL pages) copies the WAL into the database and syncs it inside whichever COMMIT crosses the
mark, which stopped a fleet's event loop for tens of milliseconds every few seconds. SQLite releases the
GIL for its I/O, so a thread does it instead.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

__all__ = ["CHECKPOINT_EVERY_S", "Checkpointer"]

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 2.0


class Checkpointer:
    """Checkpoints the WAL of one database file from a thread every `every_s` (PASSIVE: it never waits
    for, nor blocks, the writer; the next write after a complete one starts the WAL over), and fully
    (TRUNCATE) when the store closes."""

    def __init__(self, path: Path, every_s: float) -> None:
        self._path = path
        self._every_s = every_s
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout=10000")
            while not self._stopping.wait(self._every_s):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:  # a checkpoint is housekeeping: the WAL keeps the data meanwhile
            log.warning("WAL checkpoint of %s failed: %s", self._path, exc)
        finally:
            db.close()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
