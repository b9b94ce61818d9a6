"""`Store`: the persistent state of a data directory's SQLite file, the one object the runtime is handed.

A small composition: one `Database` (the connection, its migrations and the group commit) and one
repository per record kind on it, as attributes:

    store.config        configuration values the CSMS changed          configuration.py
    store.registers     energy registers (never backwards)             registers.py
    store.profiles      charging profiles                              profiles.py
    store.journal       transaction-related messages not yet answered  journal.py
    store.transactions  open transactions, transactionIds              transactions.py
    store.auth          Authorization Cache, Local Authorization List  authorization.py
    store.vehicles      vehicles by id tag                             vehicles.py
    store.frames        the persisted message log                      frames.py
    store.availability  connectors set Inoperative                     availability.py
    store.reservations  reservations (ReserveNow)                      reservations.py
    store.firmware      the version of the firmware installed last     firmware.py
    store.ocmf_keys     signing key of signed meter values (OCMF)     ocmf_keys.py
    store.certificates  certificates, key files, the security log      certificates.py
    store.event_seq     2.0.1 TransactionEvent seqNo per transaction   event_sequences.py
    store.chargers      list, forget, move chargers between files      chargers.py
"""

from __future__ import annotations

from pathlib import Path

from ocppsim.store.authorization import Authorization
from ocppsim.store.availability import Availability
from ocppsim.store.certificates import Certificates
from ocppsim.store.chargers import Chargers
from ocppsim.store.checkpointer import CHECKPOINT_EVERY_S
from ocppsim.store.configuration import Configuration
from ocppsim.store.database import DB_FILENAME, Database
from ocppsim.store.event_sequences import EventSequences
from ocppsim.store.firmware import Firmware
from ocppsim.store.frames import FrameLog
from ocppsim.store.journal import Journal
from ocppsim.store.ocmf_keys import OcmfKeys
from ocppsim.store.profiles import Profiles
from ocppsim.store.registers import Registers
from ocppsim.store.reservations import Reservations
from ocppsim.store.transactions import Transactions
from ocppsim.store.vehicles import Vehicles

__all__ = ["Store"]


class Store:
    __slots__ = (
        "auth",
        "availability",
        "certificates",
        "chargers",
        "config",
        "db",
        "event_seq",
        "firmware",
        "flush",
        "frames",
        "journal",
        "ocmf_keys",
        "path",
        "profiles",
        "registers",
        "reservations",
        "transactions",
        "vehicles",
    )

    def __init__(
        self,
        directory: str | Path,
        *,
        filename: str = DB_FILENAME,
        checkpoint_every_s: float = CHECKPOINT_EVERY_S,
    ) -> None:
        db = self.db = Database(directory, filename=filename, checkpoint_every_s=checkpoint_every_s)
        self.path = db.path
        # Commit what this loop turn wrote (see database.py): the database's own method, not a wrapper,
        # as it runs before every frame a station sends.
        self.flush = db.flush
        self.config = Configuration(db)
        self.registers = Registers(db)
        self.profiles = Profiles(db)
        self.journal = Journal(db)
        self.transactions = Transactions(db)
        self.auth = Authorization(db)
        self.vehicles = Vehicles(db)
        self.frames = FrameLog(db)
        self.availability = Availability(db)
        self.reservations = Reservations(db)
        self.firmware = Firmware(db)
        self.ocmf_keys = OcmfKeys(db)
        self.certificates = Certificates(db)
        self.event_seq = EventSequences(db)
        self.chargers = Chargers(db)

    @property
    def schema_version(self) -> int:
        return self.db.schema_version

    def close(self) -> None:
        self.db.close()
