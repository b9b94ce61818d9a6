"""--http off loopback with its token from --http-token or $OCPPSIM_HTTP_TOKEN (what a container does:
compose.yaml binds the fleet's REST API to 0.0.0.0): the token is taken with the address, not refused
before it is applied."""

from __future__ import annotations

import argparse

import pytest

from ocppsim.settings.flags import http_from_flags
from ocppsim.settings.specs import HttpSettings, SettingsError


def test_an_address_off_loopback_with_its_token() -> None:
    args = argparse.Namespace(http="0.0.0.0:8080", http_token="secret")
    assert http_from_flags(args, None) == HttpSettings(host="0.0.0.0", port=8080, token="secret")
    base = HttpSettings(log_size=50)
    assert http_from_flags(args, base) == HttpSettings(host="0.0.0.0", port=8080, token="secret", log_size=50)
    # The token alone changes the [http] of the file.
    assert http_from_flags(argparse.Namespace(http=None, http_token="t"), base) == HttpSettings(
        log_size=50, token="t"
    )
    assert http_from_flags(argparse.Namespace(http=None, http_token="t"), None) is None


def test_without_a_token_it_is_still_refused() -> None:
    with pytest.raises(SettingsError, match="needs a bearer token"):
        http_from_flags(argparse.Namespace(http="0.0.0.0:8080", http_token=None), None)
