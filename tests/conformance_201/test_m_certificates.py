"""Functional block M (certificate management) of the Core profile: install, list and delete root
certificates (M03-M05). Steps and tool validations: OCPP 2.0.1 part 6, TC_M_<n>_CS; the reusable states
CertificateInstalled and GetInstalledCertificates. The certificates are made here (trustme, cryptography);
the station's hash data is checked against hashes computed independently from them."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conformance_201.steps import call
from conftest import Sim

CSMS_ROOT = "CSMSRootCertificate"
MANUFACTURER_ROOT = "ManufacturerRootCertificate"


def _pem(ca: trustme.CA) -> str:
    return ca.cert_pem.bytes().decode()


def _expected(pem: str, certificate_type: str) -> dict[str, Any]:
    """CertificateHashDataType computed from the certificate (issuer DN, the key's bits, serial)."""
    cert = x509.load_pem_x509_certificate(pem.encode())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    bits = _subject_public_key_bits(spki)
    return {
        "certificateType": certificate_type,
        "certificateHashData": {
            "hashAlgorithm": "SHA256",
            "issuerNameHash": hashlib.sha256(cert.issuer.public_bytes()).hexdigest(),
            "issuerKeyHash": hashlib.sha256(bits).hexdigest(),
            "serialNumber": format(cert.serial_number, "x"),
        },
    }


def _tlv(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at `at`."""
    tag, length, at = der[at], der[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        length, at = int.from_bytes(der[at : at + count], "big"), at + count
    return tag, at, at + length


def _subject_public_key_bits(spki: bytes) -> bytes:
    """SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }: the BIT
    STRING's bits, without its unused-bits byte (what OCSP's CertID hashes as the issuer key)."""
    _, inner, _ = _tlv(spki, 0)
    _, _, after_algorithm = _tlv(spki, inner)
    tag, start, end = _tlv(spki, after_algorithm)
    assert tag == 0x03 and spki[start] == 0
    return spki[start + 1 : end]


async def _install(sim: Sim, pem: str, certificate_type: str) -> dict[str, Any]:
    return await call(sim, "InstallCertificate", {"certificateType": certificate_type, "certificate": pem})


async def _installed(sim: Sim, *types: str) -> dict[str, Any]:
    return await call(sim, "GetInstalledCertificateIds", {"certificateType": list(types)} if types else {})


def _expired_pem(sim: Sim) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "expired root")])
    now = datetime.datetime.fromtimestamp(sim.clock.now(), datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=30))
        .not_valid_after(now - datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.octt201("TC_M_01")
async def test_m01_install_csms_root(sim201: Sim) -> None:
    pem = _pem(trustme.CA())
    assert await _install(sim201, pem, CSMS_ROOT) == {"status": "Accepted"}
    listed = await _installed(sim201, CSMS_ROOT)
    assert listed == {"status": "Accepted", "certificateHashDataChain": [_expected(pem, CSMS_ROOT)]}


@pytest.mark.octt201("TC_M_02")
async def test_m02_install_manufacturer_root(sim201: Sim) -> None:
    pem = _pem(trustme.CA())
    assert await _install(sim201, pem, MANUFACTURER_ROOT) == {"status": "Accepted"}
    listed = await _installed(sim201, MANUFACTURER_ROOT)
    assert listed["certificateHashDataChain"] == [_expected(pem, MANUFACTURER_ROOT)]


@pytest.mark.octt201("TC_M_07")
async def test_m07_install_rejected_certificate_invalid(sim201: Sim) -> None:
    pem = _expired_pem(sim201)
    assert (await _install(sim201, pem, CSMS_ROOT))["status"] == "Rejected"
    assert (await _install(sim201, "-----BEGIN CERTIFICATE-----\nAAAA\n", CSMS_ROOT))["status"] == "Rejected"
    listed = await _installed(sim201, CSMS_ROOT)
    assert _expected(pem, CSMS_ROOT) not in listed.get("certificateHashDataChain", [])


async def _two_types(sim: Sim) -> tuple[str, str]:
    csms_root, manufacturer_root = _pem(trustme.CA()), _pem(trustme.CA())
    await _install(sim, csms_root, CSMS_ROOT)
    await _install(sim, manufacturer_root, MANUFACTURER_ROOT)
    return csms_root, manufacturer_root


@pytest.mark.octt201("TC_M_12")
async def test_m12_retrieve_csms_root(sim201: Sim) -> None:
    csms_root, _ = await _two_types(sim201)
    listed = await _installed(sim201, CSMS_ROOT)
    assert listed["certificateHashDataChain"] == [_expected(csms_root, CSMS_ROOT)]


@pytest.mark.octt201("TC_M_13")
async def test_m13_retrieve_manufacturer_root(sim201: Sim) -> None:
    _, manufacturer_root = await _two_types(sim201)
    listed = await _installed(sim201, MANUFACTURER_ROOT)
    assert listed["certificateHashDataChain"] == [_expected(manufacturer_root, MANUFACTURER_ROOT)]


@pytest.mark.octt201("TC_M_17")
async def test_m17_retrieve_both_roots(sim201: Sim) -> None:
    csms_root, manufacturer_root = await _two_types(sim201)
    listed = await _installed(sim201, CSMS_ROOT, MANUFACTURER_ROOT)
    chain = listed["certificateHashDataChain"]
    assert sorted(chain, key=str) == sorted(
        [_expected(csms_root, CSMS_ROOT), _expected(manufacturer_root, MANUFACTURER_ROOT)], key=str
    )


@pytest.mark.octt201("TC_M_18")
async def test_m18_retrieve_all_types(sim201: Sim) -> None:
    await _two_types(sim201)
    listed = await _installed(sim201)  # certificateType omitted
    assert {c["certificateType"] for c in listed["certificateHashDataChain"]} == {
        CSMS_ROOT,
        MANUFACTURER_ROOT,
    }


@pytest.mark.octt201("TC_M_19")
async def test_m19_no_matching_certificate(sim201: Sim) -> None:
    await _install(sim201, _pem(trustme.CA()), CSMS_ROOT)
    assert await _installed(sim201, "V2GRootCertificate") == {"status": "NotFound"}


@pytest.mark.octt201("TC_M_20")
async def test_m20_delete_certificate(sim201: Sim) -> None:
    csms_root, _ = await _two_types(sim201)
    hash_data = _expected(csms_root, CSMS_ROOT)["certificateHashData"]
    assert await call(sim201, "DeleteCertificate", {"certificateHashData": hash_data}) == {
        "status": "Accepted"
    }
    assert await _installed(sim201, CSMS_ROOT) == {"status": "NotFound"}
    assert len((await _installed(sim201))["certificateHashDataChain"]) == 1


@pytest.mark.octt201("TC_M_22")
async def test_m22_delete_no_matching_certificate(sim201: Sim) -> None:
    hash_data = _expected(_pem(trustme.CA()), CSMS_ROOT)["certificateHashData"]  # never installed
    assert await call(sim201, "DeleteCertificate", {"certificateHashData": hash_data}) == {
        "status": "NotFound"
    }


@pytest.mark.octt201("TC_M_23")
async def test_m23_cannot_delete_the_station_certificate(sim201: Sim) -> None:
    # The station's own certificate is not among the roots it lists: deleting it is NotFound.
    station_cert = trustme.CA().issue_cert("CP1").cert_chain_pems[0].bytes().decode()
    hash_data = _expected(station_cert, CSMS_ROOT)["certificateHashData"]
    reply = await call(sim201, "DeleteCertificate", {"certificateHashData": hash_data})
    assert reply["status"] in ("NotFound", "Failed")
