"""Which file holds which charger: one file per data directory, or, for a fleet sharded over worker
processes, one file per worker, and the move of every charger's rows into the file of the process that
will hold it before a fleet starts.

SQLite has one writer at a time per file, and seven workers committing every loop turn into one file
blocked their event loops on its lock (and failed with "database is locked") at 60,000 chargers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from ocppsim.store.database import DB_FILENAME
from ocppsim.store.store import Store

__all__ = ["redistribute", "shard_filename"]

log = logging.getLogger(__name__)

_SHARD_GLOB: Final = "ocppsim-worker-*.sqlite3"


def shard_filename(worker: int) -> str:
    return f"ocppsim-worker-{worker}.sqlite3"


def redistribute(directory: str | Path, owners: dict[str, str]) -> int:
    """Before a fleet starts: move every charger's rows into the file that will hold it (`owners`: charger
    id -> file name; a worker's file, or DB_FILENAME for a fleet in one process). The files change when
    the number of workers does, or when a fleet moves from one process to several. Chargers that no
    file owns (not in this fleet) stay where they are. Returns how many chargers moved."""
    path = Path(directory)
    sources = [path / DB_FILENAME, *sorted(path.glob(_SHARD_GLOB))]
    stores: dict[str, Store] = {}

    def store(name: str) -> Store:
        if name not in stores:
            stores[name] = Store(path, filename=name)
        return stores[name]

    moved = 0
    try:
        for source in sources:
            if not source.exists():
                continue
            held = store(source.name)
            by_destination: dict[str, list[str]] = {}
            for charger_id in held.chargers.ids():
                destination = owners.get(charger_id)
                if destination is not None and destination != source.name:
                    by_destination.setdefault(destination, []).append(charger_id)
            for destination, ids in sorted(by_destination.items()):
                held.chargers.move(ids, store(destination))
                moved += len(ids)
    finally:
        for opened in stores.values():
            opened.close()
    if moved:
        log.info("moved the saved state of %d chargers to the files of their workers", moved)
    return moved
