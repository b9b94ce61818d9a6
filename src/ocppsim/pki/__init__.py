"""The public-key side of the OCPP 1.6 Security Whitepaper (edition 2), done with `cryptography`: X.509
parsing, the RFC 6960 hash data of a certificate, chain checks, CSRs, firmware signatures.

It sits between the adapter floor and the model: the adapter and the runtime turn PEM text into verified
facts here (model/security/certificates.py `CertificateFacts`), and the pure model decides the OCPP
status from those facts. Nothing here touches a file, a socket or the clock (`now` is passed in).
"""

from __future__ import annotations

from ocppsim.pki.certificates import (
    PkiError,
    anchor_problem,
    chain_problem,
    facts_of,
    load_chain,
    make_csr,
    public_key_id,
)
from ocppsim.pki.signatures import firmware_signature_ok

__all__ = [
    "PkiError",
    "anchor_problem",
    "chain_problem",
    "facts_of",
    "firmware_signature_ok",
    "load_chain",
    "make_csr",
    "public_key_id",
]
