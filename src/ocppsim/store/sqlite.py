"""Persistent charger state in one SQLite file per data directory (stdlib sqlite3, WAL).

Schema versions are applied in order at open; each migration runs once. Today: configuration values
changed by the CSMS and the energy registers (which must never go backwards across restarts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ocppsim.model.outgoing import IdTagInfo
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RecurrencyKind,
    Timestamp,
)
from ocppsim.model.vehicles import Vehicle

__all__ = ["DB_FILENAME", "LoggedFrameRow", "Store", "redistribute", "shard_filename"]

DB_FILENAME: Final = "ocppsim.sqlite3"
# Each worker process of a sharded fleet has a file of its own: SQLite has one writer at a time per file,
# and seven workers committing every loop turn into one file blocked their event loops on its lock (and
# failed with "database is locked") at 60,000 chargers.
_SHARD_GLOB: Final = "ocppsim-worker-*.sqlite3"


def shard_filename(worker: int) -> str:
    return f"ocppsim-worker-{worker}.sqlite3"


# (charger_id, time, direction, message_type, message_id, action, raw, latency_ms)
LoggedFrameRow = tuple[str, float, str, str, str, str | None, str, float | None]

_MIGRATIONS: Final[tuple[str, ...]] = (
    """
    CREATE TABLE config_values (
        charger_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (charger_id, key)
    );
    CREATE TABLE meter_registers (
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        wh REAL NOT NULL,
        PRIMARY KEY (charger_id, connector_id)
    );
    """,
    # 2: charging profiles (errata 3.37: they survive a reboot); a row in profile_sets means "saved once",
    # so an empty set (the CSMS cleared everything) is not replaced by the INI default profiles.
    """
    CREATE TABLE charging_profiles (
        charger_id TEXT NOT NULL,
        profile_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (charger_id, profile_id)
    );
    CREATE TABLE profile_sets (charger_id TEXT PRIMARY KEY);
    """,
    # 3: nothing lost. The journal of transaction-related messages (payload without transactionId, which is
    # filled in when sent), transactions still open, and the transactionIds the CSMS gave.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        action TEXT NOT NULL,
        tx_ref INTEGER,
        body TEXT NOT NULL
    );
    CREATE INDEX outbox_by_charger ON outbox (charger_id, seq);
    CREATE TABLE open_transactions (
        charger_id TEXT NOT NULL,
        tx_ref INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        PRIMARY KEY (charger_id, tx_ref)
    );
    CREATE TABLE transaction_ids (
        charger_id TEXT NOT NULL,
        tx_ref INTEGER NOT NULL,
        transaction_id INTEGER NOT NULL,
        PRIMARY KEY (charger_id, tx_ref)
    );
    """,
    # 4: the Authorization Cache (survives reboot and reset; ClearCache empties it)
    """
    CREATE TABLE auth_cache (
        charger_id TEXT NOT NULL,
        id_tag TEXT NOT NULL,
        status TEXT NOT NULL,
        parent_id_tag TEXT,
        expiry_date REAL,
        PRIMARY KEY (charger_id, id_tag)
    );
    """,
    # 5: the Local Authorization List and its version (changed only by SendLocalList)
    """
    CREATE TABLE local_list (
        charger_id TEXT NOT NULL,
        id_tag TEXT NOT NULL,
        status TEXT NOT NULL,
        parent_id_tag TEXT,
        expiry_date REAL,
        PRIMARY KEY (charger_id, id_tag)
    );
    CREATE TABLE local_list_version (charger_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
    """,
    # 6: vehicles by id tag (shared by every charger of the data directory) and, when asked for, the
    # message log (every frame, for reading after the run).
    """
    CREATE TABLE vehicles (
        id_tag TEXT PRIMARY KEY COLLATE NOCASE,
        capacity_wh REAL NOT NULL,
        initial_soc REAL NOT NULL,
        max_current_a REAL NOT NULL,
        phases INTEGER NOT NULL,
        max_power_w REAL
    );
    CREATE TABLE frames (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        time REAL NOT NULL,
        direction TEXT NOT NULL,
        message_type TEXT NOT NULL,
        message_id TEXT NOT NULL,
        action TEXT,
        raw TEXT NOT NULL,
        latency_ms REAL
    );
    CREATE INDEX frames_by_charger ON frames (charger_id, time);
    """,
    # 7: the journal's seq without AUTOINCREMENT: the largest seq + 1, which keeps the order (a seq is
    # reused only after its row is gone, and nothing refers to a row after it is gone: a removal waiting
    # for its commit waits for the DELETE of a row that still exists). AUTOINCREMENT wrote its counter in
    # sqlite_sequence with every row: ~15 % of what journaling a MeterValues cost SQLite.
    """
    CREATE TABLE outbox_new (
        seq INTEGER PRIMARY KEY,
        charger_id TEXT NOT NULL,
        action TEXT NOT NULL,
        tx_ref INTEGER,
        body TEXT NOT NULL
    );
    INSERT INTO outbox_new (seq, charger_id, action, tx_ref, body)
        SELECT seq, charger_id, action, tx_ref, body FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_by_charger ON outbox (charger_id, seq);
    """,
)

