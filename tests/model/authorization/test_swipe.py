"""The spec-faithful badge swipe (authorization.swipe): a tag before the cable waits ConnectionTimeOut for
it (sections 9.1, 4.9 B1); during a transaction the same tag stops it (4.10, reason Local), another tag
only when its parentIdTag matches the transaction's (3.10, OCTT TC_068 / TC_069)."""

from __future__ import annotations

from typing import Any

from charger_fixtures import ACCEPTED, T0, booted, statuses

from ocppsim.model.charger import Charger, Fault, TagOutcome, TagStep
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, StartTransactionReq, StopTransactionReq
from ocppsim.model.types import AuthorizationStatus, ChargePointErrorCode, Reason, UpdateType


def _of(effects: list[Any], kind: type) -> list[Any]:
    return [e for e in effects if isinstance(e, kind)]


def _swipe_authorized(ch: Charger, tag: str, info: IdTagInfo, now: float) -> TagOutcome:
    assert ch.authorization.swipe(1, tag, now) is TagStep.AUTHORIZING
    (req,) = _of(ch.drain(), AuthorizeReq)
    assert req.id_tag == tag and req.swipe
    return ch.authorization.on_authorize_result(req, info, now)


def _charging(ch: Charger, tag: str = "TAG", parent: str | None = None) -> StartTransactionReq:
    """Swipe, plug in, StartTransaction answered (with the parent the CSMS gives)."""
    _swipe_authorized(ch, tag, IdTagInfo(AuthorizationStatus.ACCEPTED, parent), T0)
    ch.ev_inputs.plug_in(1, T0 + 5)
    (start,) = _of(ch.drain(), StartTransactionReq)
    ch.transactions.on_start_transaction_result(start.tx_ref, 7, ACCEPTED, T0 + 5)
    ch.drain()
    return start


def test_swipe_before_the_cable_waits_in_preparing_and_starts_on_plug_in() -> None:
    ch = booted()
    outcome = _swipe_authorized(ch, "TAG", ACCEPTED, T0)
    assert outcome.accepted and outcome.stopped is None
    effects = ch.drain()
    # A2: Preparing, no transaction until the cable is in (unlike the contract's `tag`).
    assert statuses(effects) == ["Preparing"]
    assert _of(effects, StartTransactionReq) == []
    assert not ch.state.connectors[1].plugged
    ch.ev_inputs.plug_in(1, T0 + 30)
    effects = ch.drain()
    (start,) = _of(effects, StartTransactionReq)
    assert start.id_tag == "TAG"
    assert statuses(effects) == ["Charging"]


def test_swipe_before_the_cable_times_out_to_available() -> None:
    ch = booted()
    ch.configuration.change_configuration("ConnectionTimeOut", "30", T0)
    _swipe_authorized(ch, "TAG", ACCEPTED, T0)
    ch.drain()
    assert ch.next_deadline() == T0 + 30
    ch.tick(T0 + 29)
    assert statuses(ch.drain()) == []
    ch.tick(T0 + 30)
    assert statuses(ch.drain()) == ["Available"]  # 4.9 B1
    ch.ev_inputs.plug_in(1, T0 + 40)
    effects = ch.drain()
    assert statuses(effects) == ["Preparing"]
    assert _of(effects, StartTransactionReq) == []  # the cable alone does not start


def test_swipe_rejected_leaves_the_connector_available() -> None:
    ch = booted()
    outcome = _swipe_authorized(ch, "BAD", IdTagInfo(AuthorizationStatus.INVALID), T0)
    assert not outcome.accepted and outcome.auth_status is AuthorizationStatus.INVALID
    assert statuses(ch.drain()) == []
    assert ch.state.connectors[1].session is None


def test_swipe_with_cable_in_starts_at_once() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    _swipe_authorized(ch, "TAG", ACCEPTED, T0 + 1)
    assert len(_of(ch.drain(), StartTransactionReq)) == 1


def test_cached_tag_starts_without_authorize() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    ch.authorization.remember("TAG", ACCEPTED)
    ch.drain()
    outcome = ch.authorization.swipe(1, "TAG", T0)
    assert isinstance(outcome, TagOutcome) and outcome.accepted
    effects = ch.drain()
    assert _of(effects, AuthorizeReq) == []
    assert statuses(effects) == ["Preparing"]


def test_same_tag_again_before_the_cable_cancels_another_changes_nothing() -> None:
    ch = booted()
    _swipe_authorized(ch, "TAG", ACCEPTED, T0)
    ch.drain()
    assert ch.authorization.swipe(1, "OTHER", T0 + 1) is TagStep.DONE
    assert ch.drain() == []
    assert ch.authorization.swipe(1, "tag", T0 + 2) is TagStep.STOPPING
    assert statuses(ch.drain()) == ["Available"]


def test_same_tag_stops_without_authorize_case_insensitive() -> None:
    ch = booted()
    _charging(ch, "AbCd")
    assert ch.authorization.swipe(1, "ABCD", T0 + 60) is TagStep.STOPPING
    effects = ch.drain()
    assert _of(effects, AuthorizeReq) == []  # section 4.1: same identifier, no Authorize
    (stop,) = _of(effects, StopTransactionReq)
    assert stop.reason is Reason.LOCAL and stop.id_tag == "ABCD"
    assert statuses(effects) == ["Finishing"]


