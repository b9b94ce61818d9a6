"""Random input sequences: every status change stays inside the OCPP 1.6 transition table (strict mode
raises otherwise), the register never goes backwards, and the status always matches the facts."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ocppsim.model.charger import Charger, ChargerParams, Fault
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, Request, StartTransactionReq
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    AvailabilityType,
    ChargePointErrorCode,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RegistrationStatus,
    ResetType,
    Timestamp,
)
from ocppsim.model.types import (
    ChargePointStatus as S,
)

T0 = 1_700_000_000.0

ACTIONS = st.one_of(
    st.tuples(st.just("plug"), st.integers(1, 2)),
    st.tuples(st.just("unplug"), st.integers(1, 2)),
    st.tuples(st.just("tag"), st.integers(1, 2)),
    st.tuples(st.just("answer"), st.sampled_from(["Accepted", "Invalid", None])),
    st.tuples(st.just("start_ok"), st.sampled_from(["Accepted", "Invalid"])),
    st.tuples(st.just("suspend"), st.integers(1, 2)),
    st.tuples(st.just("resume"), st.integers(1, 2)),
    st.tuples(st.just("delay"), st.booleans()),
    st.tuples(st.just("delay_notrans"), st.booleans()),
    st.tuples(st.just("limit"), st.sampled_from([0.0, 3.0, 6.0, 16.0, 40.0])),
    st.tuples(st.just("clear"), st.none()),
    st.tuples(st.just("availability"), st.tuples(st.integers(0, 2), st.booleans())),
    st.tuples(st.just("remote_start"), st.sampled_from([None, 1, 2])),
    st.tuples(st.just("remote_stop"), st.integers(1, 5)),
    st.tuples(st.just("fault"), st.tuples(st.integers(1, 2), st.booleans())),
    st.tuples(st.just("tick"), st.floats(0.5, 4000)),
    st.tuples(st.just("reset"), st.sampled_from(list(ResetType))),
    st.tuples(st.just("max"), st.sampled_from([None, 0.0, 8.0])),
)


def profile(limit: float) -> ChargingProfile:
    return ChargingProfile(
        id=1,
        connector_id=0,
        stack_level=0,
        purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
        kind=ChargingProfileKind.ABSOLUTE,
        schedule=ChargingSchedule(
            ChargingRateUnit.AMPS, (SchedulePeriod(0, limit),), start_schedule=Timestamp(0)
        ),
    )


class Driver:
    def __init__(self) -> None:
        self.ch = Charger(
            ChargerParams("CP", number_of_connectors=2, strict_transitions=True, ev_capacity_wh=5000.0),
            now=T0,
        )
        self.now = T0
        self.pending: list[Request] = []
        self.tx_counter = 100
        self.boot()

    def boot(self) -> None:
        self.ch.boot.on_connected(self.now)
        self.ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, self.now)
        self.collect()

    def collect(self) -> None:
        self.pending.extend(e for e in self.ch.drain() if isinstance(e, Request))

    def step(self, name: str, arg: Any) -> None:
        ch, now = self.ch, self.now
        if name == "plug":
            ch.ev_inputs.plug_in(arg, now)
        elif name == "unplug":
            ch.ev_inputs.unplug(arg, now)
        elif name == "tag":
            ch.authorization.present_tag(arg, "TAG", now)
        elif name == "answer":
            auths = [r for r in self.pending if isinstance(r, AuthorizeReq)]
            if auths:
                self.pending.remove(auths[0])
                info = IdTagInfo(AuthorizationStatus(arg)) if arg else None
                ch.authorization.on_authorize_result(auths[0], info, now)
        elif name == "start_ok":
            starts = [r for r in self.pending if isinstance(r, StartTransactionReq)]
            if starts:
                self.pending.remove(starts[0])
                self.tx_counter += 1
                ch.transactions.on_start_transaction_result(
                    starts[0].tx_ref, self.tx_counter % 5 + 1, IdTagInfo(AuthorizationStatus(arg)), now
                )
        elif name == "suspend":
            ch.ev_inputs.suspend_ev(arg, now)
        elif name == "resume":
            ch.ev_inputs.resume_ev(arg, now)
        elif name == "delay":
            ch.ev_inputs.set_delay(1, arg, now)
        elif name == "delay_notrans":
            ch.ev_inputs.set_delay_notrans(1, arg, now)
        elif name == "limit":
            ch.smart_charging.set_charging_profile(0, profile(arg), now)
        elif name == "clear":
            ch.smart_charging.clear_charging_profile(
                profile_id=None, connector_id=None, purpose=None, stack_level=None, now=now
            )
        elif name == "availability":
            connector, operative = arg
            kind = AvailabilityType.OPERATIVE if operative else AvailabilityType.INOPERATIVE
            ch.availability.change_availability(connector, kind, now)
        elif name == "remote_start":
            ch.transactions.remote_start("REMOTE", arg, None, now)
        elif name == "remote_stop":
            ch.transactions.remote_stop(arg, now)
        elif name == "fault":
            connector, on = arg
            ch.availability.set_fault(
                connector, Fault(ChargePointErrorCode.GROUND_FAILURE) if on else None, now
            )
        elif name == "tick":
            target = now + arg
            ticks = 0
            while (deadline := ch.next_deadline()) is not None and deadline <= target:
                # A deadline that does not move forward would be a busy timer loop in the runtime.
                ticks += 1
                assert ticks < 10_000, f"deadline stuck at {deadline} (now {self.now})"
                self.now = max(self.now, deadline)
                ch.tick(self.now)
                self.collect()
            self.now = target
            ch.tick(self.now)
        elif name == "reset":
            ch.boot.reset(arg, now)
            ch.boot.on_disconnected(now)
            ch.boot.on_reboot(now)
            self.pending.clear()
            self.boot()
        elif name == "max":
            ch.ev_inputs.set_max_usage(1, arg, now)
        self.collect()


@settings(max_examples=int(os.environ.get("OCPPSIM_PROPERTY_EXAMPLES", "300")), deadline=None)
@given(st.lists(ACTIONS, max_size=40))
def test_random_sequences_respect_the_spec(actions: list[tuple[str, Any]]) -> None:
    d = Driver()
    registers = d.ch.metering.meter_registers()
    for name, arg in actions:
        d.step(name, arg)
        assert d.ch.illegal_transitions == []
        now_registers = d.ch.metering.meter_registers()
        assert all(now_registers[c] >= registers[c] for c in registers)
        registers = now_registers
        # the count a fleet reads instead of every connector's status
        assert d.ch.charging_connectors == sum(d.ch.connector_status(c) is S.CHARGING for c in (1, 2))
        for c in (1, 2):
            view = d.ch.view(c, d.now)
            status = view.status
            assert 0 <= view.offer <= d.ch.params.max_offer_a
            if status is S.CHARGING:
                assert view.offer >= d.ch.params.min_to_start_a
                assert view.plugged
            if status is S.AVAILABLE:
                assert not view.plugged
            if view.usage > 0:
                assert status is S.CHARGING
