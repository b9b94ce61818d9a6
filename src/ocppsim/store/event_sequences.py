"""OCPP 2.0.1 TransactionEvent sequence numbers per charger: the next seqNo of each running
transaction (OCPP 2.0.1 E01 "seqNo": incremental over the transaction's events), so that the events
after a restart (the Ended event of a transaction a crash interrupted) go on counting."""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["EventSequences"]


class EventSequences:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def set_next(self, charger_id: str, tx_ref: int, next_seq: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO event_sequences (charger_id, tx_ref, next_seq) VALUES (?, ?, ?)",
            (charger_id, tx_ref, next_seq),
        )

    def forget(self, charger_id: str, tx_ref: int) -> None:
        self._write("DELETE FROM event_sequences WHERE charger_id = ? AND tx_ref = ?", (charger_id, tx_ref))

    def load(self, charger_id: str) -> dict[int, int]:
        rows = self._sql.execute(
            "SELECT tx_ref, next_seq FROM event_sequences WHERE charger_id = ?", (charger_id,)
        )
        return {int(ref): int(seq) for ref, seq in rows.fetchall()}
