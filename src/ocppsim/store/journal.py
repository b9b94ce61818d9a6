"""The journal of transaction-related messages: nothing lost across a disconnect or a crash.

OCPP 1.6 asks a charge point to deliver its transaction-related messages (StartTransaction, MeterValues of
a transaction, StopTransaction; sections 4.7, 4.8, 4.10) even when it is offline or restarts, in order,
retrying them (TransactionMessageAttempts, TransactionMessageRetryInterval). The outbox appends each one
here (its payload without transactionId, which is filled in when sent) before it can be sent, and removes
it after its CALLRESULT, or after its attempts ran out; after a restart the entries are replayed first,
in order.

The hot path of a fleet: an append is a record of the journal log, written before anything the turn sends
leaves the process; a removal is one more record, written with the next flush, and an entry answered
before the next fold never reaches SQLite (database.py, journal_log.py).
"""

from __future__ import annotations

from ocppsim.store.database import Database

__all__ = ["Journal"]

# Pending entries `entries` looks through for one charger; with more it folds them into SQLite first. A
# fleet restores its chargers one after the other in one loop turn, each start journaling an entry: a
# scan of all of them at each restore was quadratic (16,667 chargers a worker: 90 s), a fold at each
# one made a log file each.
SCAN_AT_MOST = 256


class Journal:
    __slots__ = ("_appends", "_db", "_removed")

    def __init__(self, db: Database) -> None:
        self._db = db
        self._appends = db.pending_appends  # the very dicts and lists the fold writes
        self._removed = db.pending_removals

    def append(self, charger_id: str, action: str, tx_ref: int | None, body: str) -> int:
        """Journal one message; its seq (the journal's order)."""
        db = self._db
        seq = db.take_seq()
        row = (seq, charger_id, action, tx_ref, body)
        self._appends[seq] = row
        db.pending(("A", *row))
        return seq

    def remove(self, seq: int) -> None:
        """Removed with a later flush or fold (a crash before it sends the message again)."""
        if self._appends.pop(seq, None) is None:
            self._removed.append((seq,))  # in SQLite already: deleted by the next fold
        self._db.pending_lazily(("D", seq))

    def entries(self, charger_id: str) -> list[tuple[int, str, int | None, str]]:
        """(seq, action, tx_ref, body) of every message not yet answered, oldest first: SQLite's rows with
        what is pending merged in, without a fold (a fleet restores its chargers one after the other,
        and a fold for each would be one log file and one commit a charger)."""
        if len(self._appends) > SCAN_AT_MOST:
            self._db.fold()
        rows = self._db.connection.execute(
            "SELECT seq, action, tx_ref, body FROM outbox WHERE charger_id = ? ORDER BY seq", (charger_id,)
        ).fetchall()
        found = [(int(s), a, r, b) for s, a, r, b in rows]
        if self._removed:
            removed = {seq for (seq,) in self._removed}
            found = [row for row in found if row[0] not in removed]
        pending = [(s, a, r, b) for s, cid, a, r, b in self._appends.values() if cid == charger_id]
        if pending:
            found = sorted(found + pending)
        return found
