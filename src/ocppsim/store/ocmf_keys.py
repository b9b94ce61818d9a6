"""A charger's signing key for signed meter values (OCMF, German calibration law) and the pagination
counter of its transaction context (OCMF 1.2 "Pagination": "T" counted in steps of one, never reused, so
a restart must go on where it stopped).

The private key is kept as unencrypted PKCS#8 PEM: a simulator's key protects nothing real, but it is
still a private key, so the database file (and its WAL and shared-memory files) is made readable by its
owner only (0600) when a key is written, when a file holding one is opened, and when chargers move into
it (chargers.py); nothing here logs or returns it beyond `load`.
"""

from __future__ import annotations

import contextlib
import os
import stat

from ocppsim.store.database import Database

__all__ = ["OcmfKeys"]

_OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR  # 0600


class OcmfKeys:
    __slots__ = ("_db", "_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = db.connection
        self._write = db.write
        self.protect()  # a file that holds keys stays owner-only, whatever wrote them (a move, a copy)

    def protect(self) -> None:
        """The file owner-only (0600) when it holds a key."""
        if self._sql.execute("SELECT 1 FROM ocmf_keys LIMIT 1").fetchone() is not None:
            self._restrict_files()

    def load(self, charger_id: str) -> tuple[str, int] | None:
        """(private key PEM, last pagination number used) or None before the first start."""
        row = self._sql.execute(
            "SELECT private_key, pagination FROM ocmf_keys WHERE charger_id = ?", (charger_id,)
        ).fetchone()
        return (str(row[0]), int(row[1])) if row is not None else None

    def save_key(self, charger_id: str, private_key_pem: str) -> None:
        """A charger's new key, its pagination at 0 (committed with the turn's batch, so before any value
        it signed leaves the process)."""
        self._restrict_files()
        self._write(
            "INSERT INTO ocmf_keys (charger_id, private_key, pagination) VALUES (?, ?, 0) "
            "ON CONFLICT (charger_id) DO UPDATE SET private_key = excluded.private_key, pagination = 0",
            (charger_id, private_key_pem),
        )

    def save_pagination(self, charger_id: str, pagination: int) -> None:
        """The last pagination number used (written with the turn's batch, before the frame leaves)."""
        self._write("UPDATE ocmf_keys SET pagination = ? WHERE charger_id = ?", (pagination, charger_id))

    def _restrict_files(self) -> None:
        path = self._db.path
        for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(name, _OWNER_ONLY)
