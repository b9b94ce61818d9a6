"""The file format of a data directory's SQLite file: its tables, their migrations and what they share.

Schema versions are applied in order at open, each once, under the write lock; the version is SQLite's
`PRAGMA user_version`. A file written by an older version opens and is migrated; the migrations below
are never edited, only appended to. Each table has one owner in this package; the charger-level
operations (`chargers.py`: list, forget, move between files) see every table keyed by charger.

    config_values                                  configuration.py
    meter_registers                                registers.py
    charging_profiles, profile_sets                profiles.py
    outbox (the journal)                           journal.py
    open_transactions, transaction_ids             transactions.py
    auth_cache, local_list, local_list_version     authorization.py
    vehicles                                       vehicles.py
    frames (the message log)                       frames.py
    inoperative_connectors                         availability.py
    reservations                                   reservations.py
    firmware_versions                              firmware.py
    ocmf_keys                                      ocmf_keys.py
    event_sequences                                event_sequences.py
"""

from __future__ import annotations

import sqlite3
from typing import Final

from ocppsim.model.types import Timestamp

__all__ = [
    "MIGRATIONS",
    "PER_CHARGER_TABLES",
    "SAVE_REGISTER",
    "SEQUENCED",
    "migrate",
    "timestamp",
    "user_version",
]

