"""Local effects of the Security Whitepaper edition 2 (SWP) messages: what the security block asks the
runtime to keep or do (part of `outgoing.Effect`; apart so that outgoing.py stays readable), and the hook
through which other blocks raise a security event (plugged into charger_state by the aggregate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ocppsim.model.types import Timestamp

__all__ = [
    "CertificatesChanged",
    "ChargePointCertificateChanged",
    "DownloadSignedFirmware",
    "MakeCsr",
    "SecurityHooks",
    "SecurityLogEntry",
    "UploadLog",
    "V2GCertificateChanged",
]


@dataclass(frozen=True, slots=True)
class MakeCsr:
    """Make a key pair and its CSR (SWP A02.FR.02): the runtime keeps the key, calls security.on_csr."""

    common_name: str
    organization: str
    # OCPP 2.0.1 CertificateSigningUseEnumType (A02/A03): ChargingStationCertificate or V2GCertificate.
    certificate_type: str = "ChargingStationCertificate"


@dataclass(frozen=True, slots=True)
class CertificatesChanged:
    """The installed root certificates changed (SWP M04, M05): persist all, (use, PEM) pairs."""

    certificates: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ChargePointCertificateChanged:
    """CertificateSigned accepted: persist it; key `key_id` serves the next profile 3 connection."""

    chain_pem: str
    key_id: str


@dataclass(frozen=True, slots=True)
class V2GCertificateChanged:
    """2.0.1 CertificateSigned of a V2GCertificate (the ISO 15118 SECC certificate, A02/A03) accepted:
    persist it beside its key; no connection to the CSMS uses it."""

    chain_pem: str
    key_id: str


@dataclass(frozen=True, slots=True)
class SecurityLogEntry:
    """A security log line (SWP A04.FR.04): every event, critical or not; never a secret (A01.FR.12)."""

    event_type: str
    timestamp: Timestamp
    tech_info: str | None = None


@dataclass(frozen=True, slots=True)
class UploadLog:
    """GetLog (SWP N01): build and upload a log; the outcome: security.on_log_upload_result(job, ...)."""

    job: int
    location: str
    file_name: str
    log_type: str
    oldest: Timestamp | None
    latest: Timestamp | None


@dataclass(frozen=True, slots=True)
class DownloadSignedFirmware:
    """SignedUpdateFirmware (SWP L01): fetch the image and check its signature (L01.FR.04) with the
    signing certificate; the outcome: security.signed_firmware.on_download_result(job, ...)."""

    job: int
    location: str
    signing_certificate: str
    signature: str


class SecurityHooks(Protocol):
    """security/: a security event (Security Whitepaper section 8, A04) raised by another block: into the
    security log, and to the Central System when critical (the block decides)."""

    def security_event(self, event_type: str, now: float, tech_info: str | None = None) -> None: ...
    def on_boot_accepted(self, now: float) -> None: ...
