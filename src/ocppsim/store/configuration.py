"""Configuration values the CSMS changed (ChangeConfiguration, OCPP 1.6 section 5.3), per charger and key.

Read when a charger is built (they win over the INI's seeds), written when the model changes a key.
"""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["Configuration"]


class Configuration:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def load(self, charger_id: str) -> dict[str, str]:
        rows = self._sql.execute("SELECT key, value FROM config_values WHERE charger_id = ?", (charger_id,))
        return dict(rows.fetchall())

    def save(self, charger_id: str, key: str, value: str) -> None:
        self._write(
            "INSERT INTO config_values (charger_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (charger_id, key) DO UPDATE SET value = excluded.value",
            (charger_id, key, value),
        )
