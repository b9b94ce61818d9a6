"""Persistence: the charger state of a data directory in SQLite (stdlib sqlite3, WAL), one module per
record kind (see store.py for the map). What other packages use is exported here:

    Store            the one object the runtime is handed (store.config, store.journal, ...)
    DB_FILENAME      the file of a data directory; `shard_filename(k)` the file of fleet worker k
    redistribute     before a fleet starts: every charger's rows into the file of its process
    LoggedFrameRow   a row of the persisted message log
"""

from ocppsim.store.database import DB_FILENAME
from ocppsim.store.frames import LoggedFrameRow
from ocppsim.store.shards import redistribute, shard_filename
from ocppsim.store.store import Store

__all__ = ["DB_FILENAME", "LoggedFrameRow", "Store", "redistribute", "shard_filename"]