MIGRATIONS: Final[tuple[str, ...]] = (
    """
    CREATE TABLE config_values (
        charger_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (charger_id, key)
    );
    CREATE TABLE meter_registers (
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        wh REAL NOT NULL,
        PRIMARY KEY (charger_id, connector_id)
    );
    """,
    # 2: charging profiles (errata 3.37: they survive a reboot); a row in profile_sets means "saved once",
    # so an empty set (the CSMS cleared everything) is not replaced by the INI default profiles.
    """
    CREATE TABLE charging_profiles (
        charger_id TEXT NOT NULL,
        profile_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (charger_id, profile_id)
    );
    CREATE TABLE profile_sets (charger_id TEXT PRIMARY KEY);
    """,
    # 3: nothing lost. The journal of transaction-related messages (payload without transactionId, which is
    # filled in when sent), transactions still open, and the transactionIds the CSMS gave.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        action TEXT NOT NULL,
        tx_ref INTEGER,
        body TEXT NOT NULL
    );
    CREATE INDEX outbox_by_charger ON outbox (charger_id, seq);
    CREATE TABLE open_transactions (
        charger_id TEXT NOT NULL,
        tx_ref INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        PRIMARY KEY (charger_id, tx_ref)
    );
    CREATE TABLE transaction_ids (
        charger_id TEXT NOT NULL,
        tx_ref INTEGER NOT NULL,
        transaction_id INTEGER NOT NULL,
        PRIMARY KEY (charger_id, tx_ref)
    );
    """,
    # 4: the Authorization Cache (survives reboot and reset; ClearCache empties it)
    """
    CREATE TABLE auth_cache (
        charger_id TEXT NOT NULL,
        id_tag TEXT NOT NULL,
        status TEXT NOT NULL,
        parent_id_tag TEXT,
        expiry_date REAL,
        PRIMARY KEY (charger_id, id_tag)
    );
    """,
    # 5: the Local Authorization List and its version (changed only by SendLocalList)
    """
    CREATE TABLE local_list (
        charger_id TEXT NOT NULL,
        id_tag TEXT NOT NULL,
        status TEXT NOT NULL,
        parent_id_tag TEXT,
        expiry_date REAL,
        PRIMARY KEY (charger_id, id_tag)
    );
    CREATE TABLE local_list_version (charger_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
    """,
    # 6: vehicles by id tag (shared by every charger of the data directory) and, when asked for, the
    # message log (every frame, for reading after the run).
    """
    CREATE TABLE vehicles (
        id_tag TEXT PRIMARY KEY COLLATE NOCASE,
        capacity_wh REAL NOT NULL,
        initial_soc REAL NOT NULL,
        max_current_a REAL NOT NULL,
        phases INTEGER NOT NULL,
        max_power_w REAL
    );
    CREATE TABLE frames (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        time REAL NOT NULL,
        direction TEXT NOT NULL,
        message_type TEXT NOT NULL,
        message_id TEXT NOT NULL,
        action TEXT,
        raw TEXT NOT NULL,
        latency_ms REAL
    );
    CREATE INDEX frames_by_charger ON frames (charger_id, time);
    """,
    # 7: the journal's seq without AUTOINCREMENT: the largest seq + 1, which keeps the order (a seq is
    # reused only after its row is gone, and nothing refers to a row after it is gone: a removal waiting
    # for its commit waits for the DELETE of a row that still exists). AUTOINCREMENT wrote its counter in
    # sqlite_sequence with every row: ~15 % of what journaling a MeterValues cost SQLite.
    """
    CREATE TABLE outbox_new (
        seq INTEGER PRIMARY KEY,
        charger_id TEXT NOT NULL,
        action TEXT NOT NULL,
        tx_ref INTEGER,
        body TEXT NOT NULL
    );
    INSERT INTO outbox_new (seq, charger_id, action, tx_ref, body)
        SELECT seq, charger_id, action, tx_ref, body FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_by_charger ON outbox (charger_id, seq);
    """,
    # 8: connectors set Inoperative (ChangeAvailability, section 5.2: it persists a reboot); 0 = the
    # charge point.
    """
    CREATE TABLE inoperative_connectors (
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        PRIMARY KEY (charger_id, connector_id)
    );
    """,
    # 9: reservations (ReserveNow, section 5.13): a connector stays reserved across a restart until the
    # reservation's expiryDate (REAL, the CSMS's time in seconds since the epoch).
    """
    CREATE TABLE reservations (
        charger_id TEXT NOT NULL,
        reservation_id INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        expiry_date REAL NOT NULL,
        parent_id_tag TEXT,
        PRIMARY KEY (charger_id, reservation_id)
    );
    """,
    # 10: the version of the firmware installed last (UpdateFirmware, section 5.19).
    """
    CREATE TABLE firmware_versions (charger_id TEXT PRIMARY KEY, version TEXT NOT NULL);
    """,
    # 11: the signing key of a charger's signed meter values (OCMF, German calibration law) and the
    # pagination counter of its transaction context (OCMF "PG": T1, T2, ... never reused).
    """
    CREATE TABLE ocmf_keys (
        charger_id TEXT PRIMARY KEY,
        private_key TEXT NOT NULL,
        pagination INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 12: Security Whitepaper edition 2: the installed root certificates (M05), the charge point's own
    # certificate chain and the id of its key pair (A02; the private key is a 0600 file, never a row), the
    # security log (A04.FR.04).
    """
    CREATE TABLE certificates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        use TEXT NOT NULL,
        pem TEXT NOT NULL
    );
    CREATE INDEX certificates_by_charger ON certificates (charger_id, seq);
    CREATE TABLE charge_point_certificates (
        charger_id TEXT PRIMARY KEY,
        chain_pem TEXT NOT NULL,
        key_id TEXT NOT NULL
    );
    CREATE TABLE security_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_id TEXT NOT NULL,
        time REAL NOT NULL,
        type TEXT NOT NULL,
        tech_info TEXT
    );
    CREATE INDEX security_log_by_charger ON security_log (charger_id, seq);
    """,
    # 13: OCPP 2.0.1: the next TransactionEvent seqNo of each running transaction (E01: it counts up
    # over the transaction's life, a restart included). (11 on the v201 branch; after main's 11 and 12.)
    """
    CREATE TABLE event_sequences (
        charger_id TEXT NOT NULL,
        tx_ref INTEGER NOT NULL,
        next_seq INTEGER NOT NULL,
        PRIMARY KEY (charger_id, tx_ref)
    );
    """,
    # 14: OCPP 2.0.1 A02/A03: the V2GCertificate (ISO 15118 SECC certificate) accepted last and the id of
    # its key pair, as charge_point_certificates keeps the ChargingStationCertificate (key: a 0600 file).
    """
    CREATE TABLE v2g_certificates (
        charger_id TEXT PRIMARY KEY,
        chain_pem TEXT NOT NULL,
        key_id TEXT NOT NULL
    );
    """,
)

# max(): a register never goes backwards, even if an older value is written late. (registers.py, and
# the registers a loop turn buffered, written at its commit by database.py)
SAVE_REGISTER: Final = (
    "INSERT INTO meter_registers (charger_id, connector_id, wh) VALUES (?, ?, ?) "
    "ON CONFLICT (charger_id, connector_id) DO UPDATE SET wh = max(wh, excluded.wh)"
)

# Tables with a seq (the order of the rows): the columns copied when a charger moves.
SEQUENCED: Final = {
    "outbox": "charger_id, action, tx_ref, body",
    "frames": "charger_id, time, direction, message_type, message_id, action, raw, latency_ms",
    "certificates": "charger_id, use, pem",
    "security_log": "charger_id, time, type, tech_info",
}

# Every table keyed by charger: what forgetting a charger deletes.
PER_CHARGER_TABLES: Final = (
    "config_values",
    "meter_registers",
    "charging_profiles",
    "profile_sets",
    "outbox",
    "open_transactions",
    "transaction_ids",
    "auth_cache",
    "local_list",
    "local_list_version",
    "frames",
    "inoperative_connectors",
    "reservations",
    "firmware_versions",
    "ocmf_keys",
    "certificates",
    "charge_point_certificates",
    "security_log",
    "event_sequences",
    "v2g_certificates",
)


def user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file to the latest schema version (a no-op when it is there)."""
    # Under the write lock, and the version read inside it: two processes may open the same new file
    # at once (a second run by mistake, a tool beside a running simulator), and only the first may
    # create the tables. (A fleet's workers no longer share a file: each has its own.)
    if user_version(db) == len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = user_version(db)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def timestamp(value: float | None) -> Timestamp | None:
    """A time as stored (REAL, seconds since the epoch, NULL for none)."""
    return Timestamp(value) if value is not None else None
