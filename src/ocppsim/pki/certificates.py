"""X.509 with `cryptography` (Security Whitepaper edition 2, section 2.6 "Keys used in OCPP", A02/A03,
M03-M05): PEM parsing with a size limit, the RFC 6960 CertID hash data (via cryptography's OCSP request
builder: no hand-made ASN.1), chain checks, and the PKCS#10 CSR of a fresh key pair.

Nothing here reads a file or the clock: `now` is passed in, keys are returned as PEM for the runtime to
keep (0600 files, store/certificates.py) and are never logged.
"""

from __future__ import annotations

import hashlib
import itertools
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from ocppsim.model.security.certificates import HASH_ALGORITHMS, CertificateFacts, CertificateHashData
from ocppsim.pki.errors import PkiError

__all__ = [
    "PkiError",
    "anchor_problem",
    "chain_problem",
    "facts_of",
    "load_chain",
    "make_csr",
    "public_key_id",
]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}


def load_chain(text: str, *, max_chars: int) -> list[x509.Certificate]:
    """The certificates of a PEM text, in order (leaf first for a chain). `max_chars`: the field's limit
    (CertificateSignedMaxChainSize, 5500 for InstallCertificate): longer text is refused unparsed."""
    if len(text) > max_chars:
        raise PkiError(f"PEM text of {len(text)} characters, more than {max_chars}")
    try:
        with warnings.catch_warnings():
            # What cryptography still parses with a deprecation warning (a serial number that is not
            # positive, RFC 5280 4.1.2.2) is refused here, as it will be by cryptography.
            warnings.simplefilter("error", CryptographyDeprecationWarning)
            certificates = x509.load_pem_x509_certificates(text.encode("utf-8", errors="replace"))
    except (ValueError, x509.InvalidVersion, UnsupportedAlgorithm, CryptographyDeprecationWarning) as exc:
        # InvalidVersion is no ValueError (the property test in tests/ocpp16/handlers found it).
        raise PkiError(f"not a PEM X.509 certificate: {exc}") from None
    if not certificates:
        raise PkiError("no certificate in the PEM text")
    return certificates


def public_key_id(key: x509.Certificate | x509.CertificateSigningRequest | ec.EllipticCurvePrivateKey) -> str:
    """SHA-256 over the SubjectPublicKeyInfo DER, hex: the same for a key pair, its CSR and certificate."""
    public = key.public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def _name_value(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode(errors="replace")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def hash_data(cert: x509.Certificate, issuer: x509.Certificate, algorithm: str) -> CertificateHashData:
    """CertificateHashDataType (section 6.1) = the RFC 6960 CertID of `cert`, built by cryptography's OCSP
    request builder: hash of the issuer's DER name, hash of the issuer's public key bits, the serial."""
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, _HASHES[algorithm]()).build()
    # serialNumber: hex without prefix or leading zeros (as OCPP 2.0.1 spells it out).
    return CertificateHashData(
        algorithm, request.issuer_name_hash.hex(), request.issuer_key_hash.hex(), f"{cert.serial_number:x}"
    )


def facts_of(cert: x509.Certificate, issuers: Sequence[x509.Certificate] = ()) -> CertificateFacts:
    """The model's view of `cert`. Its hash data names its issuer: the first of `issuers` that signed it,
    else itself (a root is its own issuer)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", CryptographyDeprecationWarning)
            return _facts(cert, issuers)
    except (
        ValueError,
        TypeError,
        x509.InvalidVersion,
        UnsupportedAlgorithm,
        CryptographyDeprecationWarning,
    ) as exc:
        # Parsed lazily by cryptography: a malformed extension, name or key shows only here.
        raise PkiError(f"unreadable certificate: {exc}") from None


def _facts(cert: x509.Certificate, issuers: Sequence[x509.Certificate]) -> CertificateFacts:
    issuer = next((i for i in issuers if _issued_by(cert, i)), cert)
    return CertificateFacts(
        pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_before=cert.not_valid_before_utc.timestamp(),
        not_after=cert.not_valid_after_utc.timestamp(),
        common_name=_name_value(cert.subject, NameOID.COMMON_NAME),
        organization=_name_value(cert.subject, NameOID.ORGANIZATION_NAME),
        is_ca=_is_ca(cert),
        key_id=public_key_id(cert),
        hashes=tuple(hash_data(cert, issuer, algorithm) for algorithm in HASH_ALGORITHMS),
    )


def chain_problem(
    chain: Sequence[x509.Certificate], roots: Sequence[x509.Certificate], now: float
) -> str | None:
    """Why `chain` (leaf first, then any sub-CAs) is not part of the hierarchy of `roots`, or None when it
    is (A02.FR.06: the period of validity, the signatures up to an installed root). Every certificate of the
    chain must be signed by the next, the last by one of `roots`, and all valid at `now`."""
    try:
        return _chain_problem(chain, roots, datetime.fromtimestamp(now, UTC))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        return f"unreadable certificate: {exc}"


def _chain_problem(
    chain: Sequence[x509.Certificate], roots: Sequence[x509.Certificate], at: datetime
) -> str | None:
    for cert in chain:
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            return f"certificate {cert.subject.rfc4514_string()} not valid at {at.isoformat()}"
    for cert, issuer in itertools.pairwise(chain):
        if not _issued_by(cert, issuer):
            return f"{cert.subject.rfc4514_string()} is not signed by {issuer.subject.rfc4514_string()}"
    last = chain[-1]
    for root in roots:
        if root.not_valid_before_utc <= at <= root.not_valid_after_utc and (
            _issued_by(last, root) or last == root
        ):
            return None
    return f"{last.issuer.rfc4514_string()} is not an installed, valid root certificate"


def anchor_problem(cert: x509.Certificate, installed: Sequence[x509.Certificate]) -> str | None:
    """Why a CA certificate to install (M05) is not sound, or None: a root must carry a valid signature of
    its own key; a sub-CA must be signed by a certificate installed already."""
    if _issued_by(cert, cert) or any(_issued_by(cert, i) for i in installed):
        return None
    return "neither a validly self-signed root nor signed by an installed certificate"


def make_csr(common_name: str, organization: str) -> tuple[str, str, str]:
    """A fresh EC P-256 key pair (A00.FR.503: at least 224 bits; A02.FR.02) and its PKCS#10 CSR (RFC 2986,
    A02.FR.03), signed with SHA-256, subject CN = the charge point's serial number (A00.FR.511), O = CpoName
    (A02.FR.13). Returns (private key PEM, CSR PEM, key id); the private key never leaves the charge point
    (A02.FR.05): the runtime keeps it in a 0600 file."""
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])]  # ub-common-name (RFC 5280)
    if organization:
        names.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(names)).sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, csr.public_bytes(serialization.Encoding.PEM).decode(), public_key_id(key)
