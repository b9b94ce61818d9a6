"""RemoteStartTransaction with AuthorizeRemoteTxRequests=true: the idTag is authorized as a local one
would be (section 5.11), so LocalPreAuthorize with a listed or cached Accepted tag starts without an
Authorize.req (section 3.4; issue 17)."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted

from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, StartTransactionReq
from ocppsim.model.types import AuthorizationStatus, RemoteStartStopStatus, UpdateType


def _requests(effects: list[object]) -> list[type]:
    return [type(e) for e in effects if isinstance(e, AuthorizeReq | StartTransactionReq)]


def test_listed_tag_with_local_pre_authorize_sends_no_authorize() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    ch.authorization.send_local_list(
        1, UpdateType.FULL, [("LISTED", IdTagInfo(AuthorizationStatus.ACCEPTED, "P"))]
    )
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    assert ch.transactions.remote_start("LISTED", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    effects = ch.drain()
    assert _requests(effects) == [StartTransactionReq]
    session = ch.state.connectors[1].session
    assert session is not None and session.parent_id_tag == "P"


def test_cached_tag_with_local_pre_authorize_sends_no_authorize() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    ch.authorization.remember("CACHED", ACCEPTED)
    ch.drain()
    assert ch.transactions.remote_start("CACHED", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    assert _requests(ch.drain()) == []  # authorized, waiting for the cable
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert _requests(ch.drain()) == [StartTransactionReq]


def test_without_local_pre_authorize_the_csms_is_asked() -> None:
    ch = booted()
    ch.authorization.remember("CACHED", ACCEPTED)
    ch.drain()
    ch.transactions.remote_start("CACHED", 1, None, T0)
    assert _requests(ch.drain()) == [AuthorizeReq]


def test_unknown_or_blocked_tag_is_still_authorized_by_the_csms() -> None:
    ch = booted()
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    ch.authorization.send_local_list(
        1, UpdateType.FULL, [("BLOCKED", IdTagInfo(AuthorizationStatus.BLOCKED))]
    )
    ch.transactions.remote_start("BLOCKED", 1, None, T0)
    assert _requests(ch.drain()) == [AuthorizeReq]
