"""Shared by the model's per-block tests: a Charger driven directly with explicit `now` (no I/O), booted and
ready, and the steps most of them start from."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger, ChargerParams, TagStep
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, StartTransactionReq, StatusNotificationReq
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RegistrationStatus,
    Timestamp,
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
