"""Certificates as the model sees them (Security Whitepaper edition 2, sections 2.6 "Keys used in OCPP",
5.7-5.12, 6.1 CertificateHashDataType, use cases M03-M05, A02/A03): facts verified elsewhere (ocppsim.pki,
with `cryptography`), and the rules that turn those facts into OCPP statuses.

Pure: no parsing or cryptography here; `CertificateFacts` is what the adapter found in the PEM text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "HASH_ALGORITHMS",
    "CertificateFacts",
    "CertificateHashData",
    "CertificateUse",
    "ChargePointCertificate",
    "InstalledCertificate",
]

# HashAlgorithmEnumType (section 6.10): hash data is kept for each, so that a DeleteCertificate with any
# of them finds the certificate (M04.FR.07: the CSMS uses the algorithm it installed with).
HASH_ALGORITHMS = ("SHA256", "SHA384", "SHA512")


class CertificateUse(StrEnum):
    """CertificateUseEnumType (section 6.4)."""

    CENTRAL_SYSTEM_ROOT = "CentralSystemRootCertificate"
    MANUFACTURER_ROOT = "ManufacturerRootCertificate"
    # OCPP 2.0.1 InstallCertificateUseEnumType adds the ISO 15118 roots (M05); a 1.6 schema never names
    # them, so only a 2.0.1 station holds any (ocpp201/handlers/security.py maps the names).
    V2G_ROOT = "V2GRootCertificate"
    MO_ROOT = "MORootCertificate"


@dataclass(frozen=True, slots=True)
class CertificateHashData:
    """CertificateHashDataType (section 6.1), RFC 6960 CertID: hashes of the issuer's name and key, hex."""

    hash_algorithm: str
    issuer_name_hash: str
    issuer_key_hash: str
    serial_number: str


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """What a PEM certificate says, as verified by ocppsim.pki (times: seconds since the epoch)."""

    pem: str
    not_before: float
    not_after: float
    common_name: str | None
    organization: str | None
    is_ca: bool
    key_id: str  # SHA-256 of the public key (SubjectPublicKeyInfo DER), hex: matches a generated key
    hashes: tuple[CertificateHashData, ...]

    def valid_at(self, at: float) -> bool:
        return self.not_before <= at <= self.not_after

    def hash_data(self, algorithm: str) -> CertificateHashData | None:
        for data in self.hashes:
            if data.hash_algorithm == algorithm:
                return data
        return None


@dataclass(frozen=True, slots=True)
class InstalledCertificate:
    """A root (or sub-CA) certificate in the charge point's store (InstallCertificate, M05)."""

    use: CertificateUse
    facts: CertificateFacts


@dataclass(frozen=True, slots=True)
class ChargePointCertificate:
    """The charge point's own certificate chain (CertificateSigned, A02/A03), leaf first, and the id of
    the key pair it certifies (the private key stays in the runtime's key file, never in the model)."""

    chain_pem: str
    key_id: str
    not_before: float
    not_after: float
