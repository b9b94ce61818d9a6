"""The runtime's side of the Security Whitepaper edition 2 (SWP) certificates: the key pair and CSR of a
certificate update (A02.FR.02/03, made here because the key goes to a 0600 file), the certificates a
restart restores, and what a TLS connection presents and trusts (profiles 2 and 3).

Private keys are never logged and never leave this process but through the TLS library (A02.FR.05).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ocppsim import pki
from ocppsim.model.security.certificates import (
    CertificateUse,
    ChargePointCertificate,
    InstalledCertificate,
)
from ocppsim.model.security_effects import MakeCsr

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station
    from ocppsim.store.certificates import Certificates

__all__ = ["TlsFiles", "make_csr", "restore_certificates", "restore_v2g_certificate", "tls_files"]

log = logging.getLogger("ocppsim.station")

# A stored or configured PEM file is ours: no field limit applies, only a sane one.
_MAX_FILE_CHARS = 1 << 20


def restore_certificates(
    certificates: Certificates, charger_id: str, ca_file: str | None
) -> tuple[tuple[InstalledCertificate, ...], ChargePointCertificate | None]:
    """The installed root certificates and the charge point certificate an earlier run left. A charger
    whose store holds no root certificate yet starts with those of the configured CA file (`ca_file`,
    the INI's CentralSystemRootCertificate), installed as if by InstallCertificate, so that the
    certificate management messages (M03-M05) see them."""
    stored = certificates.load(charger_id)
    if not stored and ca_file:
        try:
            text = Path(ca_file).read_text(encoding="utf-8")
            seeded = pki.load_chain(text, max_chars=_MAX_FILE_CHARS)
        except (OSError, pki.PkiError) as exc:
            log.warning("CA file %s not usable as CentralSystemRootCertificate: %s", ca_file, exc)
        else:
            stored = [(CertificateUse.CENTRAL_SYSTEM_ROOT.value, pki.facts_of(c).pem) for c in seeded]
            certificates.save(charger_id, tuple(stored))
    installed: list[InstalledCertificate] = []
    for use, pem in stored:
        try:
            cert = pki.load_chain(pem, max_chars=_MAX_FILE_CHARS)[0]
        except pki.PkiError:
            continue  # unreadable rows are not trusted
        installed.append(InstalledCertificate(CertificateUse(use), pki.facts_of(cert)))
    return tuple(installed), _own(certificates, charger_id, certificates.load_charge_point(charger_id))


def restore_v2g_certificate(certificates: Certificates, charger_id: str) -> ChargePointCertificate | None:
    """The 2.0.1 V2GCertificate an earlier run accepted (A02/A03), when its key file is still there."""
    return _own(certificates, charger_id, certificates.load_v2g(charger_id))


def _own(
    certificates: Certificates, charger_id: str, own: tuple[str, str] | None
) -> ChargePointCertificate | None:
    """A stored certificate of the station's own, usable only with its private key (a file)."""
    if own is None or not certificates.key_file(charger_id, own[1]).exists():
        return None
    chain_pem, key_id = own
    try:
        leaf = pki.facts_of(pki.load_chain(chain_pem, max_chars=_MAX_FILE_CHARS)[0])
    except pki.PkiError:
        return None
    return ChargePointCertificate(chain_pem, key_id, leaf.not_before, leaf.not_after)


def make_csr(station: Station, effect: MakeCsr, certificates: Certificates | None) -> None:
    """A02.FR.02/03: a fresh key pair, its private key into a 0600 file, the CSR to the model (which sends
    SignCertificate.req). Without a store there is nowhere to keep the key: no CSR."""
    if certificates is None:
        station._log.warning("no data directory to keep a private key in: no SignCertificate")
        return
    key_pem, csr_pem, key_id = pki.make_csr(effect.common_name, effect.organization)
    certificates.save_key(station.id, key_id, key_pem)
    del key_pem
    station._log.info("new key pair %s… for a certificate signing request", key_id[:16])
    security = station.charger.security
    kind = effect.certificate_type
    station.run_model(lambda now: security.on_csr(csr_pem, key_id, now, kind))


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """What a TLS connection (profiles 2, 3) trusts and presents."""

    cadata: str | None  # the installed CentralSystemRootCertificates, PEM; None: the CA file / system's
    client_cert: str | None
    client_key: str | None


def tls_files(station: Station, certificates: Certificates | None) -> TlsFiles:
    """The installed CentralSystemRootCertificates, and the charge point certificate accepted last (A02.FR.08:
    used as soon as it is valid) with its key, else the configured ones."""
    security = station.charger.security
    roots = [c.facts.pem for c in security.installed if c.use is CertificateUse.CENTRAL_SYSTEM_ROOT]
    options = station.options
    own = security.cp_certificate
    if own is not None and certificates is not None:
        now = float(station.charger.state.ts(station.clock.now()))
        if own.not_before <= now:
            return TlsFiles(
                "".join(roots) or None,
                str(certificates.chain_file(station.id, own.key_id)),
                str(certificates.key_file(station.id, own.key_id)),
            )
    return TlsFiles("".join(roots) or None, options.client_cert, options.client_key)
