"""ConnectionTimeOut (section 9.1.6; 4.9 B1 and B6): an attempt that waits for the cable, or a cable that
waits for an idTag, is cancelled after the timeout; no StartTransaction (issue 17)."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted, statuses

from ocppsim.model.outgoing import AuthorizeReq, StartTransactionReq
from ocppsim.model.types import RemoteStartStopStatus


def _no_start(effects: list[object]) -> bool:
    return not any(isinstance(e, StartTransactionReq) for e in effects)


def test_plugged_without_tag_times_out_to_finishing_then_available_on_unplug() -> None:
    ch = booted()
    ch.configuration.change_configuration("ConnectionTimeOut", "30", T0)
    ch.ev_inputs.plug_in(1, T0)
    assert statuses(ch.drain()) == ["Preparing"]
    assert ch.next_deadline() == T0 + 30
    ch.tick(T0 + 29)
    assert statuses(ch.drain()) == []
    ch.tick(T0 + 30)
    effects = ch.drain()
    # Section 4.9 B6 "Timed out": Preparing -> Finishing while the cable is still in.
    assert statuses(effects) == ["Finishing"]
    assert _no_start(effects)
    assert ch.next_deadline() != T0 + 30
    ch.ev_inputs.unplug(1, T0 + 40)
    assert statuses(ch.drain()) == ["Available"]


def test_a_tag_within_the_timeout_starts() -> None:
    ch = booted()
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, "TAG", T0 + 59)
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, ACCEPTED, T0 + 59)
    assert not _no_start(ch.drain())
    ch.tick(T0 + 61)
    assert "Finishing" not in statuses(ch.drain())


def test_remote_start_without_cable_times_out_to_available() -> None:
    ch = booted()
    assert ch.transactions.remote_start("RT", 1, None, T0) is RemoteStartStopStatus.ACCEPTED
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, ACCEPTED, T0 + 1)
    ch.drain()
    assert ch.next_deadline() == T0 + 60  # counted from the remote start
    ch.tick(T0 + 60)
    effects = ch.drain()
    assert statuses(effects) == ["Available"]  # 4.9 B1
    assert ch.state.connectors[1].session is None
    ch.ev_inputs.plug_in(1, T0 + 70)  # too late: the cable alone does not start
    effects = ch.drain()
    assert statuses(effects) == ["Preparing"]
    assert _no_start(effects)


def test_zero_disables_the_timeout() -> None:
    ch = booted()
    ch.configuration.change_configuration("ConnectionTimeOut", "0", T0)
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    assert ch.next_deadline() != T0
    ch.tick(T0 + 10_000)
    assert "Finishing" not in statuses(ch.drain())
