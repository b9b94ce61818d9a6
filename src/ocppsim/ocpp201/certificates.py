"""A PEM certificate as OCPP 2.0.1 names it (CertificateHashDataType, part 2 appendices): SHA256 of the
issuer's distinguished name (DER) and of the issuer's public key (the subjectPublicKey bits, as OCSP's
CertID), the serial number in hex. The certificates installed here are roots (self-signed: their issuer's
key is their own). `cryptography` reads X.509; nothing of it reaches the model."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ocppsim.model.security.certificates import InstalledCertificate

__all__ = ["CertificateError", "read_certificate"]


class CertificateError(ValueError):
    """Not a certificate this station accepts (unreadable, not valid now)."""


def _key_bits(certificate: x509.Certificate) -> bytes:
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    raise CertificateError("unsupported public key type")


def read_certificate(pem: str, certificate_type: str, now: float) -> InstalledCertificate:
    """The hash data of a PEM root certificate valid at `now` (M05.FR.02: an expired one is refused)."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise CertificateError(f"not a PEM certificate: {exc}") from None
    at = datetime.fromtimestamp(now, UTC)
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        raise CertificateError("the certificate is not valid now")
    return InstalledCertificate(
        certificate_type=certificate_type,
        hash_algorithm="SHA256",
        issuer_name_hash=hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
        issuer_key_hash=hashlib.sha256(_key_bits(certificate)).hexdigest(),
        serial_number=format(certificate.serial_number, "x"),
    )
