"""Persistent charger state in one SQLite file per data directory (stdlib sqlite3, WAL).

Schema versions are applied in order at open; each migration runs once. Today: configuration values
changed by the CSMS and the energy registers (which must never go backwards across restarts).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

__all__ = ["DB_FILENAME", "Store"]

DB_FILENAME: Final = "ocppsim.sqlite3"

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
)


class Store:
    def __init__(self, directory: str | Path) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / DB_FILENAME
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
            self._db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def load_config(self, charger_id: str) -> dict[str, str]:
        rows = self._db.execute("SELECT key, value FROM config_values WHERE charger_id = ?", (charger_id,))
        return dict(rows.fetchall())

    def save_config(self, charger_id: str, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO config_values (charger_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (charger_id, key) DO UPDATE SET value = excluded.value",
            (charger_id, key, value),
        )

    def load_registers(self, charger_id: str) -> dict[int, float]:
        rows = self._db.execute(
            "SELECT connector_id, wh FROM meter_registers WHERE charger_id = ?", (charger_id,)
        )
        return {int(c): float(wh) for c, wh in rows.fetchall()}

    def save_registers(self, charger_id: str, registers: dict[int, float]) -> None:
        # max(): a register never goes backwards, even if an older value is written late.
        self._db.executemany(
            "INSERT INTO meter_registers (charger_id, connector_id, wh) VALUES (?, ?, ?) "
            "ON CONFLICT (charger_id, connector_id) DO UPDATE SET wh = max(wh, excluded.wh)",
            [(charger_id, c, wh) for c, wh in registers.items()],
        )

    def close(self) -> None:
        self._db.close()
