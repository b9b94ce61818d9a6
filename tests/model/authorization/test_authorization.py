"""Authorization (authorization/block.py): Authorize answers, free vend, offline rules."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.charger import TagOutcome
from ocppsim.model.outgoing import AuthCacheChanged, AuthorizeReq, IdTagInfo
from ocppsim.model.types import AuthorizationStatus
from ocppsim.model.types import ChargePointStatus as S


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


def test_unplug_while_authorizing_withdraws_the_tag() -> None:
    """`tag` sends Authorize; the EV is unplugged before Authorize.conf arrives: the Accepted answer must
    neither plug the EV back in nor start a transaction on the empty connector."""
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "LATE", T0)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    ch.ev_inputs.unplug(1, T0 + 1)
    ch.drain()
    outcome = ch.authorization.on_authorize_result(req, IdTagInfo(AuthorizationStatus.ACCEPTED), T0 + 2)
    assert not outcome.accepted
    assert outcome.withdrawn
    assert ch.view(1, T0 + 2).status is S.AVAILABLE
    assert not any(type(e).__name__ == "StartTransactionReq" for e in ch.drain())
    # The same tag presented again (EV back) is authorized and starts as usual.
    ch.authorization.present_tag(1, "LATE", T0 + 3)
    again = ch.drain()[-1]
    assert isinstance(again, AuthorizeReq)
    assert ch.authorization.on_authorize_result(
        again, IdTagInfo(AuthorizationStatus.ACCEPTED), T0 + 4
    ).accepted