def test_other_tag_with_the_same_parent_stops() -> None:
    ch = booted()
    _charging(ch, "TAG1", parent="GROUP")
    outcome = _swipe_authorized(ch, "TAG2", IdTagInfo(AuthorizationStatus.ACCEPTED, "group"), T0 + 60)
    assert outcome.stopped is True and outcome.parent_id_tag == "group"
    (stop,) = _of(ch.drain(), StopTransactionReq)
    assert stop.reason is Reason.LOCAL and stop.id_tag == "TAG2"


def test_other_tag_with_another_parent_or_none_does_not_stop() -> None:
    ch = booted()
    _charging(ch, "TAG1", parent="GROUP")
    for info in (
        IdTagInfo(AuthorizationStatus.ACCEPTED, "OTHER"),
        IdTagInfo(AuthorizationStatus.ACCEPTED),
        IdTagInfo(AuthorizationStatus.BLOCKED, "GROUP"),
    ):
        outcome = _swipe_authorized(ch, "TAG2", info, T0 + 60)
        assert outcome.stopped is False
        assert _of(ch.drain(), StopTransactionReq) == []
        assert ch.state.connectors[1].tx is not None


def test_transaction_without_a_group_is_stopped_only_by_its_own_tag() -> None:
    ch = booted()
    _charging(ch, "TAG1")
    outcome = _swipe_authorized(ch, "TAG2", IdTagInfo(AuthorizationStatus.ACCEPTED, "GROUP"), T0 + 60)
    assert outcome.stopped is False
    assert ch.state.connectors[1].tx is not None


def test_parent_from_start_transaction_conf_counts() -> None:
    ch = booted()
    _swipe_authorized(ch, "TAG1", ACCEPTED, T0)  # Authorize.conf without a parent
    ch.ev_inputs.plug_in(1, T0 + 5)
    (start,) = _of(ch.drain(), StartTransactionReq)
    ch.transactions.on_start_transaction_result(
        start.tx_ref, 7, IdTagInfo(AuthorizationStatus.ACCEPTED, "GROUP"), T0 + 5
    )
    ch.drain()
    outcome = _swipe_authorized(ch, "TAG2", IdTagInfo(AuthorizationStatus.ACCEPTED, "GROUP"), T0 + 60)
    assert outcome.stopped is True


def test_listed_stopping_tag_needs_no_authorize() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    group = IdTagInfo(AuthorizationStatus.ACCEPTED, "GROUP")
    ch.authorization.send_local_list(1, UpdateType.FULL, [("TAG1", group), ("TAG2", group)])
    ch.drain()
    assert isinstance(ch.authorization.swipe(1, "TAG1", T0), TagOutcome)  # listed: no Authorize
    ch.ev_inputs.plug_in(1, T0 + 1)
    (start,) = _of(ch.drain(), StartTransactionReq)
    ch.transactions.on_start_transaction_result(start.tx_ref, 7, ACCEPTED, T0 + 1)
    ch.drain()
    outcome = ch.authorization.swipe(1, "TAG2", T0 + 60)
    assert isinstance(outcome, TagOutcome) and outcome.stopped is True
    effects = ch.drain()
    assert _of(effects, AuthorizeReq) == []
    assert len(_of(effects, StopTransactionReq)) == 1


def test_transaction_ended_while_authorizing_stops_nothing() -> None:
    ch = booted()
    _charging(ch, "TAG1", parent="GROUP")
    assert ch.authorization.swipe(1, "TAG2", T0 + 60) is TagStep.AUTHORIZING
    (req,) = _of(ch.drain(), AuthorizeReq)
    ch.ev_inputs.unplug(1, T0 + 61)  # StopTransaction EVDisconnected meanwhile
    ch.drain()
    outcome = ch.authorization.on_authorize_result(
        req, IdTagInfo(AuthorizationStatus.ACCEPTED, "GROUP"), T0 + 62
    )
    assert outcome.stopped is False
    assert _of(ch.drain(), StopTransactionReq) == []


def test_present_tag_still_plugs_in() -> None:
    """The contract's `tag` is unchanged: a tag without plugin charges."""
    ch = booted()
    ch.authorization.present_tag(1, "TAG", T0)
    (req,) = _of(ch.drain(), AuthorizeReq)
    assert not req.swipe
    ch.authorization.on_authorize_result(req, ACCEPTED, T0)
    assert len(_of(ch.drain(), StartTransactionReq)) == 1


def test_swipe_on_a_faulted_connector_stops_its_transaction_never_replaces_it() -> None:
    ch = booted()
    _charging(ch, "TAG1", parent="GROUP")
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE), T0 + 30)
    ch.drain()
    outcome = _swipe_authorized(ch, "TAG9", IdTagInfo(AuthorizationStatus.ACCEPTED, "ELSE"), T0 + 40)
    assert outcome.stopped is False
    tx = ch.state.connectors[1].tx
    assert tx is not None and tx.id_tag == "TAG1"
    assert ch.authorization.swipe(1, "TAG1", T0 + 50) is TagStep.STOPPING
    assert len(_of(ch.drain(), StopTransactionReq)) == 1
