"""A tag on an Unavailable (section 5.2) or Faulted (4.9) connector starts nothing, and no session is kept
that would start a transaction by itself once the connector is usable again."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted

from ocppsim.model.charger import Fault, TagOutcome
from ocppsim.model.outgoing import AuthorizeReq, StartTransactionReq
from ocppsim.model.types import AvailabilityType, ChargePointErrorCode


def answer(ch: object, outcome: object) -> TagOutcome:
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))  # type: ignore[attr-defined]
    return ch.authorization.on_authorize_result(req, ACCEPTED, T0)  # type: ignore[attr-defined]


def test_a_tag_on_an_inoperative_connector_is_refused_and_forgotten() -> None:
    ch = booted()
    ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    outcome = answer(ch, ch.authorization.present_tag(1, "TAG", T0))
    assert not outcome.accepted and outcome.unusable
    ch.availability.change_availability(1, AvailabilityType.OPERATIVE, T0 + 5)
    assert not [e for e in ch.drain() if isinstance(e, StartTransactionReq)]


def test_a_tag_on_a_faulted_connector_is_refused_and_forgotten() -> None:
    ch = booted()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0)
    ch.drain()
    outcome = answer(ch, ch.authorization.present_tag(1, "TAG", T0))
    assert not outcome.accepted and outcome.unusable
    ch.availability.set_fault(1, None, T0 + 5)
    assert not [e for e in ch.drain() if isinstance(e, StartTransactionReq)]


def test_a_warning_does_not_make_the_connector_unusable() -> None:
    ch = booted()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.WEAK_SIGNAL), T0)
    ch.drain()
    outcome = answer(ch, ch.authorization.present_tag(1, "TAG", T0))
    assert outcome.accepted
    assert [e for e in ch.drain() if isinstance(e, StartTransactionReq)]