# max(): a register never goes backwards, even if an older value is written late.
_SAVE_REGISTER: Final = (
    "INSERT INTO meter_registers (charger_id, connector_id, wh) VALUES (?, ?, ?) "
    "ON CONFLICT (charger_id, connector_id) DO UPDATE SET wh = max(wh, excluded.wh)"
)

# Tables with a seq (the order of the rows): the columns copied when a charger moves.
_SEQUENCED: Final = {
    "outbox": "charger_id, action, tx_ref, body",
    "frames": "charger_id, time, direction, message_type, message_id, action, raw, latency_ms",
}

# Every table keyed by charger: what forgetting a charger deletes.
_PER_CHARGER_TABLES: Final = (
    "config_values",
    "meter_registers",
    "charging_profiles",
    "profile_sets",
    "outbox",
    "open_transactions",
    "transaction_ids",
    "auth_cache",
    "local_list",
    "local_list_version",
    "frames",
)


log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 2.0
# How long the removal of an answered journal entry may wait for a commit it can join (see `flush`).
LAZY_REMOVE_S = 1.0


class Store:
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
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._batched = False
        # Written at the next flush, in its transaction (see `flush`): the registers (the highest value per
        # charger and connector) and the journal entries answered since.
        self._registers: dict[tuple[str, int], float] = {}
        self._removed: list[tuple[int]] = []
        self._lazy: asyncio.TimerHandle | None = None
        # Another process may hold the file for a moment (a fleet's parent moving chargers between files
        # before its workers start, a second run by mistake): wait for it instead of failing.
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint on the commit path: SQLite's automatic one (every 1,000 WAL pages) copies the WAL
        # into the database and syncs it inside whichever COMMIT crosses the mark, which stopped a
        # fleet's event loop for tens of milliseconds every few seconds (the p99 of CS->CP answers).
        # A thread of its own checkpoints instead; SQLite releases the GIL for its I/O.
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._migrate()
        self._checkpointer = _Checkpointer(self.path, checkpoint_every_s)

    # -- group commit: in a running event loop, the writes of one loop turn share one transaction,
    # committed at the end of the turn, and before anything leaves the process that could depend on
    # them: every OCPP frame the station sends, every reply of the text interface and the REST API
    # (`flush`). A crash can then only lose what nobody outside has seen yet (as if it had come a
    # moment earlier), and a burst of thousands of MeterValues costs one commit, not thousands.

    #
    # Two kinds of write wait for the flush and go in with executemany, one statement for all:
    # - the energy registers, saved with every transaction MeterValues (one row per charger and
    #   connector: the last value of the turn is the one that counts);
    # - the removal of journal entries once answered. Nothing depends on it being durable at once: a
    #   crash before it is committed sends the message again after the restart (at least once, as the
    #   OCPP retry rules already allow). So it waits up to LAZY_REMOVE_S for a commit it can join
    #   instead of making one of its own: a fleet's MeterValues answers come spread over the loop
    #   turns between its sends, and a commit per turn of answers cost as much as the messages' own.

    def _begin(self) -> bool:
        """Open the turn's transaction if none is; False when no event loop runs (commit at once)."""
        if self._batched:
            return True
        self._batched = True
        self._db.execute("BEGIN")
        try:
            asyncio.get_running_loop().call_soon(self._end_of_turn)
        except RuntimeError:  # no event loop (tools, tests of the store)
            return False
        return True

    def _end_of_turn(self) -> None:
        # Only the transaction this turn opened: when a send committed it already, removals buffered
        # since then wait for the next commit rather than make one of their own here.
        if self._batched:
            self.flush()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        if self._begin():
            return self._db.execute(sql, params)
        cursor = self._db.execute(sql, params)
        self.flush()
        return cursor

    def _write_pending(self) -> None:
        """Write the buffered registers and removals into the open transaction (before a read sees the
        tables, and at the flush)."""
        if self._registers:
            rows = [(cid, connector, wh) for (cid, connector), wh in self._registers.items()]
            self._registers.clear()
            self._db.executemany(_SAVE_REGISTER, rows)
        if self._removed:
            removed, self._removed = self._removed, []
            self._db.executemany("DELETE FROM outbox WHERE seq = ?", removed)

    def _pending(self) -> bool:
        return bool(self._registers or self._removed)

    def flush(self) -> None:
        """Commit what this loop turn wrote, with the buffered writes (a no-op when nothing is pending)."""
        if self._pending():
            if not self._batched:
                self._batched = True
                self._db.execute("BEGIN")
            self._write_pending()
        if self._lazy is not None:
            self._lazy.cancel()
            self._lazy = None
        if self._batched:
            self._batched = False
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A query that must see the buffered writes too (registers, journal)."""
        if self._pending():
            if self._begin():
                self._write_pending()
            else:
                self.flush()
        return self._db.execute(sql, params)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction of its own (several statements that belong together), after what is pending."""
        self.flush()
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        # Under the write lock, and the version read inside it: two processes may open the same new file
        # at once (a second run by mistake, a tool beside a running simulator), and only the first may
        # create the tables. (A fleet's workers no longer share a file: each has its own.)
        if self._version() == len(_MIGRATIONS):
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return self._version()

    def load_config(self, charger_id: str) -> dict[str, str]:
        rows = self._db.execute("SELECT key, value FROM config_values WHERE charger_id = ?", (charger_id,))
        return dict(rows.fetchall())

    def save_config(self, charger_id: str, key: str, value: str) -> None:
        self._write(
            "INSERT INTO config_values (charger_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (charger_id, key) DO UPDATE SET value = excluded.value",
            (charger_id, key, value),
        )

    def load_registers(self, charger_id: str) -> dict[int, float]:
        rows = self._read("SELECT connector_id, wh FROM meter_registers WHERE charger_id = ?", (charger_id,))
        return {int(c): float(wh) for c, wh in rows.fetchall()}

    def save_registers(self, charger_id: str, registers: dict[int, float]) -> None:
        """Saved with the turn's commit (before anything the turn sends leaves the process)."""
        saved = self._registers
        for connector, wh in registers.items():
            key = (charger_id, connector)
            if wh > saved.get(key, -1.0):
                saved[key] = wh
        if not self._begin():
            self.flush()

    def save_registers_many(self, items: Iterable[tuple[str, dict[int, float]]]) -> None:
        rows = [(cid, c, wh) for cid, registers in items for c, wh in registers.items()]
        with self._transaction():  # one transaction: a fleet saves thousands of rows at once
            self._db.executemany(_SAVE_REGISTER, rows)

    def load_profiles(self, charger_id: str) -> list[ChargingProfile] | None:
        """The saved profiles, or None when none were ever saved for this charger."""
        if (
            self._db.execute("SELECT 1 FROM profile_sets WHERE charger_id = ?", (charger_id,)).fetchone()
            is None
        ):
            return None
        rows = self._db.execute(
            "SELECT body FROM charging_profiles WHERE charger_id = ? ORDER BY profile_id", (charger_id,)
        )
        return [_profile_from_json(json.loads(body)) for (body,) in rows.fetchall()]

    def save_profiles(self, charger_id: str, profiles: Iterable[ChargingProfile]) -> None:
        rows = [(charger_id, p.id, json.dumps(_profile_to_json(p))) for p in profiles]
        with self._transaction():
            self._db.execute("INSERT OR IGNORE INTO profile_sets (charger_id) VALUES (?)", (charger_id,))
            self._db.execute("DELETE FROM charging_profiles WHERE charger_id = ?", (charger_id,))
            self._db.executemany(
                "INSERT INTO charging_profiles (charger_id, profile_id, body) VALUES (?, ?, ?)", rows
            )

    # -- nothing lost: the journal of transaction-related messages (committed before they are sent)

    def journal_append(self, charger_id: str, action: str, tx_ref: int | None, body: str) -> int:
        cursor = self._write(
            "INSERT INTO outbox (charger_id, action, tx_ref, body) VALUES (?, ?, ?, ?)",
            (charger_id, action, tx_ref, body),
        )
        return int(cursor.lastrowid or 0)

    def journal_remove(self, seq: int) -> None:
        """Removed with a later commit, at most LAZY_REMOVE_S from now (see `flush`)."""
        self._removed.append((seq,))
        if self._batched or self._lazy is not None:
            return  # the turn's commit, or the one already planned, takes it
        try:
            self._lazy = asyncio.get_running_loop().call_later(LAZY_REMOVE_S, self.flush)
        except RuntimeError:
            self.flush()

    def journal(self, charger_id: str) -> list[tuple[int, str, int | None, str]]:
        """(seq, action, tx_ref, body) of every message not yet answered, oldest first."""
        rows = self._read(
            "SELECT seq, action, tx_ref, body FROM outbox WHERE charger_id = ? ORDER BY seq", (charger_id,)
        )
        return [(int(s), a, r, b) for s, a, r, b in rows.fetchall()]

    def open_transaction(self, charger_id: str, tx_ref: int, connector_id: int, id_tag: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO open_transactions (charger_id, tx_ref, connector_id, id_tag) "
            "VALUES (?, ?, ?, ?)",
            (charger_id, tx_ref, connector_id, id_tag),
        )

    def close_transaction(self, charger_id: str, tx_ref: int) -> None:
        self._write("DELETE FROM open_transactions WHERE charger_id = ? AND tx_ref = ?", (charger_id, tx_ref))

    def open_transactions(self, charger_id: str) -> list[tuple[int, int, str]]:
        """(tx_ref, connector_id, id_tag) of transactions that were running when the process stopped."""
        rows = self._db.execute(
            "SELECT tx_ref, connector_id, id_tag FROM open_transactions WHERE charger_id = ? ORDER BY tx_ref",
            (charger_id,),
        )
        return [(int(r), int(c), t) for r, c, t in rows.fetchall()]

    def set_transaction_id(self, charger_id: str, tx_ref: int, transaction_id: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO transaction_ids (charger_id, tx_ref, transaction_id) VALUES (?, ?, ?)",
            (charger_id, tx_ref, transaction_id),
        )

    def forget_transaction_id(self, charger_id: str, tx_ref: int) -> None:
        self._write("DELETE FROM transaction_ids WHERE charger_id = ? AND tx_ref = ?", (charger_id, tx_ref))

    def transaction_ids(self, charger_id: str) -> dict[int, int]:
        rows = self._db.execute(
            "SELECT tx_ref, transaction_id FROM transaction_ids WHERE charger_id = ?", (charger_id,)
        )
        return {int(r): int(t) for r, t in rows.fetchall()}

    def cache_put(self, charger_id: str, id_tag: str, info: IdTagInfo) -> None:
        self._write(
            "INSERT OR REPLACE INTO auth_cache (charger_id, id_tag, status, parent_id_tag, expiry_date) "
            "VALUES (?, ?, ?, ?, ?)",
            (charger_id, id_tag, info.status.value, info.parent_id_tag, info.expiry_date),
        )

    def cache_delete(self, charger_id: str, id_tag: str) -> None:
        self._write("DELETE FROM auth_cache WHERE charger_id = ? AND id_tag = ?", (charger_id, id_tag))

    def save_local_list(
        self, charger_id: str, version: int, entries: Iterable[tuple[str, IdTagInfo]]
    ) -> None:
        rows = [
            (charger_id, tag, info.status.value, info.parent_id_tag, info.expiry_date)
            for tag, info in entries
        ]
        with self._transaction():
            self._db.execute("DELETE FROM local_list WHERE charger_id = ?", (charger_id,))
            self._db.executemany(
                "INSERT INTO local_list (charger_id, id_tag, status, parent_id_tag, expiry_date) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute(
                "INSERT OR REPLACE INTO local_list_version (charger_id, version) VALUES (?, ?)",
                (charger_id, version),
            )

    def load_local_list(self, charger_id: str) -> tuple[int, dict[str, IdTagInfo]] | None:
        row = self._db.execute(
            "SELECT version FROM local_list_version WHERE charger_id = ?", (charger_id,)
        ).fetchone()
        if row is None:
            return None
        rows = self._db.execute(
            "SELECT id_tag, status, parent_id_tag, expiry_date FROM local_list WHERE charger_id = ?",
            (charger_id,),
        )
        entries = {
            tag: IdTagInfo(AuthorizationStatus(status), parent, _ts(expiry))
            for tag, status, parent, expiry in rows.fetchall()
        }
        return int(row[0]), entries

    def cache_clear(self, charger_id: str) -> None:
        self._write("DELETE FROM auth_cache WHERE charger_id = ?", (charger_id,))

    def load_cache(self, charger_id: str) -> dict[str, IdTagInfo]:
        rows = self._db.execute(
            "SELECT id_tag, status, parent_id_tag, expiry_date FROM auth_cache WHERE charger_id = ?",
            (charger_id,),
        )
        return {
            tag: IdTagInfo(AuthorizationStatus(status), parent, _ts(expiry))
            for tag, status, parent, expiry in rows.fetchall()
        }

    def forget_charger(self, charger_id: str) -> None:
        """Delete everything kept for one charger (it was removed from the simulator)."""
        with self._transaction():  # after the buffered writes: nothing of it comes back
            for table in _PER_CHARGER_TABLES:
                self._db.execute(f"DELETE FROM {table} WHERE charger_id = ?", (charger_id,))

    def load_vehicles(self) -> list[tuple[str, Vehicle]]:
        rows = self._db.execute(
            "SELECT id_tag, capacity_wh, initial_soc, max_current_a, phases, max_power_w FROM vehicles"
        )
        return [(tag, Vehicle(cap, soc, amps, phases, power)) for tag, cap, soc, amps, phases, power in rows]

    def save_vehicle(self, id_tag: str, vehicle: Vehicle) -> None:
        self._write(
            "INSERT INTO vehicles (id_tag, capacity_wh, initial_soc, max_current_a, phases, max_power_w) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO UPDATE SET id_tag = excluded.id_tag, "
            "capacity_wh = excluded.capacity_wh, initial_soc = excluded.initial_soc, "
            "max_current_a = excluded.max_current_a, phases = excluded.phases, "
            "max_power_w = excluded.max_power_w",
            (
                id_tag,
                vehicle.capacity_wh,
                vehicle.initial_soc,
                vehicle.max_current_a,
                vehicle.phases,
                vehicle.max_power_w,
            ),
        )

    def delete_vehicle(self, id_tag: str) -> None:
        self._write("DELETE FROM vehicles WHERE id_tag = ?", (id_tag,))

    def append_frame(self, frame: LoggedFrameRow) -> None:
        self._write(
            "INSERT INTO frames (charger_id, time, direction, message_type, message_id, action, raw, "
            "latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            frame,
        )

    def frames(self, charger_id: str, limit: int = 1000) -> list[LoggedFrameRow]:
        """The newest `limit` persisted frames of one charger, oldest first."""
        rows = self._db.execute(
            "SELECT charger_id, time, direction, message_type, message_id, action, raw, latency_ms "
            "FROM frames WHERE charger_id = ? ORDER BY seq DESC LIMIT ?",
            (charger_id, limit),
        ).fetchall()
        return list(reversed(rows))

    def charger_ids(self) -> set[str]:
        """Every charger this file keeps state for. Not read from the message log (`frames`), which can
        hold millions of rows: a charger's logged frames move with its state, and the log of a charger
        without any state stays where it is."""
        tables = (table for table in _PER_CHARGER_TABLES if table != "frames")
        union = " UNION ".join(f"SELECT charger_id FROM {table}" for table in tables)
        return {row[0] for row in self._read(union)}

    def move_chargers(self, charger_ids: Iterable[str], to: Store) -> None:
        """Move everything kept for these chargers into another file (journal order kept).

        Atomic in each file but not across both (SQLite WAL): a crash in between can leave a charger's rows
        in both, and its journaled messages are then sent twice (at least once, never lost)."""
        ids = list(charger_ids)
        if not ids:
            return
        self.flush()
        to.flush()
        db = self._db
        db.execute("ATTACH DATABASE ? AS dst", (str(to.path),))
        try:
            db.execute("CREATE TEMP TABLE moving (charger_id TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO moving VALUES (?)", ((i,) for i in ids))
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in _PER_CHARGER_TABLES:
                    if table in _SEQUENCED:
                        # New sequence numbers in the destination, in the order of the source.
                        columns = _SEQUENCED[table]
                        db.execute(
                            f"INSERT INTO dst.{table} ({columns}) SELECT {columns} FROM main.{table} "
                            f"WHERE charger_id IN (SELECT charger_id FROM moving) ORDER BY seq"
                        )
                    else:
                        db.execute(
                            f"INSERT OR REPLACE INTO dst.{table} SELECT * FROM main.{table} "
                            f"WHERE charger_id IN (SELECT charger_id FROM moving)"
                        )
                    db.execute(
                        f"DELETE FROM main.{table} WHERE charger_id IN (SELECT charger_id FROM moving)"
                    )
                db.execute("INSERT OR IGNORE INTO dst.vehicles SELECT * FROM main.vehicles")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.execute("DROP TABLE IF EXISTS temp.moving")
            db.execute("DETACH DATABASE dst")

    def close(self) -> None:
        self.flush()
        self._checkpointer.stop()
        self._db.close()


