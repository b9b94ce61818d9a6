"""MinimumStatusDuration (OCPP 1.6 section 9.1): a status is reported only once it has been stable that
long; one that ends sooner is never reported, and the report carries the instant of the change."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.charger import Fault
from ocppsim.model.outgoing import StatusNotificationReq
from ocppsim.model.types import ChargePointErrorCode, ConfigurationStatus, MessageTrigger


def held(seconds: int) -> object:
    ch = booted()
    assert ch.configuration.change_configuration("MinimumStatusDuration", str(seconds), T0) is (
        ConfigurationStatus.ACCEPTED
    )
    ch.drain()
    return ch


def notifications(effects: list[object]) -> list[tuple[int, str, float]]:
    return [
        (e.connector_id, e.status.value, float(e.timestamp))
        for e in effects
        if isinstance(e, StatusNotificationReq)
    ]


def test_a_stable_status_is_reported_once_due_with_the_time_of_the_change() -> None:
    ch = held(5)
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert notifications(ch.drain()) == []  # Preparing is held back
    assert ch.next_deadline() == T0 + 6
    ch.tick(T0 + 6)
    assert notifications(ch.drain()) == [(1, "Preparing", T0 + 1)]
    assert ch.next_deadline() != T0 + 6


def test_a_status_shorter_than_the_minimum_is_never_reported() -> None:
    ch = held(5)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.ev_inputs.unplug(1, T0 + 3)  # Preparing lasted 2 s; back to Available, which the CSMS knows
    ch.tick(T0 + 10)
    assert notifications(ch.drain()) == []


def test_only_the_last_of_quick_changes_is_reported() -> None:
    ch = held(5)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.authorization.present_tag(1, "TAG", T0 + 2)
    ch.drain()
    ch.ev_inputs.unplug(1, T0 + 3)
    ch.ev_inputs.plug_in(1, T0 + 4)
    ch.tick(T0 + 8)
    assert notifications(ch.drain()) == []  # Preparing since T0 + 4: due at T0 + 9
    ch.tick(T0 + 9)
    assert notifications(ch.drain()) == [(1, "Preparing", T0 + 4)]


def test_a_warning_is_reported_at_once_and_a_fault_like_any_status() -> None:
    ch = held(5)
    # A warning changes the errorCode, not the status: nothing to keep stable, reported at once.
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.WEAK_SIGNAL), T0 + 1)
    assert notifications(ch.drain()) == [(1, "Available", T0 + 1)]
    # Faulted is a status like the others (section 9.1 makes no exception): reported once stable.
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.HIGH_TEMPERATURE), T0 + 2)
    assert notifications(ch.drain()) == []
    ch.tick(T0 + 7)
    assert notifications(ch.drain()) == [(1, "Faulted", T0 + 2)]


def test_zero_reports_at_once_and_a_trigger_reports_what_is_held() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert notifications(ch.drain()) == [(1, "Preparing", T0 + 1)]
    ch = held(60)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.remote_trigger.trigger_message(MessageTrigger.STATUS_NOTIFICATION, 1, T0 + 2)
    assert notifications(ch.drain()) == [(1, "Preparing", T0 + 2)]
    ch.tick(T0 + 61)
    assert notifications(ch.drain()) == []  # nothing left held after the trigger reported it
