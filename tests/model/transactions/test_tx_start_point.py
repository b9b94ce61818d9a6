"""OCPP 2.0.1 TxCtrlr.TxStartPoint "Authorized" (part 2 E01, E03): the transaction starts at authorization,
before the cable, and ends with reason Timeout (EVConnectTimeout) when no EV connects within
EVConnectionTimeOut (E03.FR.05); the default PowerPathClosed and 1.6 keep starting at the cable."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted, statuses

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import AuthorizeReq, StartTransactionReq, StopTransactionReq
from ocppsim.model.types import Reason


def _authorized_start() -> Charger:
    ch = booted(ocpp_versions=("2.0.1",))
    ch.configuration.change_configuration("ConnectionTimeOut", "30", T0)  # TxCtrlr.EVConnectionTimeOut
    assert ch.config.load("TxCtrlr.TxStartPoint", "Authorized")
    ch.configuration.change_configuration("AuthorizeRemoteTxRequests", "false", T0)
    ch.drain()
    return ch


def test_starts_at_authorization_and_times_out_without_the_cable() -> None:
    ch = _authorized_start()
    ch.transactions.remote_start("RT", 1, None, T0)
    effects = ch.drain()
    start = next(e for e in effects if isinstance(e, StartTransactionReq))
    assert statuses(effects) == ["Preparing"]
    assert ch.next_deadline() == T0 + 30
    ch.tick(T0 + 29)
    assert not any(isinstance(e, StopTransactionReq) for e in ch.drain())
    ch.tick(T0 + 30)
    effects = ch.drain()
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert (stop.tx_ref, stop.reason, stop.ev_connect_timeout) == (start.tx_ref, Reason.OTHER, True)
    assert statuses(effects) == ["Available"]
    assert ch.state.conn(1).tx is None and ch.state.conn(1).session is None


def test_the_cable_within_the_timeout_keeps_the_transaction() -> None:
    ch = _authorized_start()
    ch.transactions.remote_start("RT", 1, None, T0)
    ch.drain()
    ch.ev_inputs.plug_in(1, T0 + 10)
    assert statuses(ch.drain()) == ["Charging"]
    ch.tick(T0 + 100)
    assert not any(isinstance(e, StopTransactionReq) for e in ch.drain())
    assert ch.state.conn(1).tx is not None


def test_power_path_closed_and_1_6_wait_for_the_cable() -> None:
    for ch in (booted(ocpp_versions=("2.0.1",)), booted()):
        ch.configuration.change_configuration("AuthorizeRemoteTxRequests", "false", T0)
        ch.transactions.remote_start("RT", 1, None, T0)
        assert not any(isinstance(e, StartTransactionReq) for e in ch.drain())


def test_a_swiped_tag_without_the_cable_starts_once_accepted() -> None:
    ch = _authorized_start()
    ch.authorization.swipe(1, "TAG", T0)  # a badge swipe, no cable (present_tag also plugs in)
    req = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, ACCEPTED, T0 + 1)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    assert start.id_tag == "TAG"
    assert ch.next_deadline() == T0 + 31  # EVConnectionTimeOut counts from the start
    assert not ch.state.conn(1).plugged
