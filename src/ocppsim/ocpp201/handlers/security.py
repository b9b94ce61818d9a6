"""CS->CP operations of the security block in 2.0.1: InstallCertificate (M05), GetInstalledCertificateIds
(M03), DeleteCertificate (M04), on the installed root certificates (model/security/certificates.py)."""

from __future__ import annotations

from ocppsim.ocpp201.certificates import CertificateError, read_certificate
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _install(session: Session, p: Payload, now: float) -> Payload:
    try:
        certificate = read_certificate(p["certificate"], p["certificateType"], now)
    except CertificateError as exc:
        return {
            "status": "Rejected",
            "statusInfo": {"reasonCode": "InvalidCertificate", "additionalInfo": str(exc)[:512]},
        }
    return {"status": session.charger.certificates.install(certificate)}


def _installed_ids(session: Session, p: Payload, now: float) -> Payload:
    types = p.get("certificateType")
    chain = [
        {
            "certificateType": c.certificate_type,
            "certificateHashData": {
                "hashAlgorithm": c.hash_algorithm,
                "issuerNameHash": c.issuer_name_hash,
                "issuerKeyHash": c.issuer_key_hash,
                "serialNumber": c.serial_number,
            },
        }
        for c in session.charger.certificates.installed()
        if not types or c.certificate_type in types
    ]
    if not chain:
        return {"status": "NotFound"}
    return {"status": "Accepted", "certificateHashDataChain": chain}


def _delete(session: Session, p: Payload, now: float) -> Payload:
    data = p["certificateHashData"]
    status = session.charger.certificates.delete(
        data["hashAlgorithm"], data["issuerNameHash"], data["issuerKeyHash"], data["serialNumber"]
    )
    return {"status": status}


HANDLERS: dict[str, Handler] = {
    "InstallCertificate": _install,
    "GetInstalledCertificateIds": _installed_ids,
    "DeleteCertificate": _delete,
}
