"""A05: an upgraded security profile that cannot connect falls back (A05.FR.08); security events of
failed connects once per series (section 8)."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import ConfigChanged, SecurityEventNotificationReq
from ocppsim.model.security_effects import SecurityLogEntry
from ocppsim.model.types import ConfigurationStatus

KEY = "0123456789abcdef0123456789abcdef"


def upgraded() -> Charger:
    ch = booted(has_central_system_root_certificate=True)
    ch.configuration.change_configuration("AuthorizationKey", KEY, T0)
    assert ch.configuration.change_configuration("SecurityProfile", "1", T0) is ConfigurationStatus.ACCEPTED
    ch.security.on_connected(T0 + 1)  # profile 1 proven
    assert ch.configuration.change_configuration("SecurityProfile", "2", T0) is ConfigurationStatus.ACCEPTED
    ch.drain()
    return ch


def test_a_failed_upgrade_falls_back() -> None:
    ch = upgraded()
    ch.security.on_connect_failed("certificate", "CERTIFICATE_VERIFY_FAILED", T0 + 2)
    effects = ch.drain()
    assert ch.config.get_int("SecurityProfile") == 1
    assert ConfigChanged("SecurityProfile", "1") in effects
    pushed = [e.event_type for e in effects if isinstance(e, SecurityEventNotificationReq)]
    logged = [e.event_type for e in effects if isinstance(e, SecurityLogEntry)]
    assert pushed == ["InvalidCentralSystemCertificate"]
    assert logged == ["InvalidCentralSystemCertificate", "ReconfigurationOfSecurityParameters"]
    # The fallback is not undone by the next failure: nothing more to fall back to.
    ch.security.on_connect_failed("certificate", "again", T0 + 3)
    assert ch.config.get_int("SecurityProfile") == 1
    assert ch.drain() == []


def test_a_proven_upgrade_stays() -> None:
    ch = upgraded()
    ch.security.on_connected(T0 + 2)
    ch.security.on_connect_failed("other", "ConnectionRefusedError", T0 + 3)
    assert ch.config.get_int("SecurityProfile") == 2


def test_one_event_per_series_of_failures() -> None:
    ch = booted()
    for _ in range(3):
        ch.security.on_connect_failed("auth", "HTTP 401", T0)
    ch.security.on_connect_failed("other", "refused", T0)
    ch.security.on_connect_failed("auth", "HTTP 401", T0)
    logged = [e.event_type for e in ch.drain() if isinstance(e, SecurityLogEntry)]
    assert logged == ["FailedToAuthenticateAtCentralSystem", "FailedToAuthenticateAtCentralSystem"]
