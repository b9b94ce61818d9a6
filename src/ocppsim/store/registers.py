"""The energy registers (Wh) of every connector: they never go backwards, across restarts included
(the meter readings of OCPP 1.6 section 4.7 MeterValues and the meterStart / meterStop of sections 4.8
and 4.10 come from them).

Saved with every transaction MeterValues, so the hot path of a fleet: a save keeps the highest value per
charger and connector and adds a record to the journal log (written before the MeterValues that carries
the value is sent); the next fold writes one row per charger and connector (see database.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.store.database import Database
from ocppsim.store.journal import SCAN_AT_MOST
from ocppsim.store.schema import SAVE_REGISTER

__all__ = ["Registers"]


class Registers:
    __slots__ = ("_db", "_sql", "_transaction")

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = db.connection
        self._transaction = db.transaction

    def load(self, charger_id: str) -> dict[int, float]:
        """SQLite's registers with the pending ones merged in (the highest counts), without a fold unless
        many are pending (see journal.SCAN_AT_MOST)."""
        if sum(map(len, self._db.registers_not_in_sqlite())) > SCAN_AT_MOST:
            self._db.fold()
        rows = self._sql.execute(
            "SELECT connector_id, wh FROM meter_registers WHERE charger_id = ?", (charger_id,)
        )
        found = {int(c): float(wh) for c, wh in rows.fetchall()}
        for pending in self._db.registers_not_in_sqlite():
            for (cid, connector), wh in pending.items():
                if cid == charger_id and wh > found.get(connector, -1.0):
                    found[connector] = wh
        return found

    def save(self, charger_id: str, registers: dict[int, float]) -> None:
        """Durable with the turn's flush (before anything the turn sends leaves the process)."""
        db = self._db
        pending = db.pending
        for connector, wh in registers.items():
            saved = db.pending_registers  # a fold takes the dict over: looked up again each time
            key = (charger_id, connector)
            if wh > saved.get(key, -1.0):
                saved[key] = wh
                pending(("R", charger_id, connector, wh))

    def save_many(self, items: Iterable[tuple[str, dict[int, float]]]) -> None:
        rows = [(cid, c, wh) for cid, registers in items for c, wh in registers.items()]
        with self._transaction():  # one transaction: a fleet saves thousands of rows at once
            self._sql.executemany(SAVE_REGISTER, rows)
