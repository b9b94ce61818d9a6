"""The energy registers (Wh) of every connector: they never go backwards, across restarts included
(the meter readings of OCPP 1.6 section 4.7 MeterValues and the meterStart / meterStop of sections 4.8
and 4.10 come from them).

Saved with every transaction MeterValues, so the hot path of a fleet: a save only buffers the highest
value per charger and connector; the turn's commit writes them with one executemany (see database.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.store.database import Database
from ocppsim.store.schema import SAVE_REGISTER

__all__ = ["Registers"]


class Registers:
    __slots__ = ("_begin", "_flush", "_pending", "_read", "_sql", "_transaction")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._pending = db.pending_registers  # the very dict the commit writes
        self._begin = db.begin
        self._flush = db.flush
        self._read = db.read
        self._transaction = db.transaction

    def load(self, charger_id: str) -> dict[int, float]:
        rows = self._read("SELECT connector_id, wh FROM meter_registers WHERE charger_id = ?", (charger_id,))
        return {int(c): float(wh) for c, wh in rows.fetchall()}

    def save(self, charger_id: str, registers: dict[int, float]) -> None:
        """Saved with the turn's commit (before anything the turn sends leaves the process)."""
        saved = self._pending
        for connector, wh in registers.items():
            key = (charger_id, connector)
            if wh > saved.get(key, -1.0):
                saved[key] = wh
        if not self._begin():
            self._flush()

    def save_many(self, items: Iterable[tuple[str, dict[int, float]]]) -> None:
        rows = [(cid, c, wh) for cid, registers in items for c, wh in registers.items()]
        with self._transaction():  # one transaction: a fleet saves thousands of rows at once
            self._sql.executemany(SAVE_REGISTER, rows)
