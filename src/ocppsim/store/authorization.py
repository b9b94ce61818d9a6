"""The Authorization Cache and the Local Authorization List of each charger (OCPP 1.6 section 3.5).

The cache survives reboot and reset and is emptied only by ClearCache (section 5.4); the Local List and
its version change only by SendLocalList (section 5.15), saved whole, with its version, in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.outgoing import IdTagInfo
from ocppsim.model.types import AuthorizationStatus
from ocppsim.store.database import Database
from ocppsim.store.schema import timestamp

__all__ = ["Authorization"]


class Authorization:
    __slots__ = ("_sql", "_transaction", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write
        self._transaction = db.transaction

    # -- the Authorization Cache

    def cache_put(self, charger_id: str, id_tag: str, info: IdTagInfo) -> None:
        self._write(
            "INSERT OR REPLACE INTO auth_cache (charger_id, id_tag, status, parent_id_tag, expiry_date) "
            "VALUES (?, ?, ?, ?, ?)",
            (charger_id, id_tag, info.status.value, info.parent_id_tag, info.expiry_date),
        )

    def cache_delete(self, charger_id: str, id_tag: str) -> None:
        self._write("DELETE FROM auth_cache WHERE charger_id = ? AND id_tag = ?", (charger_id, id_tag))

    def cache_clear(self, charger_id: str) -> None:
        self._write("DELETE FROM auth_cache WHERE charger_id = ?", (charger_id,))

    def load_cache(self, charger_id: str) -> dict[str, IdTagInfo]:
        rows = self._sql.execute(
            "SELECT id_tag, status, parent_id_tag, expiry_date FROM auth_cache WHERE charger_id = ?",
            (charger_id,),
        )
        return {
            tag: IdTagInfo(AuthorizationStatus(status), parent, timestamp(expiry))
            for tag, status, parent, expiry in rows.fetchall()
        }

    # -- the Local Authorization List

    def save_local_list(
        self, charger_id: str, version: int, entries: Iterable[tuple[str, IdTagInfo]]
    ) -> None:
        rows = [
            (charger_id, tag, info.status.value, info.parent_id_tag, info.expiry_date)
            for tag, info in entries
        ]
        with self._transaction():
            self._sql.execute("DELETE FROM local_list WHERE charger_id = ?", (charger_id,))
            self._sql.executemany(
                "INSERT INTO local_list (charger_id, id_tag, status, parent_id_tag, expiry_date) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._sql.execute(
                "INSERT OR REPLACE INTO local_list_version (charger_id, version) VALUES (?, ?)",
                (charger_id, version),
            )

    def load_local_list(self, charger_id: str) -> tuple[int, dict[str, IdTagInfo]] | None:
        row = self._sql.execute(
            "SELECT version FROM local_list_version WHERE charger_id = ?", (charger_id,)
        ).fetchone()
        if row is None:
            return None
        rows = self._sql.execute(
            "SELECT id_tag, status, parent_id_tag, expiry_date FROM local_list WHERE charger_id = ?",
            (charger_id,),
        )
        entries = {
            tag: IdTagInfo(AuthorizationStatus(status), parent, timestamp(expiry))
            for tag, status, parent, expiry in rows.fetchall()
        }
        return int(row[0]), entries
