"""Configuration keys owned by the security block (Security Whitepaper edition 2 section 2; OCPP-J
section 6.2 for the AuthorizationKey)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["SECURITY_KEYS"]

SECURITY_KEYS = (
    KeySpec("AuthorizationKey", KeyType.HEX_KEY, "", write_only=True),
    KeySpec("SecurityProfile", KeyType.INT, "0", maximum=3),
)
