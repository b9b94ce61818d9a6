"""What the security profile asks of a connection attempt (OCPP 1.6 Security Whitepaper section 2,
OCPP-J 6): the wss:// URL profiles 2 and 3 need, the TLS context, the HTTP Basic authentication header.

Profile 0: ws://, no credentials. Profile 1: HTTP Basic authentication (OCPP-J 6.2). Profile 2: TLS with
Basic authentication. Profile 3: TLS with a client certificate. Read from the charger's configuration at
each attempt, so that a changed SecurityProfile or AuthorizationKey applies at the next connect."""

from __future__ import annotations

import base64
import ssl

from ocppsim.model.key_registry import ConfigStore

__all__ = ["SecurityProfileError", "basic_auth_headers", "check_url", "failure_kind", "tls_context"]


_BASIC_AUTH_PASSWORD = "SecurityCtrlr.BasicAuthPassword"


class SecurityProfileError(Exception):
    """The configured security profile cannot be used with this URL or these certificates."""


def _level(config: ConfigStore, profile: int | None) -> int:
    """The security profile of this connection: a 2.0.1 network profile's, else the configured one."""
    return profile if profile is not None else config.get_int("SecurityProfile")


def check_url(config: ConfigStore, url: str, *, profile: int | None = None) -> None:
    """Profiles 2 and 3 are TLS profiles: a ws:// URL cannot serve them."""
    if _level(config, profile) >= 2 and not url.startswith("wss://"):
        raise SecurityProfileError("security profile 2 and 3 need a wss:// URL")


def tls_context(
    config: ConfigStore,
    url: str,
    *,
    ca_file: str | None,
    client_cert: str | None,
    client_key: str | None,
    cadata: str | None = None,
    check_hostname: bool = True,
    profile: int | None = None,
) -> ssl.SSLContext | None:
    """TLS for wss:// (Security Whitepaper profiles 2 and 3): TLS 1.2+, the server certificate verified
    against the installed CentralSystemRootCertificates (`cadata`, PEM), else the configured CA file (or
    the system's), host name checked unless `check_hostname` is off (the chain is always verified);
    profile 3 adds our certificate."""
    if not url.startswith("wss://"):
        return None
    if cadata is not None:
        context = ssl.create_default_context(cadata=cadata)
    else:
        context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not check_hostname:
        # Test central systems often present a certificate whose subjectAltName does not name the host.
        # Only the name check goes: the chain must still verify (verify_mode stays CERT_REQUIRED).
        context.check_hostname = False
    if _level(config, profile) >= 3 and client_cert:
        context.load_cert_chain(client_cert, client_key)
    return context


def basic_auth_headers(
    config: ConfigStore, charge_point_id: str, *, http_auth: bool, profile: int | None = None
) -> dict[str, str]:
    if http_auth or _level(config, profile) in (1, 2):
        # OCPP-J 6.2 / Security profile 1: Basic <id>:<AuthorizationKey>, key string verbatim
        # (what the original ocppsim sends; see ocpp16/README.md source conflicts). OCPP 2.0.1 (A00,
        # TC_A_01): <id>:<SecurityCtrlr.BasicAuthPassword>, when the charger has one.
        password = config.raw("AuthorizationKey")
        if config.spec(_BASIC_AUTH_PASSWORD) is not None and config.raw(_BASIC_AUTH_PASSWORD):
            password = config.raw(_BASIC_AUTH_PASSWORD)
        token = base64.b64encode(f"{charge_point_id}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {}


def failure_kind(exc: BaseException, description: str) -> str:
    """What a failed connect says about security (Security Whitepaper section 8): "certificate" (the
    CSMS's certificate did not verify: InvalidCentralSystemCertificate), "tls-version" (less than TLS 1.2
    offered: InvalidTLSVersion), "auth" (HTTP 401: FailedToAuthenticateAtCentralSystem), "other"."""
    text = f"{description} {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate"
    if "UNSUPPORTED_PROTOCOL" in text or "PROTOCOL_VERSION" in text or "WRONG_SSL_VERSION" in text:
        return "tls-version"
    if description == "HTTP 401":
        return "auth"
    return "other"
