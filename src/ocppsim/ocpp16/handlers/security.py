"""CS->CP operations of the OCPP 1.6 Security Whitepaper edition 2 (SWP): ExtendedTriggerMessage (5.5),
CertificateSigned (5.1), InstallCertificate (5.11), GetInstalledCertificateIds (5.7), DeleteCertificate
(5.3), SignedUpdateFirmware (5.21), GetLog (5.9).

The schema checks the fields first (a certificate longer than the field: TypeConstraintViolation). The
PEM text is read and checked here with ocppsim.pki (`cryptography`); the security block decides the
status from those facts. Junk text, a wrong chain, a certificate of another key: the spec's Rejected (and
the security event), never an exception out of a handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocppsim.model.charger import Charger
from ocppsim.model.security.certificates import CertificateHashData, CertificateUse
from ocppsim.model.types import MessageTrigger, TriggerMessageStatus
from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp16.handlers.call_error import Handler, Payload
from ocppsim.pki import PkiError, anchor_problem, chain_problem, facts_of, load_chain

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["HANDLERS"]

# InstallCertificate.req certificate: string[0..5500] (section 5.11).
_INSTALL_MAX_CHARS = 5500

# ExtendedTriggerMessage triggers that TriggerMessage (OCPP 1.6 section 5.17) already serves.
_CLASSIC = {
    "BootNotification": MessageTrigger.BOOT_NOTIFICATION,
    "Heartbeat": MessageTrigger.HEARTBEAT,
    "MeterValues": MessageTrigger.METER_VALUES,
    "StatusNotification": MessageTrigger.STATUS_NOTIFICATION,
}


def _extended_trigger(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.5 / 6.14: the classic triggers as TriggerMessage; SignChargePointCertificate starts A02."""
    requested = p["requestedMessage"]
    classic = _CLASSIC.get(requested)
    if classic is not None:
        status = ch.remote_trigger.trigger_message(classic, p.get("connectorId"), now)
    elif requested == "SignChargePointCertificate":
        status = ch.security.trigger_sign_certificate(now)
    elif requested == "LogStatusNotification":
        ch.security.logs.trigger_status()  # N01.FR.12
        status = TriggerMessageStatus.ACCEPTED
    elif requested == "FirmwareStatusNotification":
        # 6.14: SignedFirmwareStatusNotification, the status of the secure firmware update (L01.FR.28/29).
        ch.security.signed_firmware.trigger_status()
        status = TriggerMessageStatus.ACCEPTED
    else:
        status = TriggerMessageStatus.NOT_IMPLEMENTED
    return {"status": status.value}


def _roots(ch: Charger, use: CertificateUse) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for installed in ch.security.installed:
        if installed.use is use:
            roots.extend(load_chain(installed.facts.pem, max_chars=len(installed.facts.pem)))
    return roots


def _install_certificate(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.11 / M05: an unreadable certificate is Rejected (M05.FR.06)."""
    use = CertificateUse(p["certificateType"])
    try:
        certificate = load_chain(p["certificate"], max_chars=_INSTALL_MAX_CHARS)[0]
        installed = _roots(ch, use)
        facts = facts_of(certificate, installed)
        problem = anchor_problem(certificate, installed)
    except PkiError as exc:
        facts, problem = None, str(exc)
    return {"status": ch.security.install_certificate(use, facts, problem, now)}


def _get_installed_ids(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.7 / M03: the hash data of every certificate of that use."""
    status, found = ch.security.installed_ids(CertificateUse(p["certificateType"]))
    answer: Payload = {"status": status}
    if found:
        answer["certificateHashData"] = [
            {
                "hashAlgorithm": d.hash_algorithm,
                "issuerNameHash": d.issuer_name_hash,
                "issuerKeyHash": d.issuer_key_hash,
                "serialNumber": d.serial_number,
            }
            for d in found
        ]
    return answer


def _delete_certificate(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.3 / M04."""
    d = p["certificateHashData"]
    wanted = CertificateHashData(
        d["hashAlgorithm"], d["issuerNameHash"], d["issuerKeyHash"], d["serialNumber"]
    )
    return {"status": ch.security.delete_certificate(wanted)}


def _certificate_signed(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.1 / A02.FR.06: the chain (leaf first) up to an installed CentralSystemRootCertificate, no
    longer than CertificateSignedMaxChainSize (section 7.3)."""
    text = p["certificateChain"]
    limit = ch.config.get_int("CertificateSignedMaxChainSize")
    wall = float(ch.state.ts(now))  # certificates are valid on the CSMS's clock, which the charger keeps
    try:
        chain = load_chain(text, max_chars=limit)
        problem = chain_problem(chain, _roots(ch, CertificateUse.CENTRAL_SYSTEM_ROOT), wall)
        leaf = facts_of(chain[0], chain[1:])
    except PkiError as exc:
        return {"status": ch.security.certificate_signed(None, text, str(exc), now)}
    return {"status": ch.security.certificate_signed(leaf, text, problem, now)}


def _signed_update_firmware(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.21 / L01: the signing certificate is checked before answering (L01.FR.23): it must be
    issued by an installed ManufacturerRootCertificate and valid now (no intermediate, L01 remark)."""
    firmware = p["firmware"]
    wall = float(ch.state.ts(now))
    try:
        signing = load_chain(firmware["signingCertificate"], max_chars=_INSTALL_MAX_CHARS)[:1]
        problem = chain_problem(signing, _roots(ch, CertificateUse.MANUFACTURER_ROOT), wall)
    except PkiError as exc:
        problem = str(exc)
    install = firmware.get("installDateTime")
    status = ch.security.signed_firmware.request(
        p["requestId"],
        firmware["location"],
        firmware["signingCertificate"],
        firmware["signature"],
        retrieve_at=parse_time(firmware["retrieveDateTime"]),
        install_at=parse_time(install) if install is not None else None,
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        certificate_problem=problem,
        now=now,
    )
    return {"status": status}


def _get_log(ch: Charger, p: Payload, now: float) -> Payload:
    """SWP 5.9 / N01: the security log or the diagnostics, between the optional timestamps."""
    log = p["log"]
    oldest, latest = log.get("oldestTimestamp"), log.get("latestTimestamp")
    status, name = ch.security.logs.get_log(
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


HANDLERS: dict[str, Handler] = {
    "ExtendedTriggerMessage": _extended_trigger,
    "InstallCertificate": _install_certificate,
    "GetInstalledCertificateIds": _get_installed_ids,
    "DeleteCertificate": _delete_certificate,
    "CertificateSigned": _certificate_signed,
    "SignedUpdateFirmware": _signed_update_firmware,
    "GetLog": _get_log,
}
