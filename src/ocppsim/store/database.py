"""The connection to one SQLite file and its transactions: WAL, migrations at open, the group commit, and
the journal log in front of it.

Every repository of this package writes through one `Database`. In a running event loop the writes of one
loop turn share one transaction, committed at the end of the turn, and before anything leaves the process
that could depend on them: every OCPP frame the station sends, every reply of the text interface and the
REST API (`flush`). A crash can then only lose what nobody outside has seen yet (as if it had come a
moment earlier).

The hot path of a fleet does not write SQLite at all (journal_log.py says why): the journaled messages
(`journal.py`), their removal once answered, and the energy registers (`registers.py`) are kept here
(`pending_appends`, `pending_removals`, `pending_registers`) and written as records to the journal log at
the flush. Every FOLD_EVERY_S the pending state goes into SQLite ("the fold"), and the log files it
covers are deleted once that is committed: an entry answered before then never reaches SQLite, and a
charger's register is written once a fold however many MeterValues it sent. The registers of a fold go in
slices of FOLD_SLICE rows, one a loop turn, so that a fold does not hold the loop. A query on those
tables (`read`), a transaction of its own and a move of chargers fold first, at once: SQL sees every
write. Restoring one charger merges its pending rows instead (`Journal.entries`, `Registers.load`).

Without an event loop (tools, tests of the store) every write is committed at once. Without the log (the
file is open in another process, which holds the log's lock) the pending state goes into SQLite at every
flush, in the turn's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ocppsim.store.checkpointer import CHECKPOINT_EVERY_S, Checkpointer
from ocppsim.store.journal_log import JournalLog, log_files, read_records
from ocppsim.store.schema import SAVE_REGISTER, migrate, user_version

__all__ = ["DB_FILENAME", "FOLD_EVERY_S", "FOLD_SLICE", "Database"]

DB_FILENAME: Final = "ocppsim.sqlite3"
# How long the pending state may stay in the log only. Longer: fewer register rows written (one per
# charger and fold) and larger log files on disk (~1.5 KiB a MeterValues of ten measurands: up to ~50 MiB
# for a worker of 16,667 chargers all charging; deleted at each fold).
FOLD_EVERY_S: Final = 20.0
# Register rows a loop turn writes during a fold (~1-2 ms; a fold of a 16,667-charger worker has 8,000).
FOLD_SLICE: Final = 500

_APPEND: Final = (
    "INSERT OR REPLACE INTO outbox (seq, charger_id, action, tx_ref, body) VALUES (?, ?, ?, ?, ?)"
)
_REMOVE: Final = "DELETE FROM outbox WHERE seq = ?"


class Database:
    __slots__ = (
        "_checkpointer",
        "_fold_files",
        "_fold_loop",
        "_fold_timer",
        "_folding",
        "_next_seq",
        "_turn_loop",
        "batched",
        "connection",
        "log",
        "path",
        "pending_appends",
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
        # True while a transaction of ours is open (the loop turn's, or a fold's without a loop).
        self.batched = False
        # Not yet in SQLite (see the module docstring), filled in place by their owners: journaled rows
        # by seq and seqs to delete (the owner keeps a reference to these very objects), the highest
        # register per charger and connector (a fold takes the dict over: looked up at each save).
        self.pending_appends: dict[int, tuple[int, str, str, int | None, str]] = {}
        self.pending_removals: list[tuple[int]] = []
        self.pending_registers: dict[tuple[str, int], float] = {}
        # The loop whose end-of-turn flush is planned, and the fold's timer.
        self._turn_loop: asyncio.AbstractEventLoop | None = None
        self._fold_timer: asyncio.TimerHandle | None = None
        self._fold_loop: asyncio.AbstractEventLoop | None = None
        # A fold under way: the registers it has still to write (the pending dict it took over, emptied
        # a slice at a time: no copy of 10,000 rows), and the log files to delete once it is committed.
        self._folding: list[dict[tuple[str, int], float]] = []
        self._fold_files: list[Path] = []
        # Another process may hold the file for a moment (a fleet's parent moving chargers between files
        # before its workers start, a second run by mistake): wait for it instead of failing.
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint on the commit path (see checkpointer.py): a thread of its own checkpoints instead.
        db.execute("PRAGMA wal_autocheckpoint=0")
        migrate(db)
        self.log = JournalLog.open(self.path)
        if self.log is not None:
            self._replay()
        row = db.execute("SELECT max(seq) FROM outbox").fetchone()
        self._next_seq = int(row[0] or 0) + 1
        self._checkpointer = Checkpointer(self.path, checkpoint_every_s)

    # -- the journal log

    def _replay(self) -> None:
        """Bring the log files a previous run left (it crashed, or was killed) into SQLite, in order."""
        files = log_files(self.path)
        if not files:
            return
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            for path in files:
                for record in read_records(path):
                    kind = record[0]
                    if kind == "A":
                        db.execute(_APPEND, record[1:6])
                    elif kind == "D":
                        db.execute(_REMOVE, (record[1],))
                    elif kind == "R":
                        db.execute(SAVE_REGISTER, record[1:4])
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        for path in files:
            path.unlink(missing_ok=True)

    def take_seq(self) -> int:
        """The next journal seq (the journal's order): ours to give, as the row may never reach SQLite."""
        seq = self._next_seq
        self._next_seq = seq + 1
        return seq

    def resync_seq(self) -> None:
        """Rows came in from elsewhere (chargers moved into this file): number after them."""
        row = self.connection.execute("SELECT max(seq) FROM outbox").fetchone()
        self._next_seq = max(self._next_seq, int(row[0] or 0) + 1)

    def pending(self, record: tuple[Any, ...] | None) -> None:
        """A pending write was made (and `record` describes it for the log): it reaches the log, or
        SQLite without one, with the turn's flush; SQLite at once without an event loop."""
        if self._plan_turn() is None:
            self.fold()
            return
        log = self.log
        if log is not None and record is not None:
            log.add(record)

    def pending_lazily(self, record: tuple[Any, ...]) -> None:
        """As `pending`, for what may wait for the next flush or fold without one of its own (a removal:
        lost in a crash, the message is sent again, as OCPP 1.6's retry rules allow)."""
        log = self.log
        timer = self._fold_timer
        if log is None or timer is None or timer.cancelled() or self._fold_loop_closed():
            self.pending(record)
            return
        log.add(record)

    def _fold_loop_closed(self) -> bool:
        loop = self._fold_loop
        return loop is None or loop.is_closed()

    def _plan_turn(self) -> asyncio.AbstractEventLoop | None:
        """Plan the end-of-turn flush, and the fold, in the running loop (None: no loop runs)."""
        loop = self._turn_loop
        if loop is not None and not loop.is_closed():
            return loop
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (tools, tests of the store)
            return None
        self._turn_loop = loop
        loop.call_soon(self._end_of_turn)
        if self.log is not None and (self._fold_timer is None or self._fold_loop is not loop):
            if self._fold_timer is not None:
                self._fold_timer.cancel()
            self._fold_loop = loop
            self._fold_timer = loop.call_later(FOLD_EVERY_S, self._fold_due)
        return loop

    def _fold_due(self) -> None:
        self._fold_timer = None
        if self._folding:  # the last fold is still under way: the next one after it
            self._fold_timer = asyncio.get_running_loop().call_later(FOLD_EVERY_S, self._fold_due)
            return
        self._start_fold()
        if self._folding:
            asyncio.get_running_loop().call_soon(self._fold_slice)

    def _start_fold(self) -> None:
        """Rotate the log and write the pending rows into the open transaction, all but the registers,
        which wait in `_folding` (`_fold_slice` writes them)."""
        log = self.log
        if log is not None:
            closed = log.rotate()
            if closed is not None:
                self._fold_files.append(closed)
        appends, removals, registers = self.pending_appends, self.pending_removals, self.pending_registers
        if not (appends or removals or registers):
            if not self.batched and not self._folding:
                self._drop_folded_files()  # what they held is in SQLite, committed
            return
        self.begin()
        db = self.connection
        if appends:
            db.executemany(_APPEND, list(appends.values()))
            appends.clear()
        if removals:
            db.executemany(_REMOVE, removals)
            removals.clear()
        if registers:
            self._folding.append(registers)
            self.pending_registers = {}

    def _fold_slice(self) -> None:
        folding = self._folding
        if not folding:
            return
        self.begin()
        registers = folding[0]
        popitem = registers.popitem
        part = [(*key, wh) for key, wh in (popitem() for _ in range(min(FOLD_SLICE, len(registers))))]
        if not registers:
            folding.pop(0)
        self.connection.executemany(SAVE_REGISTER, part)
        if folding:
            asyncio.get_running_loop().call_soon(self._fold_slice)

    def _fold_all_registers(self) -> None:
        for registers in self._folding:
            self.connection.executemany(SAVE_REGISTER, [(*key, wh) for key, wh in registers.items()])
        self._folding.clear()

    def registers_not_in_sqlite(self) -> list[dict[tuple[str, int], float]]:
        """The registers saved since the last fold, and those a fold under way has still to write."""
        return [self.pending_registers, *self._folding]

    def fold(self) -> None:
        """Everything pending into SQLite now, in the open transaction (committed at once without an
        event loop, or with the turn's flush)."""
        self._start_fold()
        if self._folding:
            self.begin()
            self._fold_all_registers()
        if self._plan_turn() is None:
            self.flush()

    # -- transactions

    def begin(self) -> bool:
        """Open the turn's transaction if none is; False when no event loop runs (commit at once)."""
        if self.batched:
            return True
        self.batched = True
        self.connection.execute("BEGIN")
        return self._plan_turn() is not None

    def _end_of_turn(self) -> None:
        self._turn_loop = None
        self.flush()

    def write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement in the turn's transaction (committed at once when no event loop runs)."""
        if self.begin():
            return self.connection.execute(sql, params)
        cursor = self.connection.execute(sql, params)
        self.flush()
        return cursor

    def flush(self) -> None:
        """Make what this loop turn wrote durable: the log's records written, the transaction committed
        (without the log, the pending rows go into it first). A no-op when nothing is pending."""
        log = self.log
        if log is None:
            if self.pending_appends or self.pending_removals or self.pending_registers:
                self._start_fold()
                self._fold_all_registers()
        elif log.buffer:
            log.write()
        if self.batched:
            self.batched = False
            self.connection.execute("COMMIT")
            if not self._folding:
                self._drop_folded_files()  # the fold they fed is committed: SQLite has all they held

    def _drop_folded_files(self) -> None:
        for path in self._fold_files:
            path.unlink(missing_ok=True)
        self._fold_files.clear()

    def read(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A query; one on the tables the hot path writes (the journal, the registers) folds first, so
        that it sees the pending writes too."""
        pending = self.pending_appends or self.pending_removals or self.pending_registers or self._folding
        if pending and ("outbox" in sql or "meter_registers" in sql):
            self.fold()
        return self.connection.execute(sql, params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction of its own (several statements that belong together), after what is pending."""
        self.fold()
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
        self.fold()
        self.flush()
        if self._fold_timer is not None:
            self._fold_timer.cancel()
            self._fold_timer = None
        if self.log is not None:
            self.log.close()
            self.log = None
        self._checkpointer.stop()
        self.connection.close()
