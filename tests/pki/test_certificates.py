"""ocppsim.pki with real certificates (csms/ca.py, trustme): parsing limits, the RFC 6960 hash data,
chain checks, CSRs, firmware signatures."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ocppsim.csms.ca import CertificateAuthority, FirmwareSigner
from ocppsim.pki import PkiError, chain_problem, facts_of, firmware_signature_ok, load_chain, make_csr


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return CertificateAuthority()


@pytest.mark.parametrize(
    "text", ["", "junk", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_junk_is_refused(text: str) -> None:
    with pytest.raises(PkiError):
        load_chain(text, max_chars=5500)


def test_oversized_text_is_refused_unparsed(ca: CertificateAuthority) -> None:
    with pytest.raises(PkiError, match="more than 100"):
        load_chain(ca.root_pem, max_chars=100)


def test_root_facts_and_rfc6960_hash_data(ca: CertificateAuthority) -> None:
    root = load_chain(ca.root_pem, max_chars=5500)[0]
    facts = facts_of(root)
    assert facts.is_ca
    assert facts.organization == "ocppsim CPO"
    assert facts.valid_at(time.time())
    sha256 = facts.hash_data("SHA256")
    assert sha256 is not None
    # RFC 6960 CertID, computed independently: the hash of the issuer's DER name, of its public key bits
    # (for an EC key the uncompressed point), and the serial number in hex.
    assert sha256.issuer_name_hash == hashlib.sha256(root.issuer.public_bytes()).hexdigest()
    point = root.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert sha256.issuer_key_hash == hashlib.sha256(point).hexdigest()
    assert sha256.serial_number == f"{root.serial_number:x}"
    assert {h.hash_algorithm for h in facts.hashes} == {"SHA256", "SHA384", "SHA512"}


def test_csr_and_its_certificate(ca: CertificateAuthority) -> None:
    key_pem, csr_pem, key_id = make_csr("SERIAL-1", "My CPO")
    assert "PRIVATE KEY" in key_pem and "PRIVATE" not in csr_pem
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    assert csr.is_signature_valid
    assert csr.subject.rfc4514_string() == "O=My CPO,CN=SERIAL-1"
    chain = load_chain(ca.sign_csr(csr_pem), max_chars=10000)
    roots = load_chain(ca.root_pem, max_chars=5500)
    assert chain_problem(chain, roots, time.time()) is None
    leaf = facts_of(chain[0], roots)
    assert leaf.key_id == key_id and leaf.common_name == "SERIAL-1" and not leaf.is_ca
    # The leaf's hash data names its issuer, the root.
    root_hash = facts_of(roots[0]).hash_data("SHA256")
    leaf_hash = leaf.hash_data("SHA256")
    assert root_hash is not None and leaf_hash is not None
    assert leaf_hash.issuer_key_hash == root_hash.issuer_key_hash


def test_chain_problems(ca: CertificateAuthority) -> None:
    _, csr_pem, _ = make_csr("SERIAL-1", "My CPO")
    chain = load_chain(ca.sign_csr(csr_pem), max_chars=10000)
    other = load_chain(CertificateAuthority("Other").root_pem, max_chars=5500)
    assert "not an installed" in (chain_problem(chain, other, time.time()) or "")
    assert "not an installed" in (chain_problem(chain, [], time.time()) or "")
    roots = load_chain(ca.root_pem, max_chars=5500)
    assert "not valid" in (chain_problem(chain, roots, time.time() + 400 * 86400) or "")
    assert "not valid" in (chain_problem(chain, roots, time.time() - 86400) or "")


def test_chain_through_an_intermediate() -> None:
    root = trustme.CA()
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert("SERIAL-2")
    text = "".join(p.bytes().decode() for p in leaf.cert_chain_pems)
    chain = load_chain(text, max_chars=10000)
    assert len(chain) == 2
    roots = load_chain(root.cert_pem.bytes().decode(), max_chars=5500)
    assert chain_problem(chain, roots, time.time()) is None
    # Out of order: the leaf is not signed by the next certificate.
    assert "not signed by" in (chain_problem(chain[::-1], roots, time.time()) or "")


def test_firmware_signatures() -> None:
    signer = FirmwareSigner()
    image = b"firmware image" * 1000
    signature = signer.sign(image)
    certificate = load_chain(signer.signing_certificate_pem, max_chars=5500)[0]
    assert firmware_signature_ok(certificate, image, signature)
    assert not firmware_signature_ok(certificate, image + b"x", signature)  # over other bytes
    assert not firmware_signature_ok(certificate, image, "not base64!")
    assert not firmware_signature_ok(certificate, image, base64.b64encode(b"\x00" * 64).decode())


def test_rsa_pss_firmware_signature() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = trustme.CA()
    cert = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    # A certificate for the RSA key, signed by trustme's CA key.
    ca_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), None)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(cert.subject)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
    )
    signing = builder.sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    image = b"rsa firmware"
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    signature = base64.b64encode(key.sign(image, pss, hashes.SHA256())).decode()
    assert firmware_signature_ok(signing, image, signature)
    assert not firmware_signature_ok(signing, b"other", signature)
