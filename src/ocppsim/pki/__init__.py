"""The public-key side of the OCPP 1.6 Security Whitepaper (edition 2), done with `cryptography`: X.509
parsing, the RFC 6960 hash data of a certificate, chain checks, CSRs, firmware signatures.

It sits between the adapter floor and the model: the adapter and the runtime turn PEM text into verified
facts here (model/security/certificates.py `CertificateFacts`), and the pure model decides the OCPP
status from those facts. Nothing here touches a file, a socket or the clock (`now` is passed in).

`cryptography` is loaded at the first call of one of these functions, not when this package is imported:
every charger process imports it (the adapter's security handlers, the runtime's restore), and most never
see a certificate (no security profile 2/3, no certificate message), while the library costs a process
~10 MiB of RSS (docs/performance.md, "Process base"). `PkiError` lives apart (pki/errors.py) so that an
`except PkiError` does not load it either.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ocppsim.pki.errors import PkiError

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


def _on_first_call(module: str, name: str) -> Callable[..., Any]:
    """`module`.`name`, imported when first called (module: one of this package's)."""
    loaded: list[Callable[..., Any]] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not loaded:
            loaded.append(getattr(importlib.import_module(f"ocppsim.pki.{module}"), name))
        return loaded[0](*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


if TYPE_CHECKING:  # the checker sees the real signatures
    from ocppsim.pki.certificates import (
        anchor_problem,
        chain_problem,
        facts_of,
        load_chain,
        make_csr,
        public_key_id,
    )
    from ocppsim.pki.signatures import firmware_signature_ok
else:
    anchor_problem = _on_first_call("certificates", "anchor_problem")
    chain_problem = _on_first_call("certificates", "chain_problem")
    facts_of = _on_first_call("certificates", "facts_of")
    load_chain = _on_first_call("certificates", "load_chain")
    make_csr = _on_first_call("certificates", "make_csr")
    public_key_id = _on_first_call("certificates", "public_key_id")
    firmware_signature_ok = _on_first_call("signatures", "firmware_signature_ok")
