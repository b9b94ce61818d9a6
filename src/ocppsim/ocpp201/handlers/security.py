"""CS->CP operations of the security block in 2.0.1: InstallCertificate (M05), GetInstalledCertificateIds
(M03), DeleteCertificate (M04), GetLog (N01), UpdateFirmware (L01), CertificateSigned (A02/A03; the
TriggerMessage that starts it is remote_trigger.py's). GetLog is the Whitepaper's
(model/security/logs.py: the diagnostics zip or the security log, retries, LogStatusNotification with the
requestId, AcceptedCanceled when it replaces an upload, TC_N_36). The same certificate store and rules as
the 1.6 Security Whitepaper (model/security/block.py; the PEM text read and checked with ocppsim.pki): the
messages mean the same, only the names differ (CSMSRootCertificate is the Whitepaper's
CentralSystemRootCertificate, the hash data of GetInstalledCertificateIds goes in certificateHashDataChain
with its certificateType).

UpdateFirmware is the Whitepaper's SignedUpdateFirmware (model/security/signed_firmware.py, the download
and the signature check in runtime/secure_transfer.py) with 2.0.1's statuses (`full_statuses`): this
station supports the secure update only, so a request without signingCertificate or signature is
Rejected (TC_L_18)."""

from __future__ import annotations

from ocppsim.model.security.certificates import CertificateHashData, CertificateUse
from ocppsim.model.security.signing_requests import CHARGING_STATION, V2G
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.session import Session
from ocppsim.pki import PkiError, anchor_problem, chain_problem, facts_of, load_chain

__all__ = ["HANDLERS"]

# InstallCertificateRequest certificate: string[0..5500] (part 2 "Messages").
_INSTALL_MAX_CHARS = 5500

# InstallCertificateUseEnumType / GetCertificateIdUseEnumType <-> the model's CertificateUse.
_USES = {
    "CSMSRootCertificate": CertificateUse.CENTRAL_SYSTEM_ROOT,
    "ManufacturerRootCertificate": CertificateUse.MANUFACTURER_ROOT,
    "V2GRootCertificate": CertificateUse.V2G_ROOT,
    "MORootCertificate": CertificateUse.MO_ROOT,
}
_NAMES = {use: name for name, use in _USES.items()}


def _install(session: Session, p: Payload, now: float) -> Payload:
    """M05: an unreadable, invalid or expired certificate is Rejected (M05.FR.02), with the reason."""
    security = session.charger.security
    use = _USES[p["certificateType"]]
    try:
        certificate = load_chain(p["certificate"], max_chars=_INSTALL_MAX_CHARS)[0]
        installed = [
            cert
            for c in security.installed
            if c.use is use
            for cert in load_chain(c.facts.pem, max_chars=len(c.facts.pem))
        ]
        facts = facts_of(certificate, installed)
        problem = anchor_problem(certificate, installed)
    except PkiError as exc:
        facts, problem = None, str(exc)
    status = security.install_certificate(use, facts, problem, now)
    if status == "Accepted":
        return {"status": status}
    reason = problem or "not a valid CA certificate now, or the store is full"
    return {
        "status": status,
        "statusInfo": {"reasonCode": "InvalidCertificate", "additionalInfo": reason[:512]},
    }


def _installed_ids(session: Session, p: Payload, now: float) -> Payload:
    """M03: the SHA-256 hash data of every certificate of the types asked for (all when none given)."""
    wanted = p.get("certificateType")
    chain = [
        {
            "certificateType": _NAMES[c.use],
            "certificateHashData": {
                "hashAlgorithm": data.hash_algorithm,
                "issuerNameHash": data.issuer_name_hash,
                "issuerKeyHash": data.issuer_key_hash,
                "serialNumber": data.serial_number,
            },
        }
        for c in session.charger.security.installed
        if not wanted or _NAMES[c.use] in wanted
        for data in (c.facts.hash_data("SHA256"),)
        if data is not None
    ]
    if not chain:
        return {"status": "NotFound"}
    return {"status": "Accepted", "certificateHashDataChain": chain}


def _delete(session: Session, p: Payload, now: float) -> Payload:
    """M04: Accepted, NotFound, or Failed for the last CSMS root of a TLS connection (M04.FR.06)."""
    d = p["certificateHashData"]
    wanted = CertificateHashData(
        d["hashAlgorithm"], d["issuerNameHash"], d["issuerKeyHash"], d["serialNumber"]
    )
    return {"status": session.charger.security.delete_certificate(wanted)}


