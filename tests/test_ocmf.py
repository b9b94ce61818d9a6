"""ocppsim.ocmf: OCMF documents (OCMF 1.2, S.A.F.E. e.V.) signed with ECDSA-secp256r1-SHA256, and the
verification helper for CSMS developers: a good document verifies with its key in every form a CSMS
meets it (PEM, hex of DER as DataTransfer carries it, DER bytes); a changed payload, another key, another
algorithm or a malformed document raise OcmfError."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ocppsim import ocmf

PAYLOAD = {
    "FV": "1.0",
    "PG": "T7",
    "MS": "METER-1",
    "IS": True,
    "IT": "ISO14443",
    "ID": "04A1B2C3",
    "RD": [{"TM": "2026-12-06T18:00:00,000+0000 S", "TX": "B", "RV": 2935.60, "RU": "kWh", "ST": "G"}],
}


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def test_a_document_has_three_sections_and_verifies(key: ec.EllipticCurvePrivateKey) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    header, payload, signature = document.split("|")
    assert header == "OCMF"
    assert ", " not in payload and ": " not in payload  # compact: no white space to lose on the way
    assert json.loads(signature)["SA"] == "ECDSA-secp256r1-SHA256"
    parsed = ocmf.verify(document, ocmf.public_key_hex(key))
    assert parsed["PG"] == "T7"
    assert parsed["RD"][0]["RV"] == Decimal("2935.6")  # a number, as written


def test_every_form_of_the_public_key_verifies(key: ec.EllipticCurvePrivateKey) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    public = key.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    spaced = " ".join(der.hex()[i : i + 2] for i in range(0, len(der.hex()), 2))  # as printed on meters
    for form in (pem.decode(), pem, der, spaced, ocmf.public_key_hex(key), public):
        assert ocmf.verify(document, form)["ID"] == "04A1B2C3"


@pytest.mark.parametrize(
    ("old", "new"),
    [('"RV":2935.6', '"RV":2935.7'), ('"TX":"B"', '"TX":"E"'), ('"PG":"T7"', '"PG":"T8"'), ("{", "{ ")],
)
def test_a_changed_payload_fails(key: ec.EllipticCurvePrivateKey, old: str, new: str) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    assert old in document
    with pytest.raises(ocmf.OcmfError, match="does not verify"):
        ocmf.verify(document.replace(old, new, 1), ocmf.public_key_hex(key))


def test_another_key_fails(key: ec.EllipticCurvePrivateKey) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ocmf.OcmfError, match="does not verify"):
        ocmf.verify(document, ocmf.public_key_hex(other))
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(ocmf.OcmfError, match="secp256r1"):
        ocmf.verify(document, ocmf.public_key_hex(p384))
    with pytest.raises(ocmf.OcmfError, match="secp256r1"):
        ocmf.sign(ocmf.encode_payload(PAYLOAD), p384)


def test_a_pipe_in_a_string_is_escaped_and_round_trips(key: ec.EllipticCurvePrivateKey) -> None:
    payload = {**PAYLOAD, "ID": "ab|cd"}
    document = ocmf.sign(ocmf.encode_payload(payload), key)
    assert document.count("|") == 2
    assert ocmf.verify(document, key.public_key())["ID"] == "ab|cd"
    with pytest.raises(ocmf.OcmfError):
        ocmf.sign('{"ID":"a|b"}', key)


def test_base64_signatures_and_the_default_algorithm_verify(key: ec.EllipticCurvePrivateKey) -> None:
    """SE base64 (Table 8) and a signature section without SA: the default, ECDSA-secp256r1-SHA256."""
    payload = ocmf.encode_payload(PAYLOAD)
    der = key.sign(payload.encode(), ec.ECDSA(hashes.SHA256()))
    document = f'OCMF|{payload}|{{"SE":"base64","SD":"{base64.b64encode(der).decode()}"}}'
    assert ocmf.verify(document, key.public_key())["MS"] == "METER-1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("OCMF|{}", "expected OCMF"),
        ('XCMF|{}|{"SD":"00"}', "expected OCMF"),
        ('OCMF|{}|{"SD":"00"}|x', "expected OCMF"),
        ('OCMF|not json|{"SD":"00"}', "payload section is not JSON"),
        ('OCMF|[1]|{"SD":"00"}', "not a JSON object"),
        ("OCMF|{}|{}", "no signature data"),
        ('OCMF|{}|{"SD":"zz"}', "not hex"),
        ('OCMF|{}|{"SD":"00","SE":"base32"}', "encoding"),
        ('OCMF|{}|{"SD":"00","SA":"ECDSA-brainpool256r1-SHA256"}', "not supported"),
        ('OCMF|{}|{"SD":"00","SM":"application/json"}', "mime type"),
        ('OCMF|{}|{"SD":"3006020101020101"}', "does not verify"),
    ],
)
def test_malformed_documents_are_refused(
    key: ec.EllipticCurvePrivateKey, document: str, message: str
) -> None:
    with pytest.raises(ocmf.OcmfError, match=message):
        ocmf.verify(document, key.public_key())


def test_junk_keys_are_refused(key: ec.EllipticCurvePrivateKey) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    for junk in ("", "00", "-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----", b"\x30\x00"):
        with pytest.raises(ocmf.OcmfError, match="public key"):
            ocmf.verify(document, junk)


def test_parse_reads_both_sections_without_a_key(key: ec.EllipticCurvePrivateKey) -> None:
    document = ocmf.sign(ocmf.encode_payload(PAYLOAD), key)
    payload, signature = ocmf.parse(document)
    assert payload["MS"] == "METER-1"
    assert set(signature) == {"SA", "SD"}
    assert bytes.fromhex(signature["SD"])[0] == 0x30  # a DER SEQUENCE (SM application/x-der)
