"""The version of the firmware a charger installed last (UpdateFirmware, OCPP 1.6 section 5.19): its
BootNotification reports it across restarts, instead of the INI's `info_firmware_version`."""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["Firmware"]


class Firmware:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def load(self, charger_id: str) -> str | None:
        row = self._sql.execute(
            "SELECT version FROM firmware_versions WHERE charger_id = ?", (charger_id,)
        ).fetchone()
        return str(row[0]) if row is not None else None

    def save(self, charger_id: str, version: str) -> None:
        self._write(
            "INSERT INTO firmware_versions (charger_id, version) VALUES (?, ?) "
            "ON CONFLICT (charger_id) DO UPDATE SET version = excluded.version",
            (charger_id, version),
        )
