"""LocalAuthListEnabled = false (OCPP 1.6 section 9.2.1): the Local Authorization List is not in use.
SendLocalList cannot put one into use (Failed, nothing changes), and a list installed while enabled is
neither consulted, nor a reason to keep a tag out of the cache, nor a source of LocalListConflict."""

from __future__ import annotations

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, LocalListChanged, StatusNotificationReq
from ocppsim.model.types import (
    AuthorizationStatus,
    ConfigurationStatus,
    RegistrationStatus,
    UpdateStatus,
    UpdateType,
)

T0 = 1_700_000_000.0
ACCEPTED = IdTagInfo(AuthorizationStatus.ACCEPTED)
BLOCKED = IdTagInfo(AuthorizationStatus.BLOCKED)


def booted() -> Charger:
    ch = Charger(ChargerParams("CP", strict_transitions=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def disable(ch: Charger) -> None:
    assert (
        ch.configuration.change_configuration("LocalAuthListEnabled", "false", T0)
        is ConfigurationStatus.ACCEPTED
    )
    ch.drain()


def test_send_local_list_while_disabled_fails_and_changes_nothing() -> None:
    ch = booted()
    disable(ch)
    status = ch.authorization.send_local_list(3, UpdateType.FULL, [("TAG1", ACCEPTED)])
    assert status is UpdateStatus.FAILED
    assert ch.authorization.get_local_list_version() == 0
    assert ch.authorization.local_list == {}
    assert not [e for e in ch.drain() if isinstance(e, LocalListChanged)]
    # Enabled again, nothing sneaks in: the tag still needs the CSMS.
    ch.configuration.change_configuration("LocalAuthListEnabled", "true", T0)
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    ch.drain()
    ch.ev_inputs.plug_in(1, T0)
    assert isinstance(ch.drain(), list)
    ch.authorization.present_tag(1, "TAG1", T0)
    assert any(isinstance(e, AuthorizeReq) for e in ch.drain())


def test_a_list_installed_while_enabled_is_unused_once_disabled() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    assert ch.authorization.send_local_list(1, UpdateType.FULL, [("TAG1", ACCEPTED)]) is UpdateStatus.ACCEPTED
    disable(ch)
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    # Not pre-authorized from the disabled list: the CSMS is asked.
    ch.authorization.present_tag(1, "TAG1", T0)
    request = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    # The CSMS's different answer is no LocalListConflict (the list is not in use) ...
    ch.authorization.on_authorize_result(request, BLOCKED, T0)
    effects = ch.drain()
    assert not [e for e in effects if isinstance(e, StatusNotificationReq) and e.connector_id == 0]
    # ... and the answer is cached like any other (listed tags stay out of the cache only while listed
    # tags are in use).
    assert ch.authorization.cache["tag1"] == BLOCKED


def test_offline_decisions_ignore_a_disabled_list() -> None:
    ch = booted()
    assert ch.authorization.send_local_list(1, UpdateType.FULL, [("TAG1", ACCEPTED)]) is UpdateStatus.ACCEPTED
    disable(ch)
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG1", T0)
    request = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    outcome = ch.authorization.on_authorize_result(request, None, T0)  # no answer: decide offline
    assert outcome.auth_status is AuthorizationStatus.INVALID