def redistribute(directory: str | Path, owners: dict[str, str]) -> int:
    """Before a fleet starts: move every charger's rows into the file that will hold it (`owners`: charger
    id -> file name; a worker's file, or DB_FILENAME for a fleet in one process). The files change when
    the number of workers does, or when a fleet moves from one process to several. Chargers that no
    file owns (not in this fleet) stay where they are. Returns how many chargers moved."""
    path = Path(directory)
    sources = [path / DB_FILENAME, *sorted(path.glob(_SHARD_GLOB))]
    stores: dict[str, Store] = {}

    def store(name: str) -> Store:
        if name not in stores:
            stores[name] = Store(path, filename=name)
        return stores[name]

    moved = 0
    try:
        for source in sources:
            if not source.exists():
                continue
            held = store(source.name)
            by_destination: dict[str, list[str]] = {}
            for charger_id in held.charger_ids():
                destination = owners.get(charger_id)
                if destination is not None and destination != source.name:
                    by_destination.setdefault(destination, []).append(charger_id)
            for destination, ids in sorted(by_destination.items()):
                held.move_chargers(ids, store(destination))
                moved += len(ids)
    finally:
        for opened in stores.values():
            opened.close()
    if moved:
        log.info("moved the saved state of %d chargers to the files of their workers", moved)
    return moved


