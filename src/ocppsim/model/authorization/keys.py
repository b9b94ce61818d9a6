"""Configuration keys owned by the authorization block (OCPP 1.6 sections 9.1 and 9.2
LocalAuthListManagement) and the vendor key OCPPAuthorizationEnabled of the original ocppsim."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["AUTHORIZATION_KEYS"]

_LOCAL_LIST = "LocalAuthListManagement"  # section 9.2

AUTHORIZATION_KEYS = (
    KeySpec("AllowOfflineTxForUnknownId", KeyType.BOOL, "false"),
    KeySpec("AuthorizationCacheEnabled", KeyType.BOOL, "true"),
    KeySpec("LocalAuthorizeOffline", KeyType.BOOL, "true"),
    KeySpec("LocalPreAuthorize", KeyType.BOOL, "false"),
    KeySpec("LocalAuthListEnabled", KeyType.BOOL, "true", profile=_LOCAL_LIST),
    KeySpec("LocalAuthListMaxLength", KeyType.INT, "1000", readonly=True, profile=_LOCAL_LIST),
    KeySpec("SendLocalListMaxLength", KeyType.INT, "100", readonly=True, profile=_LOCAL_LIST),
    # Vendor key of the original: false = free vend, no Authorize before StartTransaction.
    KeySpec("OCPPAuthorizationEnabled", KeyType.BOOL, "true"),
)
