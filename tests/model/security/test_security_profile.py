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


def test_security_profile_equal_value_is_rejected() -> None:
    """A05.FR.01: a value lower than or equal to the current one is Rejected, and no reconnect."""
    from ocppsim.model.outgoing import Reconnect

    ch = booted()
    assert ch.configuration.change_configuration("SecurityProfile", "0", T0) is ConfigurationStatus.REJECTED
    assert not any(isinstance(e, Reconnect) for e in ch.drain())


def test_authorization_key_change_is_logged_without_its_value() -> None:
    """A01.FR.11 / FR.12: the change is in the security log, the key is not."""
    from ocppsim.model.security_effects import SecurityLogEntry

    key = "0123456789abcdef0123456789abcdef"
    ch = booted()
    ch.configuration.change_configuration("AuthorizationKey", key, T0)
    entries = [e for e in ch.drain() if isinstance(e, SecurityLogEntry)]
    assert [e.event_type for e in entries] == ["ReconfigurationOfSecurityParameters"]
    assert key not in repr(entries)


def test_charge_point_certificate_renewed_a_month_before_it_expires() -> None:
    """A03.FR.02: the charge point starts the renewal itself, once."""
    from ocppsim.model.security.certificates import ChargePointCertificate
    from ocppsim.model.security_effects import MakeCsr

    ch = booted()
    ch.configuration.change_configuration("CpoName", "CPO", T0)
    ch.security.cp_certificate = ChargePointCertificate("PEM", "id", T0 - 86400, T0 + 40 * 86400)
    assert ch.next_deadline() is not None
    ch.tick(T0 + 9 * 86400)
    assert not any(isinstance(e, MakeCsr) for e in ch.drain())
    ch.tick(T0 + 10 * 86400)
    assert MakeCsr("CP", "CPO") in ch.drain()
    ch.tick(T0 + 11 * 86400)
    assert not any(isinstance(e, MakeCsr) for e in ch.drain())