def _get_log(session: Session, p: Payload, now: float) -> Payload:
    """N01: the same request as the Whitepaper's GetLog (logType DiagnosticsLog / SecurityLog)."""
    log = p["log"]
    oldest, latest = log.get("oldestTimestamp"), log.get("latestTimestamp")
    status, name = session.charger.security.logs.get_log(
        p["logType"],
        p["requestId"],
        log["remoteLocation"],
        oldest=parse_time(oldest) if oldest is not None else None,
        latest=parse_time(latest) if latest is not None else None,
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        now=now,
    )
    return {"status": status, "filename": name}


def _update_firmware(session: Session, p: Payload, now: float) -> Payload:
    """L01: the signing certificate is checked before answering: issued by an installed
    ManufacturerRootCertificate and valid now (L01.FR.22), else InvalidCertificate and the security
    event InvalidFirmwareSigningCertificate (L01.FR.02)."""
    firmware = p["firmware"]
    certificate, signature = firmware.get("signingCertificate"), firmware.get("signature")
    if not certificate or not signature:
        return {"status": "Rejected"}  # no unsigned (L02) update on a secure-update station: TC_L_18
    security = session.charger.security
    wall = float(session.charger.state.ts(now))  # certificates are valid on the CSMS's clock
    try:
        roots = [
            cert
            for c in security.installed
            if c.use is CertificateUse.MANUFACTURER_ROOT
            for cert in load_chain(c.facts.pem, max_chars=len(c.facts.pem))
        ]
        signing = load_chain(certificate, max_chars=_INSTALL_MAX_CHARS)[:1]
        problem = chain_problem(signing, roots, wall)
    except PkiError as exc:
        problem = str(exc)
    install = firmware.get("installDateTime")
    status = security.signed_firmware.request(
        p["requestId"],
        firmware["location"],
        certificate,
        signature,
        retrieve_at=parse_time(firmware["retrieveDateTime"]),
        install_at=parse_time(install) if install is not None else None,
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        certificate_problem=problem,
        now=now,
        full_statuses=True,
    )
    return {"status": status}


# The roots a signed chain must lead to, by certificateType (A02.FR.06: the CSMS's hierarchy for the
# TLS client certificate; the ISO 15118 V2G hierarchy for the SECC certificate).
_ROOT_OF = {CHARGING_STATION: CertificateUse.CENTRAL_SYSTEM_ROOT, V2G: CertificateUse.V2G_ROOT}


def _certificate_signed(session: Session, p: Payload, now: float) -> Payload:
    """A02.FR.06-08 / A03: the chain (leaf first) up to an installed root of its type, no longer than
    SecurityCtrlr.MaxCertificateChainSize (the Whitepaper's CertificateSignedMaxChainSize, A02.FR.16);
    the leaf must certify the key of the last CSR of that type and name this station. Rejected with
    the reason in statusInfo, and the security event InvalidChargingStationCertificate (A02.FR.07)."""
    charger = session.charger
    kind = p.get("certificateType", CHARGING_STATION)
    if kind not in _ROOT_OF:
        return {"status": "Rejected"}  # only past the schema with validation off
    text = p["certificateChain"]
    limit = charger.config.get_int("CertificateSignedMaxChainSize")
    wall = float(charger.state.ts(now))  # certificates are valid on the CSMS's clock
    security = charger.security
    try:
        chain = load_chain(text, max_chars=limit)
        roots = [
            cert
            for c in security.installed
            if c.use is _ROOT_OF[kind]
            for cert in load_chain(c.facts.pem, max_chars=len(c.facts.pem))
        ]
        problem = chain_problem(chain, roots, wall)
        leaf = facts_of(chain[0], chain[1:])
    except PkiError as exc:
        leaf, problem = None, str(exc)
    status, reason = security.requests.certificate_signed(kind, leaf, text, problem, now)
    if status == "Accepted" or reason is None:
        return {"status": status}
    return {
        "status": status,
        "statusInfo": {"reasonCode": "InvalidCertificate", "additionalInfo": reason[:512]},
    }


HANDLERS: dict[str, Handler] = {
    "GetLog": _get_log,
    "UpdateFirmware": _update_firmware,
    "InstallCertificate": _install,
    "GetInstalledCertificateIds": _installed_ids,
    "DeleteCertificate": _delete,
    "CertificateSigned": _certificate_signed,
}
