from __future__ import annotations

import asyncio
from pathlib import Path

from ocppsim.store import Store


async def test_wal_is_checkpointed_off_the_commit_path(tmp_path: Path) -> None:
    """No checkpoint inside a COMMIT (wal_autocheckpoint=0); the checkpointer thread keeps the WAL from
    growing without end, and closing leaves it empty."""
    store = Store(tmp_path, checkpoint_every_s=0.02)
    wal = tmp_path / (store.path.name + "-wal")
    assert store.db.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    body = "x" * 2000

    async def burst() -> None:
        for n in range(500):  # ~250 pages, one transaction per loop turn of 50 rows
            store.journal.append("CP1", "MeterValues", 1, body)
            if n % 50 == 49:
                store.db.fold()  # into SQLite now, not only the journal log (database.py)
                store.flush()
                await asyncio.sleep(0)

    await burst()
    grown = wal.stat().st_size
    for _ in range(10):
        await asyncio.sleep(0.05)  # real time: the checkpointer runs every 20 ms
        await burst()
    # Without checkpoints the WAL would hold all 11 bursts; restarted after each one, about one.
    assert wal.stat().st_size < grown * 3
    store.close()
    assert not wal.exists() or wal.stat().st_size == 0
    again = Store(tmp_path)
    assert len(again.journal.entries("CP1")) == 5500  # all of it reached the database file
    again.close()
