"""The file format: migrations run once, and a file of an older version opens with its rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ocppsim.store import DB_FILENAME, Store
from ocppsim.store.schema import MIGRATIONS


def test_schema_is_migrated_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.schema_version == len(MIGRATIONS)
    store.config.save("CP", "HeartbeatInterval", "30")
    store.close()
    again = Store(tmp_path)  # reopening runs no migration twice
    assert again.schema_version == len(MIGRATIONS)
    assert again.config.load("CP") == {"HeartbeatInterval": "30"}


def test_a_journal_of_an_older_file_keeps_its_rows_and_order(tmp_path: Path) -> None:
    # A file of schema version 6 (journal seq with AUTOINCREMENT), with two unanswered messages.
    db = sqlite3.connect(tmp_path / DB_FILENAME)
    for script in MIGRATIONS[:6]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 6")
    rows = [("CP", "MeterValues", 1, '{"connectorId":1}'), ("CP", "StopTransaction", 1, '{"meterStop":5}')]
    db.executemany("INSERT INTO outbox (charger_id, action, tx_ref, body) VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.journal.entries("CP") == [
        (1, "MeterValues", 1, '{"connectorId":1}'),
        (2, "StopTransaction", 1, '{"meterStop":5}'),
    ]
    assert store.journal.append("CP", "StatusNotification", None, "{}") == 3  # after the largest
    store.journal.remove(3)
    store.flush()
    assert [seq for seq, *_ in store.journal.entries("CP")] == [1, 2]
    store.close()
