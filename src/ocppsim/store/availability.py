"""Connectors set Inoperative by ChangeAvailability (OCPP 1.6 section 5.2: "Connector set to Unavailable
shall persist a reboot"), per charger; connector 0 stands for the charge point. Scheduled changes are
kept too: the connector goes Unavailable after the restart ended its transaction."""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["Availability"]


class Availability:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def load(self, charger_id: str) -> tuple[int, ...]:
        rows = self._sql.execute(
            "SELECT connector_id FROM inoperative_connectors WHERE charger_id = ? ORDER BY connector_id",
            (charger_id,),
        )
        return tuple(row[0] for row in rows.fetchall())

    def save(self, charger_id: str, inoperative: tuple[int, ...]) -> None:
        self._write("DELETE FROM inoperative_connectors WHERE charger_id = ?", (charger_id,))
        for connector_id in inoperative:
            self._write(
                "INSERT INTO inoperative_connectors (charger_id, connector_id) VALUES (?, ?)",
                (charger_id, connector_id),
            )
