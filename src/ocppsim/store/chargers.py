"""The charger-level operations, across every table keyed by charger (schema.PER_CHARGER_TABLES): which
chargers a file keeps state for, forgetting one (removed from the simulator), and moving chargers with
all their rows into another file (a fleet's workers each have a file of their own, see shards.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ocppsim.store.database import Database
from ocppsim.store.schema import PER_CHARGER_TABLES, SEQUENCED

if TYPE_CHECKING:
    from ocppsim.store.store import Store

__all__ = ["Chargers"]


class Chargers:
    __slots__ = ("_db",)

    def __init__(self, db: Database) -> None:
        self._db = db

    def ids(self) -> set[str]:
        """Every charger this file keeps state for. Not read from the message log (`frames`), which can
        hold millions of rows: a charger's logged frames move with its state, and the log of a charger
        without any state stays where it is."""
        tables = (table for table in PER_CHARGER_TABLES if table != "frames")
        union = " UNION ".join(f"SELECT charger_id FROM {table}" for table in tables)
        return {row[0] for row in self._db.read(union)}

    def forget(self, charger_id: str) -> None:
        """Delete everything kept for one charger (it was removed from the simulator)."""
        sql = self._db.connection
        with self._db.transaction():  # after the buffered writes: nothing of it comes back
            for table in PER_CHARGER_TABLES:
                sql.execute(f"DELETE FROM {table} WHERE charger_id = ?", (charger_id,))

    def move(self, charger_ids: Iterable[str], to: Store) -> None:
        """Move everything kept for these chargers into another file (journal order kept).

        Atomic in each file but not across both (SQLite WAL): a crash in between can leave a charger's rows
        in both, and its journaled messages are then sent twice (at least once, never lost)."""
        ids = list(charger_ids)
        if not ids:
            return
        for side in (self._db, to.db):  # every pending row in SQLite, committed
            side.fold()
            side.flush()
        db = self._db.connection
        db.execute("ATTACH DATABASE ? AS dst", (str(to.path),))
        try:
            db.execute("CREATE TEMP TABLE moving (charger_id TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO moving VALUES (?)", ((i,) for i in ids))
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in PER_CHARGER_TABLES:
                    if table in SEQUENCED:
                        # New sequence numbers in the destination, in the order of the source.
                        columns = SEQUENCED[table]
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
        to.db.resync_seq()  # the moved journal entries were numbered by SQLite, after the file's own
        to.ocmf_keys.protect()  # a moved OCMF signing key keeps its file owner-only
