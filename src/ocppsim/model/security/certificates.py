"""Installed certificates of an OCPP 2.0.1 station (M03 GetInstalledCertificateIds, M04
DeleteCertificate, M05 InstallCertificate): which root certificates it holds, by type, as the CSMS names
them (CertificateHashDataType). Kept as JSON in one key of the charger's registry (device_model/keys.py),
so they persist as configuration does. Reading the certificate itself (PEM, hashes, validity) is the
adapter's (ocpp201/certificates.py); this is the list and its rules. A view, made on access."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import ConfigChanged

__all__ = ["CERTIFICATES_KEY", "MAX_CERTIFICATES", "Certificates", "InstalledCertificate"]

CERTIFICATES_KEY = "SecurityCtrlr.InstalledCertificates"
MAX_CERTIFICATES = 10  # SecurityCtrlr.CertificateEntries' maxLimit


@dataclass(frozen=True, slots=True)
class InstalledCertificate:
    certificate_type: str  # InstallCertificateUseEnumType
    hash_algorithm: str
    issuer_name_hash: str
    issuer_key_hash: str
    serial_number: str

    def same(self, hash_algorithm: str, issuer_name_hash: str, issuer_key_hash: str, serial: str) -> bool:
        return (
            self.hash_algorithm == hash_algorithm
            and self.issuer_name_hash.lower() == issuer_name_hash.lower()
            and self.issuer_key_hash.lower() == issuer_key_hash.lower()
            and self.serial_number.lower().lstrip("0") == serial.lower().lstrip("0")
        )


class Certificates:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def installed(self) -> list[InstalledCertificate]:
        config = self._s.config
        if config.spec(CERTIFICATES_KEY) is None:
            return []
        text = config.raw(CERTIFICATES_KEY)
        return [InstalledCertificate(**entry) for entry in json.loads(text)] if text else []

    def _save(self, entries: list[InstalledCertificate]) -> None:
        text = json.dumps([asdict(entry) for entry in entries], separators=(",", ":"))
        self._s.config.store(CERTIFICATES_KEY, text)
        self._s.emit(ConfigChanged(CERTIFICATES_KEY, text))

    def install(self, certificate: InstalledCertificate) -> str:
        """M05: Accepted (installed, or already there); Failed when CertificateEntries' limit is reached
        or the station keeps no certificates."""
        if self._s.config.spec(CERTIFICATES_KEY) is None:
            return "Failed"
        entries = self.installed()
        c = certificate
        if any(
            e.same(c.hash_algorithm, c.issuer_name_hash, c.issuer_key_hash, c.serial_number) for e in entries
        ):
            return "Accepted"
        if len(entries) >= MAX_CERTIFICATES:
            return "Failed"
        self._save([*entries, certificate])
        return "Accepted"

    def delete(self, hash_algorithm: str, issuer_name_hash: str, issuer_key_hash: str, serial: str) -> str:
        """M04: Accepted, or NotFound (the station's own certificate is not in this list: never deleted)."""
        entries = self.installed()
        kept = [e for e in entries if not e.same(hash_algorithm, issuer_name_hash, issuer_key_hash, serial)]
        if len(kept) == len(entries):
            return "NotFound"
        self._save(kept)
        return "Accepted"
