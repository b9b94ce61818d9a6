"""The error of ocppsim.pki, apart from the modules that use `cryptography`: a caller may name it in an
`except` clause without loading the library (see ocppsim/pki/__init__.py)."""

from __future__ import annotations

__all__ = ["PkiError"]


class PkiError(Exception):
    """Text that is not what it should be (junk PEM, too long, no certificate): the caller answers the
    spec's Rejected and raises the security event; never a crash."""
