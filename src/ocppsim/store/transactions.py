"""Transactions per charger: those still open (to stop after a crash, with reason PowerLoss, OCPP 1.6
section 4.10) and the transactionIds the CSMS gave (StartTransaction.conf, section 4.8), by the charger's
own reference of a transaction (`tx_ref`), which exists before the CSMS answers.
"""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["Transactions"]


class Transactions:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def open(self, charger_id: str, tx_ref: int, connector_id: int, id_tag: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO open_transactions (charger_id, tx_ref, connector_id, id_tag) "
            "VALUES (?, ?, ?, ?)",
            (charger_id, tx_ref, connector_id, id_tag),
        )

    def close(self, charger_id: str, tx_ref: int) -> None:
        self._write("DELETE FROM open_transactions WHERE charger_id = ? AND tx_ref = ?", (charger_id, tx_ref))

    def still_open(self, charger_id: str) -> list[tuple[int, int, str]]:
        """(tx_ref, connector_id, id_tag) of transactions that were running when the process stopped."""
        rows = self._sql.execute(
            "SELECT tx_ref, connector_id, id_tag FROM open_transactions WHERE charger_id = ? ORDER BY tx_ref",
            (charger_id,),
        )
        return [(int(r), int(c), t) for r, c, t in rows.fetchall()]

    def set_id(self, charger_id: str, tx_ref: int, transaction_id: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO transaction_ids (charger_id, tx_ref, transaction_id) VALUES (?, ?, ?)",
            (charger_id, tx_ref, transaction_id),
        )

    def forget_id(self, charger_id: str, tx_ref: int) -> None:
        self._write("DELETE FROM transaction_ids WHERE charger_id = ? AND tx_ref = ?", (charger_id, tx_ref))

    def ids(self, charger_id: str) -> dict[int, int]:
        """tx_ref -> transactionId (-1 when StartTransaction could not be delivered, errata 3.18)."""
        rows = self._sql.execute(
            "SELECT tx_ref, transaction_id FROM transaction_ids WHERE charger_id = ?", (charger_id,)
        )
        return {int(r): int(t) for r, t in rows.fetchall()}
