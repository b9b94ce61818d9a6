"""Configuration keys owned by the security block (Security Whitepaper edition 2 section 7; OCPP-J
section 6.2 for the AuthorizationKey)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["CERTIFICATE_SIGNED_MAX_CHAIN_SIZE", "CERTIFICATE_STORE_MAX_LENGTH", "SECURITY_KEYS"]

# 7.3: "a maximum limit of 10.000 characters" (the field's own limit, section 5.1).
CERTIFICATE_SIGNED_MAX_CHAIN_SIZE = 10000
# 7.4: how many Root/CA certificates the store holds (a small embedded trust store).
CERTIFICATE_STORE_MAX_LENGTH = 10

SECURITY_KEYS = (
    KeySpec("AuthorizationKey", KeyType.HEX_KEY, "", write_only=True),
    KeySpec("SecurityProfile", KeyType.INT, "0", maximum=3),
    # 7.1: only one CentralSystemRootCertificate at a time is not implemented: reported false (read-only).
    KeySpec("AdditionalRootCertificateCheck", KeyType.BOOL, "false", readonly=True),
    KeySpec(
        "CertificateSignedMaxChainSize",
        KeyType.INT,
        str(CERTIFICATE_SIGNED_MAX_CHAIN_SIZE),
        readonly=True,
        maximum=CERTIFICATE_SIGNED_MAX_CHAIN_SIZE,
    ),
    KeySpec("CertificateStoreMaxLength", KeyType.INT, str(CERTIFICATE_STORE_MAX_LENGTH), readonly=True),
    # 7.5: the organizationName of the CSR (A02.FR.13); A02's prerequisite: set before a certificate update.
    KeySpec("CpoName", KeyType.STRING, ""),
)
