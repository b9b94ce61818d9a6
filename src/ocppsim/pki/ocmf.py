"""OCMF, the Open Charge Metering Format (SAFE e.V.) of German calibration law (Eichrecht): a signed
record of meter readings, `OCMF|<payload JSON>|<signature JSON>`, sent in OCPP 1.6 as a sampled value of
format SignedData. The signature is ECDSA over the payload section's bytes exactly as sent, with
SHA-256 on curve secp256r1 ("ECDSA-secp256r1-SHA256", OCMF's default), hex-encoded DER.

The public key goes to the central system out of band: `public_key_hex` (the DER SubjectPublicKeyInfo in
hex, as transparency software takes it) for the DataTransfer the runtime sends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "SIGNATURE_ALGORITHM",
    "OcmfError",
    "ocmf_record",
    "ocmf_time",
    "public_key_hex",
    "verify_ocmf",
]

SIGNATURE_ALGORITHM = "ECDSA-secp256r1-SHA256"


class OcmfError(Exception):
    """Not an OCMF record, or its signature does not verify with the key."""


def ocmf_time(at: float, sync: str = "U") -> str:
    """OCMF TM: `2018-07-24T13:22:04,000+0000 U`; `sync`: the time status letter (U unknown, I
    informative, S synchronized, R relative)."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S,") + f"{moment.microsecond // 1000:03d}+0000 {sync}"


def ocmf_record(payload: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    """The OCMF text of `payload`, signed with `key` (P-256)."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    if "|" in text:
        raise OcmfError("the pipe character is not allowed within an OCMF section")
    signature = key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))
    section = json.dumps({"SA": SIGNATURE_ALGORITHM, "SD": signature.hex().upper()}, separators=(",", ":"))
    return f"OCMF|{text}|{section}"


def public_key_hex(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der.hex().upper()


def verify_ocmf(record: str, public_key: str) -> dict[str, Any]:
    """The payload of an OCMF record whose signature verifies with `public_key` (hex DER
    SubjectPublicKeyInfo); OcmfError otherwise."""
    parts = record.split("|")
    if len(parts) != 3 or parts[0] != "OCMF":
        raise OcmfError("not OCMF|<payload>|<signature>")
    try:
        payload = json.loads(parts[1])
        signature = json.loads(parts[2])
        key = serialization.load_der_public_key(bytes.fromhex(public_key))
        data = bytes.fromhex(signature["SD"]) if signature.get("SE", "hex") == "hex" else None
    except (ValueError, KeyError, TypeError) as exc:
        raise OcmfError(f"unreadable OCMF record or key: {exc}") from None
    if data is None or signature.get("SA", SIGNATURE_ALGORITHM) != SIGNATURE_ALGORITHM:
        raise OcmfError("only ECDSA-secp256r1-SHA256 with hex signature data is understood")
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(payload, dict):
        raise OcmfError("not an EC public key / payload object")
    try:
        key.verify(data, parts[1].encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise OcmfError("the signature does not verify") from None
    return payload
