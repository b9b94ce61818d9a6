"""UnlockConnectorOnEVSideDisconnect (section 9.1; OCTT TC_005_1 / TC_005_2): with false, the cable stays
locked after an EV-side stop and the connector stays occupied until UnlockConnector (issue 17)."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging, statuses

from ocppsim.model.charger import UnplugOutcome
from ocppsim.model.outgoing import StopTransactionReq
from ocppsim.model.types import Reason, UnlockStatus


def test_unlock_false_keeps_the_connector_occupied_until_unlocked() -> None:
    ch = booted()
    ch.configuration.change_configuration("UnlockConnectorOnEVSideDisconnect", "false", T0)
    start_charging(ch)
    ch.drain()
    assert ch.ev_inputs.unplug(1, T0 + 60) is UnplugOutcome.STOPPED
    effects = ch.drain()
    stop = next(e for e in effects if isinstance(e, StopTransactionReq))
    assert stop.reason is Reason.EV_DISCONNECTED
    assert statuses(effects) == ["SuspendedEV", "Finishing"]  # not Available: the cable is locked in
    ch.tick(T0 + 3600)
    assert statuses(ch.drain()) == []
    assert ch.transactions.unlock_connector(1, T0 + 3600) is UnlockStatus.UNLOCKED
    assert statuses(ch.drain()) == ["Available"]


def test_unlock_true_frees_the_connector() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    ch.ev_inputs.unplug(1, T0 + 60)
    assert statuses(ch.drain()) == ["SuspendedEV", "Finishing", "Available"]
