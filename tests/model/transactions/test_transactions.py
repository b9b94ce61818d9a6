"""Charger behaviour, driven directly with explicit `now` (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from ocppsim.model.charger import Charger, ChargerParams, Fault, TagOutcome, TagStep, UnplugOutcome
from ocppsim.model.outgoing import (
    AuthCacheChanged,
    AuthorizeReq,
    BootNotificationReq,
    ConfigChanged,
    HeartbeatReq,
    IdTagInfo,
    MeterValuesReq,
    Reboot,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    AvailabilityStatus,
    AvailabilityType,
    ChargePointErrorCode,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingProfileStatus,
    ChargingRateUnit,
    ConfigurationStatus,
    MessageTrigger,
    ReadingContext,
    Reason,
    RegistrationStatus,
    RemoteStartStopStatus,
    ResetType,
    Timestamp,
    TriggerMessageStatus,
    UnlockStatus,
)
from ocppsim.model.types import (
    ChargePointStatus as S,
)

T0 = 1_700_000_000.0
ACCEPTED = IdTagInfo(AuthorizationStatus.ACCEPTED)


def booted(**params: Any) -> Charger:
    ch = Charger(ChargerParams("CP", strict_transitions=True, **params), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def statuses(effects: list[Any], connector: int = 1) -> list[str]:
    return [
        e.status.value
        for e in effects
        if isinstance(e, StatusNotificationReq) and e.connector_id == connector
    ]


def start_charging(ch: Charger, now: float = T0, tag: str = "TAG") -> int:
    ch.ev_inputs.plug_in(1, now)
    step = ch.authorization.present_tag(1, tag, now)
    assert step is TagStep.AUTHORIZING
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    outcome = ch.authorization.on_authorize_result(req, ACCEPTED, now)
    assert outcome.accepted
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(start.tx_ref, 42, ACCEPTED, now)
    return start.tx_ref


def tag_accepted(ch: Charger, now: float = T0) -> list[Any]:
    """Plug in, present TAG, answer Authorize Accepted; the effects that followed."""
    ch.ev_inputs.plug_in(1, now)
    ch.authorization.present_tag(1, "TAG", now)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    ch.authorization.on_authorize_result(req, ACCEPTED, now)
    return ch.drain()


def tx_default(limit: float, *, pid: int = 1, stack: int = 0, connector: int = 0) -> ChargingProfile:
    return ChargingProfile(
        id=pid,
        connector_id=connector,
        stack_level=stack,
        purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
        kind=ChargingProfileKind.ABSOLUTE,
        schedule=ChargingSchedule(
            ChargingRateUnit.AMPS, (SchedulePeriod(0, limit),), start_schedule=Timestamp(0)
        ),
    )


def test_boot_accepted_reports_every_connector() -> None:
    ch = Charger(ChargerParams("CP", number_of_connectors=2), now=T0)
    ch.boot.on_connected(T0)
    assert [type(e) for e in ch.drain()] == [BootNotificationReq]
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 120, T0)
    effects = ch.drain()
    assert [(e.connector_id, e.status) for e in effects if isinstance(e, StatusNotificationReq)] == [
        (0, S.AVAILABLE),
        (1, S.AVAILABLE),
        (2, S.AVAILABLE),
    ]
    assert ch.config.get_int("HeartbeatInterval") == 120
    assert ch.next_deadline() == T0 + 120


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REJECTED])
def test_boot_not_accepted_retries_after_interval(status: RegistrationStatus) -> None:
    ch = Charger(ChargerParams("CP"), now=T0)
    ch.boot.on_connected(T0)
    ch.drain()
    ch.boot.on_boot_result(status, 30, T0)
    assert ch.drain() == []
    assert ch.next_deadline() == T0 + 30
    ch.tick(T0 + 30)
    assert [type(e) for e in ch.drain()] == [BootNotificationReq]
    assert ch.view(1, T0 + 30).status is None  # `status` shows None before the first accepted boot


def test_heartbeat_interval_and_live_change() -> None:
    ch = booted()
    ch.tick(T0 + 300)
    assert [type(e) for e in ch.drain()] == [HeartbeatReq]
    assert (
        ch.configuration.change_configuration("HeartbeatInterval", "10", T0 + 301)
        is ConfigurationStatus.ACCEPTED
    )
    assert ch.drain() == [ConfigChanged("HeartbeatInterval", "10")]
    assert ch.next_deadline() == T0 + 311  # applies at once


def test_plug_then_tag_charges_and_meters() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    assert statuses(ch.drain()) == ["Preparing"]
    ch.authorization.present_tag(1, "TAG", T0)
    req = ch.drain()[0]
    assert req == AuthorizeReq("TAG", 1)
    outcome = ch.authorization.on_authorize_result(
        req, IdTagInfo(AuthorizationStatus.ACCEPTED, "PARENT"), T0 + 1
    )
    assert outcome == TagOutcome(True, AuthorizationStatus.ACCEPTED, "PARENT", S.CHARGING)
    effects = ch.drain()
    assert [type(e).__name__ for e in effects] == [
        "AuthCacheChanged",  # the answer goes into the Authorization Cache (persisted)
        "StartTransactionReq",
        "StatusNotificationReq",
        "MeterValuesReq",
    ]
    start = effects[1]
    assert isinstance(start, StartTransactionReq)
    assert (start.connector_id, start.id_tag, start.meter_start) == (1, "TAG", 0)
    # 32 A x 230 V x 3 phases = 22080 W; after 60 s: 368 Wh
    ch.tick(T0 + 61)
    periodic = [e for e in ch.drain() if isinstance(e, MeterValuesReq)]
    assert len(periodic) == 1
    assert periodic[0].context is ReadingContext.SAMPLE_PERIODIC
    view = ch.view(1, T0 + 61)
    assert view.energy == pytest.approx(368.0)
    assert view.usage == 32.0


def test_tag_rejected_leaves_connector_preparing() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    ch.authorization.present_tag(1, "BAD", T0)
    req = ch.drain()[0]
    assert isinstance(req, AuthorizeReq)
    outcome = ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.BLOCKED), T0)
    assert not outcome.accepted
    assert outcome.auth_status is AuthorizationStatus.BLOCKED
    # cached as refused
    assert ch.drain() == [AuthCacheChanged("bad", IdTagInfo(AuthorizationStatus.BLOCKED))]
    assert ch.view(1, T0).status is S.PREPARING


def test_free_vend_skips_authorize() -> None:
    ch = booted()
    ch.configuration.change_configuration("OCPPAuthorizationEnabled", "false", T0)
    ch.drain()
    outcome = ch.authorization.present_tag(1, "ANY", T0)
    assert isinstance(outcome, TagOutcome)
    assert outcome.status is S.CHARGING
    assert not any(isinstance(e, AuthorizeReq) for e in ch.drain())


def test_offer_below_min_to_start_suspends_then_resumes() -> None:
    ch = booted(min_to_start_a=6.0)
    start_charging(ch)
    ch.drain()
    ch.smart_charging.set_charging_profile(0, tx_default(5.0), T0 + 10)
    assert statuses(ch.drain()) == ["SuspendedEV", "SuspendedEVSE"]
    assert ch.view(1, T0 + 10).usage == 0.0
    ch.smart_charging.set_charging_profile(0, tx_default(10.0), T0 + 20)
    assert statuses(ch.drain()) == ["Charging"]
    assert ch.view(1, T0 + 20).usage == 10.0


def test_default_profiles_offer_zero_and_tag_gives_suspended_evse() -> None:
    ch = booted(default_profiles=True)
    assert ch.view(1, T0).offer == 0.0
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    outcome = ch.authorization.on_authorize_result(req, ACCEPTED, T0)
    assert outcome.status is S.SUSPENDED_EVSE
    assert statuses(ch.drain()) == ["SuspendedEV", "SuspendedEVSE"]


def delayed_without_transaction() -> Charger:
    """`delay` + `delay_notrans`, then plug and an accepted tag: the EV waits, no transaction yet."""
    ch = booted()
    ch.ev_inputs.set_delay(1, True, T0)
    ch.ev_inputs.set_delay_notrans(1, True, T0)
    effects = tag_accepted(ch)
    assert ch.view(1, T0).status is S.SUSPENDED_EV
    assert not any(isinstance(e, StartTransactionReq) for e in effects)
    return ch


def test_delay_notrans_holds_the_transaction_until_nodelay() -> None:
    ch = delayed_without_transaction()
    assert ch.ev_inputs.set_delay(1, False, T0 + 5) is S.CHARGING
    assert any(isinstance(e, StartTransactionReq) for e in ch.drain())


def test_unplug_without_transaction_in_suspended_goes_available() -> None:
    ch = delayed_without_transaction()
    assert ch.ev_inputs.unplug(1, T0 + 1) is UnplugOutcome.AVAILABLE
    assert statuses(ch.drain()) == ["Available"]
    assert not ch.view(1, T0 + 1).delay  # unplug always clears the delay


def test_tag_in_transaction_stops_with_reason_local() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    assert ch.authorization.present_tag(1, "TAG", T0 + 100) is TagStep.STOPPING
    effects = ch.drain()
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.LOCAL
    assert stop.meter_stop == int(22080 * 100 / 3600)
    assert statuses(effects) == ["Finishing"]
    assert ch.ev_inputs.unplug(1, T0 + 101) is UnplugOutcome.AVAILABLE


def test_unplug_in_transaction_stops_ev_disconnected() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    assert ch.ev_inputs.unplug(1, T0 + 60) is UnplugOutcome.STOPPED
    effects = ch.drain()
    assert statuses(effects) == ["SuspendedEV", "Finishing", "Available"]
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.EV_DISCONNECTED
    contexts = [mv.sampled_value[0].context for mv in stop.transaction_data]
    assert contexts[0] is ReadingContext.TRANSACTION_BEGIN
    assert contexts[-1] is ReadingContext.TRANSACTION_END
    assert ch.view(1, T0 + 60).energy == 0  # unplug clears the session energy


def test_ev_side_disconnect_keeps_transaction_when_configured() -> None:
    ch = booted()
    ch.configuration.change_configuration("StopTransactionOnEVSideDisconnect", "false", T0)
    start_charging(ch)
    ch.drain()
    assert ch.ev_inputs.unplug(1, T0 + 5) is UnplugOutcome.EV_SIDE_SUSPENDED
    assert statuses(ch.drain()) == ["SuspendedEV"]
    assert ch.view(1, T0 + 5).transaction_id == 42


def test_energy_register_is_monotonic_across_sessions() -> None:
    ch = booted()
    start_charging(ch)
    ch.ev_inputs.unplug(1, T0 + 3600)
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert stop.meter_stop == 22080
    ch.ev_inputs.plug_in(1, T0 + 4000)
    ch.authorization.present_tag(1, "TAG", T0 + 4000)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    ch.authorization.on_authorize_result(req, ACCEPTED, T0 + 4000)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    assert start.meter_start == 22080  # the register, not a per-session counter (errata 3.9)


def test_soc_reaching_100_goes_suspended_ev_at_the_exact_instant() -> None:
    ch = booted(ev_capacity_wh=22080.0, ev_initial_soc=50.0)
    ch.configuration.change_configuration("MeterValueSampleInterval", "0", T0)
    start_charging(ch)
    ch.drain()
    # Walk the deadlines (heartbeats come in between) until the EV stops drawing.
    while True:
        deadline = ch.next_deadline()
        assert deadline is not None
        assert deadline <= T0 + 1800 + 1e-6
        ch.tick(deadline)
        if "SuspendedEV" in statuses(ch.drain()):
            break
    assert deadline == pytest.approx(T0 + 1800, abs=1e-6)  # half of 22080 Wh at 22080 W
    assert ch.view(1, deadline).soc == 100.0


def test_fullafter_suspends_when_session_energy_reached() -> None:
    ch = booted()
    ch.configuration.change_configuration("MeterValueSampleInterval", "0", T0)
    start_charging(ch)
    ch.ev_inputs.set_full_after(1, 1000.0, T0)
    ch.drain()
    nxt = ch.next_deadline()
    assert nxt == pytest.approx(T0 + 1000 * 3600 / 22080, abs=1e-6)
    assert nxt is not None
    ch.tick(nxt)
    assert statuses(ch.drain()) == ["SuspendedEV"]
    assert ch.view(1, nxt).delay


def test_max_caps_usage_not_offer() -> None:
    ch = booted()
    start_charging(ch)
    ch.ev_inputs.set_max_usage(1, 10.0, T0)
    view = ch.view(1, T0)
    assert (view.offer, view.usage, view.max_usage) == (32.0, 10.0, 10.0)


def test_suspend_needs_a_transaction() -> None:
    ch = booted()
    assert not ch.ev_inputs.suspend_ev(1, T0)
    start_charging(ch)
    assert ch.ev_inputs.suspend_ev(1, T0)
    assert ch.ev_inputs.resume_ev(1, T0) is S.CHARGING


def test_remote_start_authorizes_then_waits_for_plug() -> None:
    ch = booted()
    assert ch.transactions.remote_start("RT", None, None, T0) is RemoteStartStopStatus.ACCEPTED
    effects = ch.drain()
    assert statuses(effects) == ["Preparing"]
    req = effects[-1]
    assert req == AuthorizeReq("RT", 1, remote=True)
    ch.authorization.on_authorize_result(req, ACCEPTED, T0)
    assert not any(isinstance(e, StartTransactionReq) for e in ch.drain())
    ch.ev_inputs.plug_in(1, T0 + 5)
    assert any(isinstance(e, StartTransactionReq) for e in ch.drain())
    assert ch.transactions.remote_start("RT2", 1, None, T0 + 6) is RemoteStartStopStatus.REJECTED  # busy


def test_remote_start_times_out_without_plug() -> None:
    ch = booted()
    ch.configuration.change_configuration("AuthorizeRemoteTxRequests", "false", T0)
    ch.transactions.remote_start("RT", 1, None, T0)
    ch.drain()
    assert ch.next_deadline() == T0 + 60  # ConnectionTimeOut
    ch.tick(T0 + 60)
    assert statuses(ch.drain()) == ["Available"]


def test_remote_start_before_boot_is_rejected() -> None:
    ch = Charger(ChargerParams("CP"), now=T0)
    assert ch.transactions.remote_start("RT", 1, None, T0) is RemoteStartStopStatus.REJECTED


def test_remote_start_with_profile_installs_tx_profile() -> None:
    ch = booted()
    ch.configuration.change_configuration("AuthorizeRemoteTxRequests", "false", T0)
    profile = ChargingProfile(
        id=7,
        connector_id=0,
        stack_level=0,
        purpose=ChargingProfilePurpose.TX_PROFILE,
        kind=ChargingProfileKind.RELATIVE,
        schedule=ChargingSchedule(
            ChargingRateUnit.AMPS, (SchedulePeriod(0, 10.0), SchedulePeriod(600, 20.0))
        ),
    )
    ch.ev_inputs.plug_in(1, T0)
    assert ch.transactions.remote_start("RT", 1, profile, T0) is RemoteStartStopStatus.ACCEPTED
    assert ch.view(1, T0).offer == 10.0
    assert ch.next_deadline() == T0 + 60  # the first meter sample comes before the 600 s boundary
    assert ch.smart_charging.limit_amps_at(1, T0 + 600) == 20.0


def test_remote_stop_known_and_unknown() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    assert ch.transactions.remote_stop(99, T0) is RemoteStartStopStatus.REJECTED
    assert ch.transactions.remote_stop(42, T0) is RemoteStartStopStatus.ACCEPTED
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.REMOTE


def test_change_availability_scheduled_during_transaction() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    assert (
        ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
        is AvailabilityStatus.SCHEDULED
    )
    assert ch.view(1, T0).status is S.CHARGING
    ch.authorization.present_tag(1, "TAG", T0 + 10)
    assert statuses(ch.drain()) == ["Finishing"]
    ch.ev_inputs.unplug(1, T0 + 20)
    assert statuses(ch.drain()) == ["Unavailable"]
    assert (
        ch.availability.change_availability(1, AvailabilityType.OPERATIVE, T0 + 30)
        is AvailabilityStatus.ACCEPTED
    )
    assert statuses(ch.drain()) == ["Available"]
    assert (
        ch.availability.change_availability(5, AvailabilityType.OPERATIVE, T0) is AvailabilityStatus.REJECTED
    )


def test_change_availability_connector_zero() -> None:
    ch = booted(number_of_connectors=2)
    assert (
        ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
        is AvailabilityStatus.ACCEPTED
    )
    effects = ch.drain()
    assert [(e.connector_id, e.status.value) for e in effects if isinstance(e, StatusNotificationReq)] == [
        (0, "Unavailable"),
        (1, "Unavailable"),
        (2, "Unavailable"),
    ]


@pytest.mark.parametrize(
    ("kind", "reason"), [(ResetType.SOFT, Reason.SOFT_RESET), (ResetType.HARD, Reason.HARD_RESET)]
)
def test_reset_stops_transactions_and_reboots(kind: ResetType, reason: Reason) -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    ch.boot.reset(kind, T0)
    effects = ch.drain()
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert stop.reason is reason
    assert effects[-1] == Reboot(kind)


def test_unlock_connector() -> None:
    ch = booted()
    assert ch.transactions.unlock_connector(3, T0) is UnlockStatus.NOT_SUPPORTED
    start_charging(ch)
    ch.drain()
    assert ch.transactions.unlock_connector(1, T0) is UnlockStatus.UNLOCKED
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.UNLOCK_COMMAND


def test_trigger_messages() -> None:
    ch = booted(number_of_connectors=2)
    t = ch.remote_trigger.trigger_message
    assert t(MessageTrigger.BOOT_NOTIFICATION, None, T0) is TriggerMessageStatus.REJECTED  # already Accepted
    assert t(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.NOT_IMPLEMENTED
    assert t(MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.NOT_IMPLEMENTED
    assert t(MessageTrigger.STATUS_NOTIFICATION, 7, T0) is TriggerMessageStatus.REJECTED
    assert ch.drain() == []
    assert t(MessageTrigger.HEARTBEAT, None, T0) is TriggerMessageStatus.ACCEPTED
    assert ch.drain() == [HeartbeatReq()]
    assert t(MessageTrigger.STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.ACCEPTED
    assert len(ch.drain()) == 3
    assert t(MessageTrigger.STATUS_NOTIFICATION, 0, T0) is TriggerMessageStatus.ACCEPTED
    assert [e.connector_id for e in ch.drain() if isinstance(e, StatusNotificationReq)] == [0]
    assert t(MessageTrigger.METER_VALUES, 2, T0) is TriggerMessageStatus.ACCEPTED
    mv = ch.drain()
    assert len(mv) == 1
    assert isinstance(mv[0], MeterValuesReq)
    assert mv[0].context is ReadingContext.TRIGGER
    assert not mv[0].transaction_related


def test_start_transaction_invalid_stops_deauthorized() -> None:
    ch = booted()
    start = next(e for e in tag_accepted(ch) if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(
        start.tx_ref, 5, IdTagInfo(AuthorizationStatus.INVALID), T0 + 1
    )
    effects = ch.drain()
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.DE_AUTHORIZED
    assert statuses(effects) == ["Finishing"]


def test_start_transaction_invalid_only_suspends_when_configured() -> None:
    ch = booted()
    ch.configuration.change_configuration("StopTransactionOnInvalidId", "false", T0)
    start = next(e for e in tag_accepted(ch) if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(
        start.tx_ref, 5, IdTagInfo(AuthorizationStatus.INVALID), T0 + 1
    )
    assert statuses(ch.drain()) == ["SuspendedEVSE"]


def test_offline_authorization_uses_cache_and_unknown_id_rule() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "NEW", T0)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    assert ch.authorization.on_authorize_result(req, None, T0).auth_status is AuthorizationStatus.INVALID
    ch.configuration.change_configuration("AllowOfflineTxForUnknownId", "true", T0)
    assert ch.authorization.on_authorize_result(req, None, T0).accepted
    # A cached Blocked tag stays refused offline, even with AllowOfflineTxForUnknownId.
    ch.authorization.cache["blocked"] = IdTagInfo(AuthorizationStatus.BLOCKED)
    assert not ch.authorization.on_authorize_result(AuthorizeReq("BLOCKED", 1), None, T0).accepted


def test_set_charging_profile_rules() -> None:
    ch = booted()
    cp_max_on_1 = ChargingProfile(
        1,
        1,
        0,
        ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
        ChargingProfileKind.ABSOLUTE,
        tx_default(1).schedule,
    )
    assert ch.smart_charging.set_charging_profile(1, cp_max_on_1, T0) is ChargingProfileStatus.REJECTED
    too_high = tx_default(10, stack=9)
    assert ch.smart_charging.set_charging_profile(0, too_high, T0) is ChargingProfileStatus.REJECTED
    tx = ChargingProfile(
        3, 1, 0, ChargingProfilePurpose.TX_PROFILE, ChargingProfileKind.RELATIVE, tx_default(1).schedule
    )
    assert (
        ch.smart_charging.set_charging_profile(1, tx, T0) is ChargingProfileStatus.REJECTED
    )  # no transaction
    assert ch.smart_charging.set_charging_profile(0, tx_default(16), T0) is ChargingProfileStatus.ACCEPTED
    assert ch.view(1, T0).offer == 16.0


def test_fault_injection_and_recovery() -> None:
    ch = booted()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE, "RCD"), T0)
    effects = ch.drain()
    assert [
        (e.status.value, e.error_code.value, e.info) for e in effects if isinstance(e, StatusNotificationReq)
    ] == [("Faulted", "GroundFailure", "RCD")]
    ch.availability.set_fault(1, None, T0 + 1)
    assert statuses(ch.drain()) == ["Available"]


def test_clock_offset_shifts_timestamps_only() -> None:
    ch = booted()
    ch.boot.set_clock_offset(-3600)
    ch.ev_inputs.plug_in(1, T0)
    sn = ch.drain()[0]
    assert isinstance(sn, StatusNotificationReq)
    assert sn.timestamp == T0 - 3600


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
