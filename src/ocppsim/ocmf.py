"""OCMF, the Open Charge Metering Format: signed meter readings for the German calibration law
(Eichrecht), written by the simulated charger and checked by whoever receives them.

A document is three sections separated by pipes (OCMF 1.2, S.A.F.E. e.V., "JSON based OCMF Format"):

    OCMF|{"FV":"1.0","GI":...,"PG":"T1",...,"RD":[{"TM":...,"TX":"B","RV":1234,...}]}|{"SA":...,"SD":...}

- the payload section (Tables 1-7): FV format version; GI, GS, GV the signing gateway (here the charge
  point: vendor and model, serial, firmware); PG the pagination ("T<n>", the transaction context, one
  counter per signing component); MV, MM, MS, MF the meter (MS mandatory); IS, IT, ID the user assignment
  (present exactly when there is a transaction: the idTag); CT "CBIDC" with CI "<chargeBoxId> <connector>"
  (Table 18) names the connector; RD the readings, each with TM (time "YYYY-MM-DDThh:mm:ss,fff+zzzz" and
  a time status: "S" synchronized, "U" unknown, Table 19), TX ("B" begin / "E" end of the transaction),
  RV (the value, a JSON number written once and never re-formatted), RI (OBIS code; 1-0:1.8.0, active
  energy import total), RU (unit, Table 20: Wh), RT (AC/DC, Table 21), EF (error flags, "" none) and ST
  (meter state, "G" OK, Table 10);
- the signature section (Table 8): SA the algorithm (Table 22; "ECDSA-secp256r1-SHA256", the default and
  what German meters use), SE encoding ("hex" default, "base64"), SM ("application/x-der", default), SD the
  signature over the payload section's exact bytes.

A pipe may not occur inside a section, so a pipe in a string (an idTag) is written as the JSON escape
\\u007c. How the public key reaches a CSMS over OCPP 1.6 is the charger's business
(runtime/ocmf_signer.py: DataTransfer "generalConfiguration" / "setMeterConfiguration"); OCPP 2.0.1
carries the document and the key in the meter value itself (SignedMeterValueType: signedMeterData and
publicKey, both base64; `signed_meter_data`, `document_of`, `public_key_base64`). Here a key is accepted
as PEM, as hex of its DER SubjectPublicKeyInfo (the form that DataTransfer carries), as base64 of that
DER (the 2.0.1 form) or as a key object.

For a CSMS developer: `verify(document, public_key)` returns the payload section parsed (numbers as
Decimal, as written) or raises `OcmfError` saying what is wrong: a tampered payload, another key, an
algorithm other than ECDSA-secp256r1-SHA256, a malformed document.
"""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "ALGORITHM",
    "OcmfError",
    "document_of",
    "encode_payload",
    "load_public_key",
    "parse",
    "public_key_base64",
    "public_key_hex",
    "sign",
    "signed_meter_data",
    "verify",
]

ALGORITHM = "ECDSA-secp256r1-SHA256"
_HEADER = "OCMF"
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class OcmfError(ValueError):
    """A document that does not verify or cannot be read as OCMF."""


def encode_payload(payload: dict[str, Any]) -> str:
    """The payload section: compact JSON (no white space to lose on the way; the signature covers these
    exact bytes), a pipe inside a string escaped."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).replace("|", "\\u007c")


def sign(payload_section: str, private_key: ec.EllipticCurvePrivateKey) -> str:
    """The whole document for `payload_section` (from `encode_payload`), signed with `private_key`
    (a secp256r1 key): ECDSA over SHA-256, the signature DER-encoded and written in hex."""
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415 - cryptography when signing (module doc)
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

    if "|" in payload_section:
        raise OcmfError("a pipe inside the payload section")
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise OcmfError(f"{ALGORITHM} needs a secp256r1 key, not {private_key.curve.name}")
    der = private_key.sign(payload_section.encode(), ec.ECDSA(hashes.SHA256()))
    signature = json.dumps({"SA": ALGORITHM, "SD": der.hex().upper()}, separators=(",", ":"))
    return f"{_HEADER}|{payload_section}|{signature}"


def public_key_hex(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    """The public key as hex of its DER SubjectPublicKeyInfo (upper case)."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - cryptography when signing (module doc)
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der.hex().upper()


