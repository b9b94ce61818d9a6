"""model/hardware.py: the switches a test turns on (issue 17 item 7), driven through the model with an
explicit `now`: feature profiles (3.3, 5.10, 5.13, 5.15), a fixed cable and a failing lock (5.18, 7.46,
errata 3.85; 4.9, 7.6)."""

from __future__ import annotations

import pytest

from model.charger_fixtures import T0, booted, start_charging, statuses, tag_accepted
from ocppsim.model.hardware import (
    ALL_PROFILES,
    ProfileError,
    parse_profiles,
    set_fixed_cable,
    set_profiles,
    supports,
)
from ocppsim.model.outgoing import (
    IdTagInfo,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargePointErrorCode,
    MessageTrigger,
    ReservationStatus,
    TriggerMessageStatus,
    UnlockStatus,
    UpdateStatus,
    UpdateType,
)


def test_parse_profiles_keeps_the_keys_order_and_requires_core() -> None:
    assert parse_profiles("reservation, CORE") == ("Core", "Reservation")
    assert parse_profiles(list(ALL_PROFILES)) == ALL_PROFILES
    with pytest.raises(ProfileError, match="Core"):
        parse_profiles("SmartCharging")
    with pytest.raises(ProfileError, match="unknown"):
        parse_profiles("Core,Billing")


def test_every_profile_by_default_and_the_params_choose_the_set() -> None:
    ch = booted()
    assert all(supports(ch.config, p) for p in ALL_PROFILES)
    ch = booted(feature_profiles=("Core", "SmartCharging"))
    assert ch.config.raw("SupportedFeatureProfiles") == "Core,SmartCharging"
    assert not supports(ch.config, "Reservation")


def test_without_local_auth_list_management() -> None:
    ch = booted()
    set_profiles(ch.config, ("Core",))
    assert ch.authorization.get_local_list_version() == -1
    status = ch.authorization.send_local_list(1, UpdateType.FULL, [])
    assert status is UpdateStatus.NOT_SUPPORTED
    set_profiles(ch.config, ALL_PROFILES)
    assert ch.authorization.get_local_list_version() == 0  # nothing was stored meanwhile


def test_without_reservation_reserve_now_is_rejected() -> None:
    ch = booted(feature_profiles=("Core",))
    status = ch.reservation.reserve_now(1, T0 + 600, "TAG", 1, T0)
    assert status is ReservationStatus.REJECTED
    assert ch.drain() == []


def test_fixed_cable_has_no_lock_to_unlock() -> None:
    ch = booted(fixed_cable=True)
    start_charging(ch)
    assert ch.transactions.unlock_connector(1, T0 + 10) is UnlockStatus.NOT_SUPPORTED
    assert not any(isinstance(e, StopTransactionReq) for e in ch.drain())
    assert ch.view(1, T0 + 10).transaction_id == 42


def test_failing_lock_unlock_failed_after_the_transaction_ends() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    ch.state.hardware.lock_fails = True
    assert ch.transactions.unlock_connector(1, T0 + 10) is UnlockStatus.UNLOCK_FAILED
    (stop,) = [e for e in ch.drain() if isinstance(e, StopTransactionReq)]
    assert stop.reason.value == "UnlockCommand"
    assert ch.transactions.unlock_connector(9, T0) is UnlockStatus.NOT_SUPPORTED  # unknown connector


def test_failing_lock_at_start_faults_the_connector_and_nothing_starts() -> None:
    ch = booted(lock_fails=True)
    effects = tag_accepted(ch)
    assert not any(isinstance(e, StartTransactionReq) for e in effects)
    assert statuses(effects) == ["Faulted"]
    fault = [e for e in effects if isinstance(e, StatusNotificationReq)][-1]
    assert fault.error_code is ChargePointErrorCode.CONNECTOR_LOCK_FAILURE
    # The attempt ended: clearing the fault does not start a transaction by itself.
    ch.state.hardware.lock_fails = False
    assert ch.availability.set_fault(1, None, T0 + 5).value == "Preparing"
    assert not any(isinstance(e, StartTransactionReq) for e in ch.drain())


def test_a_fixed_cable_has_no_lock_to_fail() -> None:
    ch = booted(lock_fails=True, fixed_cable=True)
    effects = tag_accepted(ch)
    assert any(isinstance(e, StartTransactionReq) for e in effects)


def test_fixed_cable_pins_unlock_on_ev_side_disconnect_false() -> None:
    ch = booted(fixed_cable=True)
    (key,), _ = ch.config.report(["UnlockConnectorOnEVSideDisconnect"])
    assert (key.value, key.readonly) == ("false", True)  # errata 3.83
    status = ch.configuration.change_configuration("UnlockConnectorOnEVSideDisconnect", "true", T0)
    assert status.value == "Rejected"
    # After an EV-side stop nothing stays locked: the connector is free again.
    start_charging(ch)
    ch.ev_inputs.unplug(1, T0 + 60)
    assert ch.connector_status(1).value == "Available"
    set_fixed_cable(ch.state.hardware, ch.config, False)
    status = ch.configuration.change_configuration("UnlockConnectorOnEVSideDisconnect", "true", T0)
    assert status.value == "Accepted"


def test_without_firmware_management_its_notifications_are_not_implemented() -> None:
    ch = booted(feature_profiles=("Core", "RemoteTrigger"))
    for message in (
        MessageTrigger.FIRMWARE_STATUS_NOTIFICATION,
        MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION,
    ):
        status = ch.remote_trigger.trigger_message(message, None, T0)
        assert status is TriggerMessageStatus.NOT_IMPLEMENTED  # 5.17
    assert ch.drain() == []
    status = ch.remote_trigger.trigger_message(MessageTrigger.HEARTBEAT, None, T0)
    assert status is TriggerMessageStatus.ACCEPTED


def test_a_list_kept_from_before_is_not_consulted_without_the_profile() -> None:
    ch = booted()
    listed = IdTagInfo(AuthorizationStatus.ACCEPTED)
    assert ch.authorization.send_local_list(1, UpdateType.FULL, [("LISTED", listed)]).value == "Accepted"
    assert ch.authorization.lists.known("LISTED") == listed
    set_profiles(ch.config, ("Core",))
    assert ch.authorization.lists.known("LISTED") is None