def _profile_to_json(p: ChargingProfile) -> dict[str, Any]:
    sched = p.schedule
    return {
        "id": p.id,
        "connector_id": p.connector_id,
        "stack_level": p.stack_level,
        "purpose": p.purpose.value,
        "kind": p.kind.value,
        "recurrency": p.recurrency.value if p.recurrency else None,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "transaction_id": p.transaction_id,
        "schedule": {
            "unit": sched.unit.value,
            "periods": [[x.start_period, x.limit, x.number_phases] for x in sched.periods],
            "duration": sched.duration,
            "start_schedule": sched.start_schedule,
            "min_charging_rate": sched.min_charging_rate,
        },
    }


def _ts(value: float | None) -> Timestamp | None:
    return Timestamp(value) if value is not None else None


def _profile_from_json(d: dict[str, Any]) -> ChargingProfile:
    sched = d["schedule"]
    return ChargingProfile(
        id=d["id"],
        connector_id=d["connector_id"],
        stack_level=d["stack_level"],
        purpose=ChargingProfilePurpose(d["purpose"]),
        kind=ChargingProfileKind(d["kind"]),
        schedule=ChargingSchedule(
            unit=ChargingRateUnit(sched["unit"]),
            periods=tuple(SchedulePeriod(start, limit, phases) for start, limit, phases in sched["periods"]),
            duration=sched["duration"],
            start_schedule=_ts(sched["start_schedule"]),
            min_charging_rate=sched["min_charging_rate"],
        ),
        recurrency=RecurrencyKind(d["recurrency"]) if d["recurrency"] else None,
        valid_from=_ts(d["valid_from"]),
        valid_to=_ts(d["valid_to"]),
        transaction_id=d["transaction_id"],
    )


class _Checkpointer:
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
