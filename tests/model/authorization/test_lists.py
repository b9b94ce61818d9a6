"""The Local Authorization List: SendLocalList rules and its place in authorization."""

from __future__ import annotations

from ocppsim.model.charger import Charger, ChargerParams, TagOutcome, TagStep
from ocppsim.model.outgoing import AuthCacheChanged, AuthorizeReq, IdTagInfo, LocalListChanged
from ocppsim.model.types import AuthorizationStatus as A
from ocppsim.model.types import RegistrationStatus, UpdateStatus, UpdateType

T0 = 1_717_200_000.0
OK = IdTagInfo(A.ACCEPTED)


def booted() -> Charger:
    ch = Charger(ChargerParams("CP"), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def test_full_and_differential_updates() -> None:
    ch = booted()
    assert ch.authorization.get_local_list_version() == 0
    assert (
        ch.authorization.send_local_list(3, UpdateType.FULL, [("A", OK), ("B", IdTagInfo(A.BLOCKED))])
        is UpdateStatus.ACCEPTED
    )
    assert ch.authorization.get_local_list_version() == 3
    assert LocalListChanged(3, (("a", OK), ("b", IdTagInfo(A.BLOCKED)))) in ch.drain()
    assert (
        ch.authorization.send_local_list(3, UpdateType.DIFFERENTIAL, [("C", OK)])
        is UpdateStatus.VERSION_MISMATCH
    )
    assert (
        ch.authorization.send_local_list(4, UpdateType.DIFFERENTIAL, [("C", OK), ("A", None)])
        is UpdateStatus.ACCEPTED
    )
    assert sorted(ch.authorization.local_list) == ["b", "c"]
    assert (
        ch.authorization.send_local_list(5, UpdateType.FULL, [("X", None)]) is UpdateStatus.FAILED
    )  # Full needs idTagInfo
    assert (
        ch.authorization.send_local_list(5, UpdateType.FULL, [("X", OK), ("x", OK)]) is UpdateStatus.FAILED
    )  # duplicate
    assert ch.authorization.send_local_list(-1, UpdateType.FULL, []) is UpdateStatus.FAILED  # -1: no list
    too_many = [(f"T{i}", OK) for i in range(101)]  # SendLocalListMaxLength = 100
    assert ch.authorization.send_local_list(6, UpdateType.FULL, too_many) is UpdateStatus.FAILED
    assert ch.authorization.send_local_list(6, UpdateType.FULL, []) is UpdateStatus.ACCEPTED
    assert ch.authorization.local_list == {}
    # Section 5.10: version 0 is the empty list, whatever listVersion emptied it.
    assert ch.authorization.get_local_list_version() == 0
    assert LocalListChanged(0, ()) in ch.drain()


def test_full_update_with_version_zero_is_accepted() -> None:
    """A CSMS empties the list with a Full update of version 0 (section 5.10: 0 = the empty list)."""
    ch = booted()
    ch.authorization.send_local_list(3, UpdateType.FULL, [("A", OK)])
    assert ch.authorization.send_local_list(0, UpdateType.FULL, []) is UpdateStatus.ACCEPTED
    assert ch.authorization.local_list == {}
    assert ch.authorization.get_local_list_version() == 0
    # A Differential update after it counts from 0.
    assert ch.authorization.send_local_list(1, UpdateType.DIFFERENTIAL, [("B", OK)]) is UpdateStatus.ACCEPTED
    assert ch.authorization.get_local_list_version() == 1


def test_a_differential_update_that_empties_the_list_leaves_version_zero() -> None:
    ch = booted()
    ch.authorization.send_local_list(3, UpdateType.FULL, [("A", OK)])
    assert (
        ch.authorization.send_local_list(4, UpdateType.DIFFERENTIAL, [("A", None)]) is UpdateStatus.ACCEPTED
    )
    assert ch.authorization.get_local_list_version() == 0


def test_local_pre_authorize_and_offline_use() -> None:
    ch = booted()
    ch.authorization.send_local_list(1, UpdateType.FULL, [("GOOD", OK), ("BAD", IdTagInfo(A.BLOCKED))])
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    # LocalPreAuthorize false (default): Authorize is still asked online
    assert ch.authorization.present_tag(1, "GOOD", T0) is TagStep.AUTHORIZING
    request = ch.drain()[-1]
    assert isinstance(request, AuthorizeReq)
    # Offline (no answer): the Local List decides
    assert ch.authorization.on_authorize_result(request, None, T0).accepted
    ch.authorization.present_tag(1, "GOOD", T0)  # stop
    ch.ev_inputs.unplug(1, T0)
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "BAD", T0)
    bad = ch.drain()[-1]
    assert isinstance(bad, AuthorizeReq)
    refused = ch.authorization.on_authorize_result(bad, None, T0)
    assert not refused.accepted and refused.auth_status is A.BLOCKED  # listed as Blocked: refused offline
    ch.configuration.change_configuration("LocalPreAuthorize", "true", T0)
    outcome = ch.authorization.present_tag(1, "GOOD", T0)
    assert isinstance(outcome, TagOutcome) and outcome.accepted  # started at once, no Authorize
    assert not any(isinstance(e, AuthorizeReq) for e in ch.drain())


def test_listed_tags_are_not_cached_and_conflicts_are_reported() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0)
    request = ch.drain()[-1]
    assert isinstance(request, AuthorizeReq)
    ch.authorization.on_authorize_result(request, OK, T0)
    assert "tag" in ch.authorization.cache
    ch.authorization.send_local_list(1, UpdateType.FULL, [("TAG", IdTagInfo(A.BLOCKED))])
    assert "tag" not in ch.authorization.cache
    assert AuthCacheChanged("tag", None) in ch.drain()
    ch.authorization.present_tag(1, "TAG", T0)  # stops the running transaction
    ch.ev_inputs.unplug(1, T0)
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    ch.authorization.present_tag(1, "TAG", T0)
    request = ch.drain()[-1]
    assert isinstance(request, AuthorizeReq)
    ch.authorization.on_authorize_result(request, OK, T0)  # the CSMS says Accepted, the list says Blocked
    conflict = [e for e in ch.drain() if getattr(e, "error_code", None) is not None and e.connector_id == 0]  # type: ignore[attr-defined]
    assert [e.error_code.value for e in conflict] == ["LocalListConflict"]  # type: ignore[attr-defined]
    assert "tag" not in ch.authorization.cache
