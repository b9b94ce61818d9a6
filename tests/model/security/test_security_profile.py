"""Changing SecurityProfile (security/block.py), on the Charger."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.types import ConfigurationStatus


def test_security_profile_change_rules() -> None:
    from ocppsim.model.outgoing import Reconnect

    key = "0123456789abcdef0123456789abcdef"
    ch = booted()
    assert (
        ch.configuration.change_configuration("SecurityProfile", "1", T0) is ConfigurationStatus.REJECTED
    )  # no key yet
    assert ch.configuration.change_configuration("AuthorizationKey", key, T0) is ConfigurationStatus.ACCEPTED
    assert Reconnect() in ch.drain()  # new credentials: reconnect with them
    assert (
        ch.configuration.change_configuration("SecurityProfile", "2", T0) is ConfigurationStatus.REJECTED
    )  # no CA
    assert ch.configuration.change_configuration("SecurityProfile", "1", T0) is ConfigurationStatus.ACCEPTED
    assert Reconnect() in ch.drain()
    assert (
        ch.configuration.change_configuration("SecurityProfile", "0", T0) is ConfigurationStatus.REJECTED
    )  # never lowered
    with_ca = booted(has_central_system_root_certificate=True)
    with_ca.configuration.change_configuration("AuthorizationKey", key, T0)
    assert (
        with_ca.configuration.change_configuration("SecurityProfile", "2", T0) is ConfigurationStatus.ACCEPTED
    )
    assert (
        with_ca.configuration.change_configuration("SecurityProfile", "3", T0) is ConfigurationStatus.REJECTED
    )  # no cert
    assert (
        with_ca.configuration.change_configuration("SecurityProfile", "4", T0) is ConfigurationStatus.REJECTED
    )
