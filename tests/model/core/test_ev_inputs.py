"""Cable and EV actions: plug, unplug, delay, fullafter, max, suspend (core/ev_inputs.py)."""

from __future__ import annotations

import pytest
from charger_fixtures import T0, booted, start_charging, statuses, tag_accepted

from ocppsim.model.charger import Charger, UnplugOutcome
from ocppsim.model.outgoing import StartTransactionReq, StopTransactionReq
from ocppsim.model.types import ChargePointStatus as S
from ocppsim.model.types import ReadingContext, Reason


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
