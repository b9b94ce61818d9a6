"""The append-only log in front of the SQLite file: what the hot path writes (journaled messages, their
removal once answered, the energy registers), one `write()` per loop turn, replayed into SQLite at open.

Why not SQLite at once: a fleet's MeterValues are journaled when queued, removed when answered a few
milliseconds later, and each one saves its charger's register. In SQLite that was an INSERT, a DELETE,
an UPSERT and the B-tree pages they touch, written to the WAL again at every commit (~6 KB a message):
22 % of a 10,000-charger fleet's CPU per message (issue 20, docs/performance.md round 7). Here a
message costs a line with its body and a short one for its removal, written with the turn's other
records in one write(), and an entry answered before the next fold never reaches SQLite.

Durability is the WAL's under `synchronous=NORMAL`: a record is in the operating system's hands before
anything that depends on it leaves the process (the store writes the log at every `flush`, which runs
before every frame sent), so a crash of the process loses nothing that was sent; a power loss may lose
the last moments, as it may lose the WAL's last commits.

Files: `<database file>-log-<n>`, replayed in the order of n. One process at a time writes them: it holds
an exclusive lock on `<database file>-log.lock` for as long as its store is open. A store that cannot
take the lock (the file is open in another process) writes SQLite directly and leaves the files alone.

Records, one JSON array a line (a torn last line, from a crash within a write, is ignored):
    ["A", seq, charger_id, action, tx_ref, body]   a journaled message
    ["D", seq]                                     its removal (answered, or given up)
    ["R", charger_id, connector_id, wh]            an energy register (the highest counts)
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["JournalLog", "log_files"]

log = logging.getLogger(__name__)


def _first_dumps(record: tuple[Any, ...]) -> bytes:
    # orjson is imported by the first record, not with this module: a sharded fleet's parent opens the
    # stores (to move chargers between files) and writes no record (tests/cli/test_process_imports.py).
    global _dumps  # set once
    import orjson  # noqa: PLC0415 - see above

    _dumps = orjson.dumps
    return _dumps(record)


_dumps: Callable[[tuple[Any, ...]], bytes] = _first_dumps


def log_files(db_path: Path) -> list[Path]:
    """The log files of a database file, oldest first."""
    pattern = re.compile(re.escape(db_path.name) + r"-log-(\d+)")
    found = []
    for path in db_path.parent.glob(db_path.name + "-log-*"):
        matched = pattern.fullmatch(path.name)
        if matched:
            found.append((int(matched.group(1)), path))
    return [path for _, path in sorted(found)]


def read_records(path: Path) -> Iterator[list[Any]]:
    """The records of one file, up to the first line that is not a whole record (a torn write)."""
    with path.open("rb") as file:
        for line in file:
            if not line.endswith(b"\n"):
                log.warning("%s: ignored a torn last record (%d bytes)", path.name, len(line))
                return
            try:
                record = json.loads(line)
            except ValueError:
                log.warning("%s: ignored the rest of the file from a record that does not parse", path.name)
                return
            if isinstance(record, list) and record:
                yield record


class JournalLog:
    """The log files of one database file, written by the process that holds their lock."""

    __slots__ = ("_db_path", "_fd", "_lock_fd", "_next", "_path", "buffer")

    def __init__(self, db_path: Path, lock_fd: int) -> None:
        self._db_path = db_path
        self._lock_fd = lock_fd
        self._fd: int | None = None
        self._path: Path | None = None
        existing = log_files(db_path)
        self._next = int(existing[-1].name.rsplit("-", 1)[1]) + 1 if existing else 1
        # Records not yet written: the store writes them at its next flush.
        self.buffer: list[bytes] = []

    @classmethod
    def open(cls, db_path: Path) -> JournalLog | None:
        """The log of this database file, or None when another process holds it."""
        lock_path = db_path.with_name(db_path.name + "-log.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return cls(db_path, fd)

    def add(self, record: tuple[Any, ...]) -> None:
        """A record (one line) for the next write. Not orjson's OPT_APPEND_NEWLINE: the bytes it returns
        are its buffer shrunk in place, and a 10,000-charger fleet held ~0.5 KiB more RSS a charger
        with them (`python benchmarks/memory_breakdown.py rss 10000 40`, five runs against one)."""
        self.buffer.append(_dumps(record) + b"\n")

    def write(self) -> None:
        """Hand the buffered records to the operating system, one write for all of them."""
        buffer = self.buffer
        if not buffer:
            return
        data = b"".join(buffer)
        buffer.clear()
        fd = self._fd
        if fd is None:
            self._path = self._db_path.with_name(f"{self._db_path.name}-log-{self._next}")
            self._next += 1
            fd = self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        view = memoryview(data)
        while view:  # a short write (a signal, a full disk): the rest
            view = view[os.write(fd, view) :]

    def rotate(self) -> Path | None:
        """Write what is buffered and close the current file: later records go to a new one. The file
        closed (None if there was none): it may go once what it holds is committed to SQLite."""
        self.write()
        fd, path = self._fd, self._path
        if fd is None:
            return None
        os.close(fd)
        self._fd = self._path = None
        return path

    def close(self) -> None:
        """The store closes after folding everything: no file is left, and the lock goes."""
        closed = self.rotate()
        if closed is not None:
            closed.unlink(missing_ok=True)
        os.close(self._lock_fd)
