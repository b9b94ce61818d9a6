"""The TxCtrlr points on the 2.0.1 wire (ocpp201/wire.py): the model's Started / Updated / Ended events as
schema-valid TransactionEvents, the RemoteStart of a token that joins a running transaction, and the
idToken type kept with the transaction when the adapter is built anew (a process restart, a protocol
switch: the adapter's memory of types is per wire)."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.ocpp201.wire import Wire201

from .test_wire_201 import T0, booted, call, send


def _events(sent: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [p for a, p in sent if a == "TransactionEvent"]


def _configure(ch: Charger, start: str, stop: str) -> None:
    assert ch.config.load("TxCtrlr.TxStartPoint", start)
    assert ch.config.load("TxCtrlr.TxStopPoint", stop)
    assert ch.config.load("AuthorizeRemoteTxRequests", "false")


def test_a_transaction_started_at_the_cable_on_the_wire() -> None:
    ch, wire = booted()
    _configure(ch, "EVConnected", "EVConnected")
    send(wire, ch)
    ch.ev_inputs.plug_in(1, T0)
    [started] = _events(send(wire, ch))
    assert (started["eventType"], started["triggerReason"], started["seqNo"]) == (
        "Started",
        "CablePluggedIn",
        0,
    )
    assert started["transactionInfo"]["chargingState"] == "EVConnected" and "idToken" not in started
    token = {"idToken": "EMA1", "type": "eMAID"}
    answer = call(wire, "RequestStartTransaction", {"idToken": token, "evseId": 1, "remoteStartId": 3})
    assert answer == {"status": "Accepted", "transactionId": started["transactionInfo"]["transactionId"]}
    [joined] = _events(send(wire, ch))
    assert (joined["eventType"], joined["triggerReason"], joined["seqNo"]) == ("Updated", "RemoteStart", 1)
    assert joined["idToken"] == token and joined["transactionInfo"]["remoteStartId"] == 3
    assert joined["transactionInfo"]["chargingState"] == "Charging"
    # The adapter is built anew (its per-wire memory of token types is gone): the type stays.
    wire = Wire201(ch)
    ch.authorization.present_tag(1, "EMA1", T0 + 60)
    stopping = _events(send(wire, ch))
    assert [(e["eventType"], e["triggerReason"]) for e in stopping] == [
        ("Updated", "StopAuthorized"),
        ("Updated", "ChargingStateChanged"),
    ]
    assert stopping[0]["idToken"] == token
    ch.ev_inputs.unplug(1, T0 + 70)
    [ended] = _events(send(wire, ch))
    assert (ended["eventType"], ended["triggerReason"]) == ("Ended", "EVCommunicationLost")
    info = ended["transactionInfo"]
    assert (info["stoppedReason"], info["chargingState"]) == ("Local", "Idle")
    assert "idToken" not in ended  # reported with the StopAuthorized event (errata 2.5.2)
