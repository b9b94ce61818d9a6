"""The connection to one SQLite file and its transactions: WAL, migrations at open, and the group commit.

Every repository of this package writes through one `Database`. In a running event loop the writes of one
loop turn share one transaction, committed at the end of the turn, and before anything leaves the process
that could depend on them: every OCPP frame the station sends, every reply of the text interface and the
REST API (`flush`). A crash can then only lose what nobody outside has seen yet (as if it had come a
moment earlier), and a burst of thousands of MeterValues costs one commit, not thousands.

Two kinds of write wait for the flush and go in with executemany, one statement for all:
- the energy registers (`registers.py`), saved with every transaction MeterValues (one row per charger
  and connector: the last value of the turn is the one that counts);
- the removal of journal entries once answered (`journal.py`). Nothing depends on it being durable at
  once: a crash before it is committed sends the message again after the restart (at least once, as the
  retry rules of OCPP 1.6's transaction-related messages already allow). So it waits up to
  `journal.LAZY_REMOVE_S` for a commit it can join instead of making one of its own: a fleet's
  MeterValues answers come spread over the loop turns between its sends, and a commit per turn of
  answers cost as much as the messages' own.
The two buffers are this object's (`pending_registers`, `pending_removals`); their owners fill them.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ocppsim.store.checkpointer import CHECKPOINT_EVERY_S, Checkpointer
from ocppsim.store.schema import SAVE_REGISTER, migrate, user_version

__all__ = ["DB_FILENAME", "Database"]

DB_FILENAME: Final = "ocppsim.sqlite3"


class Database:
    __slots__ = (
        "_checkpointer",
        "batched",
        "connection",
        "lazy",
        "path",
        "pending_registers",
        "pending_removals",
    )

    def __init__(
        self,
        directory: str | Path,
        *,
        filename: str = DB_FILENAME,
        checkpoint_every_s: float = CHECKPOINT_EVERY_S,
    ) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / filename
        self.connection = db = sqlite3.connect(self.path, isolation_level=None)
        # True while the loop turn's transaction is open.
        self.batched = False
        # Written at the next flush, in its transaction: the registers (the highest value per charger and
        # connector) and the journal entries answered since. Filled in place by their owners, who keep a
        # reference to these very objects.
        self.pending_registers: dict[tuple[str, int], float] = {}
        self.pending_removals: list[tuple[int]] = []
        # The commit planned for buffered removals when no turn's commit takes them (`commit_within`).
        self.lazy: asyncio.TimerHandle | None = None
        # Another process may hold the file for a moment (a fleet's parent moving chargers between files
        # before its workers start, a second run by mistake): wait for it instead of failing.
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint on the commit path (see checkpointer.py): a thread of its own checkpoints instead.
        db.execute("PRAGMA wal_autocheckpoint=0")
        migrate(db)
        self._checkpointer = Checkpointer(self.path, checkpoint_every_s)

    def begin(self) -> bool:
        """Open the turn's transaction if none is; False when no event loop runs (commit at once)."""
        if self.batched:
            return True
        self.batched = True
        self.connection.execute("BEGIN")
        try:
            asyncio.get_running_loop().call_soon(self._end_of_turn)
        except RuntimeError:  # no event loop (tools, tests of the store)
            return False
        return True

    def _end_of_turn(self) -> None:
        # Only the transaction this turn opened: when a send committed it already, removals buffered
        # since then wait for the next commit rather than make one of their own here.
        if self.batched:
            self.flush()

    def write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement in the turn's transaction (committed at once when no event loop runs)."""
        if self.begin():
            return self.connection.execute(sql, params)
        cursor = self.connection.execute(sql, params)
        self.flush()
        return cursor

    def _write_pending(self) -> None:
        """Write the buffered registers and removals into the open transaction (before a read sees the
        tables, and at the flush)."""
        registers = self.pending_registers
        if registers:
            rows = [(cid, connector, wh) for (cid, connector), wh in registers.items()]
            registers.clear()
            self.connection.executemany(SAVE_REGISTER, rows)
        removals = self.pending_removals
        if removals:
            removed = removals.copy()
            removals.clear()
            self.connection.executemany("DELETE FROM outbox WHERE seq = ?", removed)

    def flush(self) -> None:
        """Commit what this loop turn wrote, with the buffered writes (a no-op when nothing is pending)."""
        if self.pending_registers or self.pending_removals:
            if not self.batched:
                self.batched = True
                self.connection.execute("BEGIN")
            self._write_pending()
        if self.lazy is not None:
            self.lazy.cancel()
            self.lazy = None
        if self.batched:
            self.batched = False
            self.connection.execute("COMMIT")

    def commit_within(self, delay_s: float) -> None:
        """Plan a commit `delay_s` from now for what is buffered (at once when no event loop runs). The
        caller checks first that neither the turn's commit (`batched`) nor a planned one (`lazy`) will
        take it."""
        try:
            self.lazy = asyncio.get_running_loop().call_later(delay_s, self.flush)
        except RuntimeError:
            self.flush()

    def read(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A query that must see the buffered writes too (registers, journal)."""
        if self.pending_registers or self.pending_removals:
            if self.begin():
                self._write_pending()
            else:
                self.flush()
        return self.connection.execute(sql, params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction of its own (several statements that belong together), after what is pending."""
        self.flush()
        self.connection.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return user_version(self.connection)

    def close(self) -> None:
        self.flush()
        self._checkpointer.stop()
        self.connection.close()
