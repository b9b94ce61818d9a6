"""BootNotification, Heartbeat, Reset and the clock offset (core/registration.py), on the Charger."""

from __future__ import annotations

import pytest
from charger_fixtures import T0, booted, start_charging

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import (
    BootNotificationReq,
    ConfigChanged,
    HeartbeatReq,
    Reboot,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.types import ChargePointStatus as S
from ocppsim.model.types import ConfigurationStatus, Reason, RegistrationStatus, ResetType


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


def test_clock_offset_shifts_timestamps_only() -> None:
    ch = booted()
    ch.boot.set_clock_offset(-3600)
    ch.ev_inputs.plug_in(1, T0)
    sn = next(e for e in ch.drain() if isinstance(e, StatusNotificationReq))  # after SettingSystemTime
    assert sn.timestamp == T0 - 3600
