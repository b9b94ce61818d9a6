"""What each security profile asks of a connection attempt (Security Whitepaper 2, OCPP-J 6.2)."""

from __future__ import annotations

import base64

import pytest

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.runtime.security_profiles import (
    SecurityProfileError,
    basic_auth_headers,
    check_url,
    tls_context,
)


def config_with(profile: int, key: str = "0123456789abcdef") -> Charger:
    charger = Charger(ChargerParams("CP/1"), now=0.0)
    charger.config.store("AuthorizationKey", key)
    charger.config.store("SecurityProfile", str(profile))
    return charger


def test_profile_0_sends_no_credentials_unless_asked() -> None:
    config = config_with(0).config
    assert basic_auth_headers(config, "CP/1", http_auth=False) == {}
    token = base64.b64encode(b"CP/1:0123456789abcdef").decode()
    assert basic_auth_headers(config, "CP/1", http_auth=True) == {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize("profile", [1, 2])
def test_profiles_1_and_2_send_basic_credentials(profile: int) -> None:
    headers = basic_auth_headers(config_with(profile).config, "CP/1", http_auth=False)
    assert headers == {"Authorization": "Basic " + base64.b64encode(b"CP/1:0123456789abcdef").decode()}


def test_tls_profiles_need_wss() -> None:
    check_url(config_with(1).config, "ws://csms/ocpp")
    with pytest.raises(SecurityProfileError, match="wss://"):
        check_url(config_with(2).config, "ws://csms/ocpp")
    check_url(config_with(2).config, "wss://csms/ocpp")


def test_tls_context_only_for_wss_and_at_least_tls_1_2() -> None:
    config = config_with(2).config
    assert tls_context(config, "ws://csms/ocpp", ca_file=None, client_cert=None, client_key=None) is None
    context = tls_context(config, "wss://csms/ocpp", ca_file=None, client_cert=None, client_key=None)
    assert context is not None
    assert context.minimum_version.name == "TLSv1_2" and context.check_hostname
