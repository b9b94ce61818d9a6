"""MaxEnergyOnInvalidId (OCPP 1.6 sections 3.5 and 9.1.14): with StopTransactionOnInvalidId false, an idTag
the CSMS invalidates after the start may still take this much energy (Wh, over the transaction) so the EV
can drive away; then energy stops and the transaction goes on (SuspendedEVSE)."""

from __future__ import annotations

import pytest
from charger_fixtures import T0, booted, statuses, tag_accepted

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import IdTagInfo, StartTransactionReq, StopTransactionReq
from ocppsim.model.types import AuthorizationStatus

INVALID = IdTagInfo(AuthorizationStatus.INVALID)
POWER_W = 32.0 * 230.0 * 3  # what the default EV draws


def invalidated(allowance: int) -> Charger:
    ch = booted()
    ch.configuration.change_configuration("StopTransactionOnInvalidId", "false", T0)
    ch.configuration.change_configuration("MaxEnergyOnInvalidId", str(allowance), T0)
    ch.drain()
    start = next(e for e in tag_accepted(ch) if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(start.tx_ref, 7, INVALID, T0 + 1)
    return ch


def test_energy_flows_until_the_allowance_then_stops_without_ending_the_transaction() -> None:
    ch = invalidated(1000)
    assert statuses(ch.drain()) == []  # still Charging
    effects: list[object] = []
    due = T0
    while not statuses(effects):  # the periodic samples come first (MeterValueSampleInterval 60 s)
        due = ch.next_deadline()
        assert due is not None and due < T0 + 3600
        ch.tick(due)
        effects = ch.drain()
    assert due == pytest.approx(T0 + 1000 * 3600 / POWER_W, abs=0.01)  # the allowance, to the instant
    assert statuses(effects) == ["SuspendedEVSE"]
    assert not [e for e in effects if isinstance(e, StopTransactionReq)]
    view = ch.view(1, due + 600)
    assert view.energy == pytest.approx(1000, abs=0.5)
    assert view.usage == 0.0
    assert view.transaction_id == 7


def test_without_an_allowance_energy_stops_at_once() -> None:
    ch = invalidated(0)
    assert statuses(ch.drain()) == ["SuspendedEVSE"]


def test_an_allowance_already_used_stops_at_once() -> None:
    ch = booted()
    ch.configuration.change_configuration("StopTransactionOnInvalidId", "false", T0)
    ch.configuration.change_configuration("MaxEnergyOnInvalidId", "10", T0)
    ch.drain()
    start = next(e for e in tag_accepted(ch) if isinstance(e, StartTransactionReq))
    # StartTransaction.conf only arrives a minute later (offline start): 368 Wh already delivered.
    ch.transactions.on_start_transaction_result(start.tx_ref, 7, INVALID, T0 + 60)
    assert statuses(ch.drain()) == ["SuspendedEVSE"]
