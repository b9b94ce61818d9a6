"""The persisted message log: every OCPP-J frame of a charger, in and out, when the log is asked to be
kept (`persist_log`), for reading after the run. Not an OCPP record: the simulator's own.
"""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["FrameLog", "LoggedFrameRow"]

# (charger_id, time, direction, message_type, message_id, action, raw, latency_ms)
LoggedFrameRow = tuple[str, float, str, str, str, str | None, str, float | None]


class FrameLog:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def append(self, frame: LoggedFrameRow) -> None:
        self._write(
            "INSERT INTO frames (charger_id, time, direction, message_type, message_id, action, raw, "
            "latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            frame,
        )

    def newest(self, charger_id: str, limit: int = 1000) -> list[LoggedFrameRow]:
        """The newest `limit` persisted frames of one charger, oldest first."""
        rows = self._sql.execute(
            "SELECT charger_id, time, direction, message_type, message_id, action, raw, latency_ms "
            "FROM frames WHERE charger_id = ? ORDER BY seq DESC LIMIT ?",
            (charger_id, limit),
        ).fetchall()
        return list(reversed(rows))
