"""Firmware signatures (Security Whitepaper edition 2, L01.FR.04 / L01.FR.12): the signature over the
whole firmware file, with SHA-256, by the Firmware Signing certificate's key: RSA-PSS for an RSA key,
ECDSA for an EC key (the whitepaper's "ECSchnorr"; what manufacturers and test tools use in practice)."""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

__all__ = ["firmware_signature_ok"]


def firmware_signature_ok(certificate: x509.Certificate, image: bytes, signature_b64: str) -> bool:
    """Whether `signature_b64` (base64, section 6.7) signs `image` with the certificate's key."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            # PSS.AUTO: whatever salt length the signer chose (the whitepaper fixes none).
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
            key.verify(signature, image, pss, hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, image, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False
    return True
