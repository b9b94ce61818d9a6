"""Transactions (transactions/block.py): start, stop reasons, remote start/stop, unlock."""

from __future__ import annotations

import pytest
from charger_fixtures import ACCEPTED, T0, booted, start_charging, statuses, tag_accepted

from ocppsim.model.charger import Charger, ChargerParams, TagOutcome, TagStep, UnplugOutcome
from ocppsim.model.outgoing import (
    AuthorizeReq,
    IdTagInfo,
    MeterValuesReq,
    StartTransactionReq,
    StopTransactionReq,
)
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ReadingContext,
    Reason,
    RemoteStartStopStatus,
    UnlockStatus,
)
from ocppsim.model.types import ChargePointStatus as S


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


def test_unlock_connector() -> None:
    ch = booted()
    assert ch.transactions.unlock_connector(3, T0) is UnlockStatus.NOT_SUPPORTED
    start_charging(ch)
    ch.drain()
    assert ch.transactions.unlock_connector(1, T0) is UnlockStatus.UNLOCKED
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.UNLOCK_COMMAND


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
