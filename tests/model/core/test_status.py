"""Status settling (core/status.py): too small an offer gives SuspendedEV, then SuspendedEVSE."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted, start_charging, statuses, tx_default

from ocppsim.model.outgoing import AuthorizeReq
from ocppsim.model.types import ChargePointStatus as S


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
