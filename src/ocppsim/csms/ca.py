"""A small certificate authority for the built-in central system (Security Whitepaper edition 2, section
2.6.2 "Certificate Hierarchy"; A02.FR.04 allows the CPO to run it), made with `cryptography`:

- the Charge Point Operator hierarchy: a CentralSystemRootCertificate, the Central System's TLS server
  certificate (CN = its host name, A00.FR.510) and the charge points' certificates, signed from their CSRs
  (SignCertificate -> CertificateSigned, A02/A03);
- the Manufacturer hierarchy: a ManufacturerRootCertificate and a Firmware Signing certificate that signs
  firmware images (L01: RSA-PSS or ECDSA with SHA-256 over the whole file).

So that the security cases run end to end with no outside tools. Keys are EC P-256 (A00.FR.503); they live
in memory only (`CertificateAuthority.in_directory`: the CPO root and its key in files, so that chargers
keep trusting it across runs of `ocppsim csms --ca DIR`): this CA is for tests and demos, not for
production.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ocppsim.csms import ca_files

__all__ = ["CertificateAuthority", "FirmwareSigner"]

_PEM = serialization.Encoding.PEM


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class _Root:
    """A self-signed CA certificate and its key."""

    def __init__(
        self,
        common_name: str,
        organization: str,
        *,
        days: int = 3650,
        kept: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
    ) -> None:
        """`kept`: the key and certificate of an earlier run (the name then is the certificate's)."""
        if kept is not None:
            self.key, self.certificate = kept
            self.name = self.certificate.subject
            return
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name(common_name, organization)
        now = _now()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(_PEM).decode()

    def issue(
        self,
        subject: x509.Name,
        public_key: ec.EllipticCurvePublicKey | x509.CertificateSigningRequest,
        *,
        days: int,
        usage: x509.ObjectIdentifier | None,
        names: list[x509.GeneralName] | None = None,
        not_before: dt.datetime | None = None,
    ) -> x509.Certificate:
        key = (
            public_key.public_key() if isinstance(public_key, x509.CertificateSigningRequest) else public_key
        )
        start = not_before or _now() - dt.timedelta(minutes=5)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        if usage is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(self.key, hashes.SHA256())


class CertificateAuthority:
    """The CPO's CA: the CentralSystemRootCertificate, the CSMS's server certificate, the charge points'
    certificates from their CSRs."""

    ROOT_FILE = ca_files.ROOT_FILE  # the CentralSystemRootCertificate a charger installs (its ca_file)
    KEY_FILE = ca_files.KEY_FILE

    def __init__(
        self,
        organization: str = "ocppsim CPO",
        *,
        _kept: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
    ) -> None:
        self.organization = organization
        self.root = _Root(f"{organization} Root CA", organization, kept=_kept)
        self._files: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def in_directory(cls, folder: Path, organization: str = "ocppsim CPO") -> CertificateAuthority:
        """The CA whose root and key are in `folder` (ROOT_FILE, KEY_FILE), made there on first use (the
        folder 0700, the key 0600): the certificates it signed stay valid for chargers across runs.
        Raises ValueError when the folder holds one file without the other, or files that are not a CA."""
        root_file, key_file = folder / cls.ROOT_FILE, folder / cls.KEY_FILE
        if not root_file.exists() and not key_file.exists():
            ca = cls(organization)
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            root_file.write_text(ca.root_pem)
            key_file.touch(mode=0o600)
            key_file.write_bytes(_key_pem(ca.root.key))
            return ca
        try:
            certificate = x509.load_pem_x509_certificate(root_file.read_bytes())
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{folder}: not a CA made by ocppsim ({exc})") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != certificate.public_key():
            raise ValueError(f"{folder}: {cls.KEY_FILE} is not the key of {cls.ROOT_FILE}")
        names = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        kept_organization = str(names[0].value) if names else organization
        return cls(kept_organization, _kept=(key, certificate))

    @property
    def root_pem(self) -> str:
        return self.root.pem

    def sign_csr(self, csr_pem: str, *, days: int = 365, not_before: dt.datetime | None = None) -> str:
        """The certificate for a charge point's CSR (A02 steps 6-8), PEM: the subject as asked, signed by
        the root, for TLS client authentication (profile 3). Raises ValueError for a CSR that is not one
        or whose signature does not match its key (A02.FR.12: the CSMS then answers Rejected)."""
        csr = x509.load_pem_x509_csr(csr_pem.encode())
        if not csr.is_signature_valid:
            raise ValueError("the CSR's signature does not match its public key")
        certificate = self.root.issue(
            csr.subject, csr, days=days, usage=ExtendedKeyUsageOID.CLIENT_AUTH, not_before=not_before
        )
        return certificate.public_bytes(_PEM).decode()

    def server_context(self, host: str = "localhost", *, client_certificates: str = "none") -> ssl.SSLContext:
        """A TLS server context for the CSMS (profiles 2, 3): a certificate for `host` (CN and
        subjectAltName; 127.0.0.1 too when `host` is localhost). `client_certificates`: "none", "optional"
        (a charge point on profile 2 connects without one, on profile 3 with one) or "required" (profile
        3 only); presented ones are verified against the root."""
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName(host)]
        if host == "localhost":
            names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        certificate = self.root.issue(
            _name(host, self.organization),
            key.public_key(),
            days=30,
            usage=ExtendedKeyUsageOID.SERVER_AUTH,
            names=names,
        )
        if self._files is None:
            self._files = tempfile.TemporaryDirectory(prefix="ocppsim-ca-")
        folder = Path(self._files.name)
        cert_file, key_file = folder / "server.pem", folder / "server.key"
        cert_file.write_bytes(certificate.public_bytes(_PEM) + self.root.certificate.public_bytes(_PEM))
        key_file.touch(mode=0o600)
        key_file.write_bytes(_key_pem(key))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert_file, key_file)
        if client_certificates != "none":
            context.verify_mode = (
                ssl.CERT_REQUIRED if client_certificates == "required" else ssl.CERT_OPTIONAL
            )
            context.load_verify_locations(cadata=self.root_pem)
        return context

    def client_files(
        self, folder: Path, common_name: str, organization: str = "ocppsim CPO"
    ) -> tuple[Path, Path]:
        """A charge point certificate and its key as files (profile 3 from the start, as installed at
        manufacturing, A00.FR.801): (certificate PEM, key PEM, 0600)."""
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = self.root.issue(
            _name(common_name, organization), key.public_key(), days=30, usage=ExtendedKeyUsageOID.CLIENT_AUTH
        )
        cert_file, key_file = folder / f"{common_name}.pem", folder / f"{common_name}.key"
        cert_file.write_bytes(certificate.public_bytes(_PEM))
        key_file.touch(mode=0o600)
        key_file.write_bytes(_key_pem(key))
        return cert_file, key_file

    def close(self) -> None:
        if self._files is not None:
            self._files.cleanup()
            self._files = None


class FirmwareSigner:
    """The manufacturer's side of L01: a ManufacturerRootCertificate, a Firmware Signing certificate
    issued by it (no intermediate, L01 remark), and ECDSA-SHA256 signatures over whole firmware images."""

    def __init__(self, organization: str = "ocppsim Manufacturer") -> None:
        self.root = _Root(f"{organization} Root CA", organization)
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.certificate = self.root.issue(
            _name(f"{organization} Firmware Signing", organization),
            self._key.public_key(),
            days=365,
            usage=ExtendedKeyUsageOID.CODE_SIGNING,
        )

    @property
    def root_pem(self) -> str:
        return self.root.pem

    @property
    def signing_certificate_pem(self) -> str:
        return self.certificate.public_bytes(_PEM).decode()

    def sign(self, image: bytes) -> str:
        """The base64 signature of `image` (FirmwareType.signature, section 6.7)."""
        return base64.b64encode(self._key.sign(image, ec.ECDSA(hashes.SHA256()))).decode()
