"""What the Security Whitepaper edition 2 (SWP) asks a charge point to keep: the installed root
certificates (InstallCertificate, M05), its own certificate chain (CertificateSigned, A02/A03) with the
private key of that chain, the same for a 2.0.1 station's V2GCertificate (the ISO 15118 SECC certificate,
A02/A03 certificateType V2GCertificate), and the security log (A04.FR.04, N01).

Private keys live in files of their own, created 0600 (owner read/write only) in `keys/` beside the
database, never in a row of the database (whose file is as readable as any data file) and never in a log:
A02.FR.05, the private key "SHALL NOT be readable via OCPP or any other (remote) communication".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ocppsim.model.types import Timestamp
from ocppsim.store.database import Database

__all__ = ["Certificates"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Certificates:
    __slots__ = ("_db", "_keys")

    def __init__(self, db: Database) -> None:
        self._db = db
        self._keys = db.path.parent / "keys"

    # ------------------------------------------------------------------ root certificates (M05)

    def load(self, charger_id: str) -> list[tuple[str, str]]:
        """(use, PEM) of every installed root certificate, in the order installed."""
        rows = self._db.read(
            "SELECT use, pem FROM certificates WHERE charger_id = ? ORDER BY seq", (charger_id,)
        )
        return [(str(u), str(p)) for u, p in rows.fetchall()]

    def save(self, charger_id: str, certificates: tuple[tuple[str, str], ...]) -> None:
        """Replace the installed root certificates with these."""
        self._db.write("DELETE FROM certificates WHERE charger_id = ?", (charger_id,))
        for use, pem in certificates:
            self._db.write(
                "INSERT INTO certificates (charger_id, use, pem) VALUES (?, ?, ?)", (charger_id, use, pem)
            )

    # ------------------------------------------------------------------ the charge point certificate (A02)

    def load_charge_point(self, charger_id: str) -> tuple[str, str] | None:
        """(chain PEM, key id) of the charge point certificate, when one was accepted."""
        return self._load_own("charge_point_certificates", charger_id)

    def save_charge_point(self, charger_id: str, chain_pem: str, key_id: str) -> None:
        # The chain beside its key, for TLS libraries that read files (profile 3).
        self._save_own("charge_point_certificates", charger_id, chain_pem, key_id)

    # ------------------------------------------------------------------ the V2G certificate (2.0.1 A02/A03)

    def load_v2g(self, charger_id: str) -> tuple[str, str] | None:
        """(chain PEM, key id) of the V2GCertificate, when one was accepted."""
        return self._load_own("v2g_certificates", charger_id)

    def save_v2g(self, charger_id: str, chain_pem: str, key_id: str) -> None:
        # The chain beside its key, as for the charge point certificate (an ISO 15118 stack reads files).
        self._save_own("v2g_certificates", charger_id, chain_pem, key_id)

    def _load_own(self, table: str, charger_id: str) -> tuple[str, str] | None:
        row = self._db.read(
            f"SELECT chain_pem, key_id FROM {table} WHERE charger_id = ?", (charger_id,)
        ).fetchone()
        return (str(row[0]), str(row[1])) if row is not None else None

    def _save_own(self, table: str, charger_id: str, chain_pem: str, key_id: str) -> None:
        self._db.write(
            f"INSERT INTO {table} (charger_id, chain_pem, key_id) VALUES (?, ?, ?) "
            "ON CONFLICT (charger_id) DO UPDATE SET chain_pem = excluded.chain_pem, key_id = excluded.key_id",
            (charger_id, chain_pem, key_id),
        )
        self._private_file(self.chain_file(charger_id, key_id), chain_pem)

    def key_file(self, charger_id: str, key_id: str) -> Path:
        return self._keys / f"{_UNSAFE.sub('_', charger_id)[:100]}-{key_id[:32]}.key"

    def chain_file(self, charger_id: str, key_id: str) -> Path:
        return self._keys / f"{_UNSAFE.sub('_', charger_id)[:100]}-{key_id[:32]}.pem"

    def save_key(self, charger_id: str, key_id: str, key_pem: str) -> Path:
        """A new private key (A02.FR.02), in a file only its owner may read or write."""
        path = self.key_file(charger_id, key_id)
        self._private_file(path, key_pem)
        return path

    def _private_file(self, path: Path, text: str) -> None:
        self._keys.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_CREAT with mode 0600: the file is never readable by others, not even for an instant.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(path, 0o600)  # an older file of the same name keeps its mode through O_TRUNC

    # ------------------------------------------------------------------ the security log (A04.FR.04)

    def log(self, charger_id: str, at: Timestamp, event_type: str, tech_info: str | None) -> None:
        self._db.write(
            "INSERT INTO security_log (charger_id, time, type, tech_info) VALUES (?, ?, ?, ?)",
            (charger_id, float(at), event_type, tech_info),
        )

    def log_entries(
        self, charger_id: str, oldest: float | None = None, latest: float | None = None
    ) -> list[tuple[float, str, str | None]]:
        """(time, type, techInfo) of the security log, oldest first, within [oldest, latest]."""
        rows = self._db.read(
            "SELECT time, type, tech_info FROM security_log WHERE charger_id = ? "
            "AND time >= ? AND time <= ? ORDER BY seq",
            (
                charger_id,
                oldest if oldest is not None else float("-inf"),
                latest if latest is not None else float("inf"),
            ),
        )
        return [(float(t), str(e), i) for t, e, i in rows.fetchall()]