def public_key_base64(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    """The public key as base64 of its DER SubjectPublicKeyInfo: OCPP 2.0.1 SignedMeterValueType.
    publicKey ("Base64 encoded")."""
    return base64.b64encode(bytes.fromhex(public_key_hex(key))).decode("ascii")


def signed_meter_data(document: str) -> str:
    """OCPP 2.0.1 SignedMeterValueType.signedMeterData ("Base64 encoded") of a document."""
    return base64.b64encode(document.encode()).decode("ascii")


def document_of(signed_meter_data: str) -> str:
    """The document a 2.0.1 signedMeterData carries (its base64 decoded); OcmfError if it is not."""
    try:
        return base64.b64decode(signed_meter_data, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OcmfError(f"signedMeterData is not base64 of a document: {exc}") from None


def load_public_key(key: str | bytes | ec.EllipticCurvePublicKey) -> ec.EllipticCurvePublicKey:
    """A public key given as PEM, as hex of DER (white space allowed), as DER bytes, or as a key."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - cryptography when signing (module doc)
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

    if isinstance(key, ec.EllipticCurvePublicKey):
        return key
    try:
        if isinstance(key, str):
            text = key.strip()
            if text.startswith("-----BEGIN"):
                loaded = serialization.load_pem_public_key(text.encode())
            elif not set("".join(text.split())) <= _HEX_DIGITS:
                # base64 of DER, as OCPP 2.0.1 SignedMeterValueType.publicKey carries it
                loaded = serialization.load_der_public_key(base64.b64decode(text, validate=True))
            else:
                loaded = serialization.load_der_public_key(bytes.fromhex("".join(text.split())))
        elif key.lstrip().startswith(b"-----BEGIN"):
            loaded = serialization.load_pem_public_key(key)
        else:
            loaded = serialization.load_der_public_key(key)
    except (ValueError, binascii.Error) as exc:
        raise OcmfError(f"not a public key: {exc}") from None
    if not isinstance(loaded, ec.EllipticCurvePublicKey):
        raise OcmfError("not an elliptic curve public key")
    return loaded


def _sections(document: str) -> tuple[str, str]:
    parts = document.split("|")
    if len(parts) != 3 or parts[0] != _HEADER:
        raise OcmfError("not an OCMF document: expected OCMF|<payload>|<signature>")
    return parts[1], parts[2]


def _object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise OcmfError(f"the {what} section is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise OcmfError(f"the {what} section is not a JSON object")
    return value


def parse(document: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(payload, signature) sections of a document, parsed, without checking the signature."""
    payload, signature = _sections(document)
    return _object(payload, "payload"), _object(signature, "signature")


def verify(document: str, public_key: str | bytes | ec.EllipticCurvePublicKey) -> dict[str, Any]:
    """The payload section of `document`, parsed, once its signature verifies with `public_key`;
    OcmfError otherwise."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - cryptography when signing (module doc)
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

    payload_text, signature_text = _sections(document)
    payload = _object(payload_text, "payload")
    signature = _object(signature_text, "signature")
    algorithm = signature.get("SA", ALGORITHM)  # Table 8: the default applies when SA is left out
    if algorithm != ALGORITHM:
        raise OcmfError(f"signature algorithm {algorithm!r} is not supported (only {ALGORITHM})")
    if signature.get("SM", "application/x-der") != "application/x-der":
        raise OcmfError(f"signature mime type {signature['SM']!r} is not supported")
    data = signature.get("SD")
    if not isinstance(data, str) or not data:
        raise OcmfError("no signature data (SD)")
    encoding = signature.get("SE", "hex")
    if encoding not in ("hex", "base64"):
        raise OcmfError(f"signature encoding {encoding!r} is not supported")
    try:
        der = bytes.fromhex(data) if encoding == "hex" else base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error):
        raise OcmfError(f"signature data is not {encoding}") from None
    key = load_public_key(public_key)
    if not isinstance(key.curve, ec.SECP256R1):
        raise OcmfError(f"{ALGORITHM} needs a secp256r1 key, not {key.curve.name}")
    try:
        key.verify(der, payload_text.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise OcmfError("the signature does not verify: payload changed, or another key") from None
    return payload
