"""Reservations per charger (ReserveNow, OCPP 1.6 section 5.13): they hold their connector until their
expiryDate, also across a restart, so the whole set is saved after each change (made, replaced, used,
expired, cancelled, ended by a fault). The expiryDate is the CSMS's time, seconds since the epoch."""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.outgoing import Reservation
from ocppsim.model.types import Timestamp
from ocppsim.store.database import Database

__all__ = ["Reservations"]


class Reservations:
    __slots__ = ("_sql", "_transaction")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._transaction = db.transaction

    def load(self, charger_id: str) -> list[Reservation]:
        """The saved reservations by reservationId (expired ones included: the model drops them)."""
        rows = self._sql.execute(
            "SELECT reservation_id, connector_id, id_tag, expiry_date, parent_id_tag FROM reservations "
            "WHERE charger_id = ? ORDER BY reservation_id",
            (charger_id,),
        )
        return [
            Reservation(rid, connector, tag, Timestamp(expiry), parent)
            for rid, connector, tag, expiry, parent in rows.fetchall()
        ]

    def save(self, charger_id: str, reservations: Iterable[Reservation]) -> None:
        rows = [
            (charger_id, r.reservation_id, r.connector_id, r.id_tag, r.expiry_date, r.parent_id_tag)
            for r in reservations
        ]
        with self._transaction():
            self._sql.execute("DELETE FROM reservations WHERE charger_id = ?", (charger_id,))
            self._sql.executemany(
                "INSERT INTO reservations "
                "(charger_id, reservation_id, connector_id, id_tag, expiry_date, parent_id_tag) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
