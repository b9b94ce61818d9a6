"""The journal of transaction-related messages: nothing lost across a disconnect or a crash.

OCPP 1.6 asks a charge point to deliver its transaction-related messages (StartTransaction, MeterValues of
a transaction, StopTransaction; sections 4.7, 4.8, 4.10) even when it is offline or restarts, in order,
retrying them (TransactionMessageAttempts, TransactionMessageRetryInterval). The outbox appends each one
here (its payload without transactionId, which is filled in when sent) before it can be sent, and removes
it after its CALLRESULT, or after its attempts ran out; after a restart the entries are replayed first,
in order.

The hot path of a fleet: an append joins the loop turn's transaction (committed before anything the turn
sends leaves the process), a removal waits up to LAZY_REMOVE_S for a commit it can join (database.py).
"""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["LAZY_REMOVE_S", "Journal"]

# How long the removal of an answered journal entry may wait for a commit it can join (see database.py).
LAZY_REMOVE_S = 1.0


class Journal:
    __slots__ = ("_db", "_read", "_removed", "_write")

    def __init__(self, db: Database) -> None:
        self._db = db
        self._removed = db.pending_removals  # the very list the commit deletes
        self._write = db.write
        self._read = db.read

    def append(self, charger_id: str, action: str, tx_ref: int | None, body: str) -> int:
        """Journal one message; its seq (the journal's order)."""
        cursor = self._write(
            "INSERT INTO outbox (charger_id, action, tx_ref, body) VALUES (?, ?, ?, ?)",
            (charger_id, action, tx_ref, body),
        )
        return int(cursor.lastrowid or 0)

    def remove(self, seq: int) -> None:
        """Removed with a later commit, at most LAZY_REMOVE_S from now."""
        self._removed.append((seq,))
        db = self._db
        if db.batched or db.lazy is not None:
            return  # the turn's commit, or the one already planned, takes it
        db.commit_within(LAZY_REMOVE_S)

    def entries(self, charger_id: str) -> list[tuple[int, str, int | None, str]]:
        """(seq, action, tx_ref, body) of every message not yet answered, oldest first."""
        rows = self._read(
            "SELECT seq, action, tx_ref, body FROM outbox WHERE charger_id = ? ORDER BY seq", (charger_id,)
        )
        return [(int(s), a, r, b) for s, a, r, b in rows.fetchall()]
