"""OCPP 2.0.1 TxCtrlr.TxStartPoint / TxStopPoint (part 2 E01 start options S1-S6, E06 stop options,
errata 2.5.2 figure 56 and 2.17.4): the transaction starts at the first configured start point reached and
ends when the condition of any configured stop point ends; other changes are Updated events. Driven with
explicit `now` on a 2.0.1 charger; 1.6 keeps its one behaviour (test at the end)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from charger_fixtures import ACCEPTED, T0, booted, statuses, tx_default

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    AuthorizeReq,
    IdTagInfo,
    StartTransactionReq,
    StopTransactionReq,
    TransactionUpdateReq,
)
from ocppsim.model.types import AuthorizationStatus, ChargingProfilePurpose

Event = tuple[Any, ...]


def _charger(start: str, stop: str = "EVConnected,Authorized", **config: str) -> Charger:
    ch = booted(ocpp_versions=("2.0.1",))
    assert ch.state.tx_points
    assert ch.config.load("TxCtrlr.TxStartPoint", start)
    assert ch.config.load("TxCtrlr.TxStopPoint", stop)
    for key, value in config.items():
        assert ch.config.load(key, value)
    return ch


def _events(ch: Charger) -> list[Event]:
    """The transaction's events in order: (kind, triggerReason, chargingState or stoppedReason, token);
    an Ended event's token is the transaction's (the adapter sends it only for StopAuthorized /
    Deauthorized)."""
    out: list[Event] = []
    for e in ch.drain():
        if isinstance(e, StartTransactionReq):
            out.append(("Started", e.trigger, e.charging_state, e.id_tag or None))
        elif isinstance(e, TransactionUpdateReq):
            out.append(("Updated", e.trigger, e.charging_state, e.id_tag))
        elif isinstance(e, StopTransactionReq):
            out.append(
                ("Ended", e.trigger or e.reason.value, e.stopped_reason or e.reason.value, e.id_tag or None)
            )
    return out


def _swipe(ch: Charger, now: float, tag: str = "TAG", info: IdTagInfo = ACCEPTED) -> None:
    """A badge at the reader (no cable implied), answered by the CSMS."""
    ch.authorization.swipe(1, tag, now)
    req = next((e for e in ch.state.effects if isinstance(e, AuthorizeReq)), None)
    if req is not None:  # the token that started a transaction stops it without Authorize (4.1)
        ch.state.effects.remove(req)
        ch.authorization.on_authorize_result(req, info, now)


def _tx(ch: Charger) -> Any:
    return ch.state.conn(1).tx


# ---------------------------------------------------------------- start points (E01)


def test_ev_connected_starts_at_the_cable_and_the_token_joins_later() -> None:
    """E01 S2 (TC_E_09): Started CablePluggedIn, chargingState EVConnected, no idToken; the token comes in
    an Updated event (Authorized) with the chargingState it brings."""
    ch = _charger("EVConnected")
    ch.ev_inputs.plug_in(1, T0)
    assert _events(ch) == [("Started", "CablePluggedIn", "EVConnected", None)]
    assert ch.connector_status(1).value == "Preparing"  # occupied, not charging
    assert ch.state.conn(1).current_a == 0
    _swipe(ch, T0 + 5)
    assert _events(ch) == [("Updated", "Authorized", "Charging", "TAG")]
    assert _tx(ch).authorized and _tx(ch).id_tag == "TAG"
    assert ch.state.conn(1).current_a > 0


def test_parking_bay_starts_at_the_arrival() -> None:
    """E01 S1 (TC_E_12): Started EVDetected, Idle; then the cable (CablePluggedIn) and the token."""
    ch = _charger("ParkingBayOccupancy")
    assert ch.ev_inputs.arrive(1, T0)
    assert not ch.ev_inputs.arrive(1, T0 + 1)  # occupied already
    assert _events(ch) == [("Started", "EVDetected", "Idle", None)]
    ch.ev_inputs.plug_in(1, T0 + 2)
    assert _events(ch) == [("Updated", "CablePluggedIn", "EVConnected", None)]
    _swipe(ch, T0 + 3)
    assert _events(ch) == [("Updated", "Authorized", "Charging", "TAG")]


def test_plugging_in_implies_the_bay() -> None:
    """Without a bay sensor input, the cable brings the EV into the bay first: EVDetected, then the cable."""
    ch = _charger("ParkingBayOccupancy")
    ch.ev_inputs.plug_in(1, T0)
    assert _events(ch) == [
        ("Started", "EVDetected", "Idle", None),
        ("Updated", "CablePluggedIn", "EVConnected", None),
    ]


def test_authorized_starts_at_the_token_before_the_cable() -> None:
    """E01 S3 (TC_E_10): Started Authorized with the token, Idle; the cable then starts the energy."""
    ch = _charger("Authorized")
    _swipe(ch, T0)
    assert _events(ch) == [("Started", "Authorized", "Idle", "TAG")]
    ch.ev_inputs.plug_in(1, T0 + 5)
    assert _events(ch) == [("Updated", "CablePluggedIn", "Charging", None)]


def test_power_path_closed_starts_when_both_hold() -> None:
    """E01 S5 (TC_E_01): nothing at the cable alone; Started at the token (the later fact)."""
    ch = _charger("PowerPathClosed")
    ch.ev_inputs.plug_in(1, T0)
    assert _events(ch) == []
    _swipe(ch, T0 + 1)
    assert _events(ch) == [("Started", "Authorized", "Charging", "TAG")]


def test_power_path_closed_token_first_starts_at_the_cable() -> None:
    ch = _charger("PowerPathClosed")
    _swipe(ch, T0)
    assert _events(ch) == []
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert _events(ch) == [("Started", "CablePluggedIn", "Charging", "TAG")]


def test_energy_transfer_starts_when_energy_flows() -> None:
    """E01 S6 (TC_E_02): authorized and plugged but the EV does not draw: nothing; Started
    ChargingStateChanged / Charging once it does."""
    ch = _charger("EnergyTransfer")
    ch.ev_inputs.set_delay(1, True, T0)  # the EV will not draw yet
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0 + 1)
    assert _events(ch) == []
    assert _tx(ch) is None
    ch.ev_inputs.set_delay(1, False, T0 + 2)
    assert _events(ch) == [("Started", "ChargingStateChanged", "Charging", "TAG")]


def test_the_first_start_point_reached_wins_and_starts_once() -> None:
    """TxStartPoint EVConnected,Authorized: whichever comes first starts; the other is an Updated event."""
    ch = _charger("EVConnected,Authorized")
    _swipe(ch, T0)
    assert _events(ch) == [("Started", "Authorized", "Idle", "TAG")]
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert _events(ch) == [("Updated", "CablePluggedIn", "Charging", None)]
    assert _tx(ch).ref == 1


def test_charging_state_changes_are_updated_events() -> None:
    ch = _charger("PowerPathClosed")
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0)
    ch.drain()
    ch.ev_inputs.suspend_ev(1, T0 + 10)
    assert _events(ch) == [("Updated", "ChargingStateChanged", "SuspendedEV", None)]
    ch.ev_inputs.resume_ev(1, T0 + 20)
    assert _events(ch) == [("Updated", "ChargingStateChanged", "Charging", None)]


def test_a_token_after_the_start_is_judged_by_the_csms() -> None:
    """The Updated event with the token is answered with idTokenInfo: Invalid stops the transaction
    (StopTxOnInvalidId, default true) as for a Started event."""
    ch = _charger("EVConnected", "EVConnected,Authorized")
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0 + 1)
    update = next(e for e in ch.drain() if isinstance(e, TransactionUpdateReq))
    ch.transactions.on_start_transaction_result(
        update.tx_ref, update.tx_ref, IdTagInfo(AuthorizationStatus.INVALID), T0 + 2
    )
    assert _events(ch) == [("Ended", "DeAuthorized", "DeAuthorized", "TAG")]


# ---------------------------------------------------------------- stop points (E06)


def _charging(start: str = "PowerPathClosed", stop: str = "EVConnected,Authorized", **cfg: str) -> Charger:
    ch = _charger(start, stop, **cfg)
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0)
    assert [e[0] for e in _events(ch)] == ["Started"]
    return ch


@pytest.mark.parametrize("stop", ["Authorized", "PowerPathClosed", "EVConnected,Authorized"])
def test_the_token_ends_it_with_authorized_or_power_path_closed(stop: str) -> None:
    """E06 S3/S5, TC_E_15 / TC_E_07: Ended StopAuthorized, stoppedReason Local, with the token."""
    ch = _charging(stop=stop)
    _swipe(ch, T0 + 60)
    assert _events(ch) == [("Ended", "Local", "Local", "TAG")]
    assert _tx(ch) is None


def test_remote_stop_with_power_path_closed() -> None:
    """TC_E_35 / TC_E_21: Ended RemoteStop / Remote."""
    ch = _charging(stop="PowerPathClosed")
    ch.transactions.remote_stop_ref(_tx(ch).ref, T0 + 60)
    assert _events(ch) == [("Ended", "Remote", "Remote", "TAG")]


def test_ev_connected_only_the_token_stops_charging_the_unplug_ends() -> None:
    """Errata figure 56, TxStopPoint EVConnected: StopAuthorized (with the token) and ChargingStateChanged
    EVConnected are Updated events; the unplug ends it: EVCommunicationLost, stoppedReason Local."""
    ch = _charging(stop="EVConnected")
    _swipe(ch, T0 + 60)
    assert _events(ch) == [
        ("Updated", "StopAuthorized", None, "TAG"),
        ("Updated", "ChargingStateChanged", "EVConnected", None),
    ]
    assert _tx(ch) is not None and ch.state.conn(1).current_a == 0
    _swipe(ch, T0 + 61)  # the token again changes nothing
    assert _events(ch) == []
    ch.tick(T0 + 3600)
    ch.drain()
    ch.ev_inputs.unplug(1, T0 + 3601)
    assert _events(ch) == [("Ended", "EVCommunicationLost", "Local", "TAG")]
    assert ch.connector_status(1).value == "Available"


def test_ev_connected_only_a_remote_stop_waits_for_the_unplug() -> None:
    """F03.FR.03 with TxStopPoint EVConnected: RemoteStop is an Updated event; Ended at the unplug with
    stoppedReason Remote."""
    ch = _charging(stop="EVConnected")
    ch.transactions.remote_stop_ref(_tx(ch).ref, T0 + 60)
    assert _events(ch)[0] == ("Updated", "RemoteStop", None, None)
    ch.ev_inputs.unplug(1, T0 + 70)
    assert _events(ch) == [("Ended", "EVCommunicationLost", "Remote", "TAG")]


def test_energy_transfer_the_token_ends_it_with_the_energy() -> None:
    """Errata figure 56, TxStopPoint EnergyTransfer (TC_E_08): StopAuthorized Updated, then Ended
    ChargingStateChanged with stoppedReason Local."""
    ch = _charging(stop="EnergyTransfer")
    _swipe(ch, T0 + 60)
    assert _events(ch) == [
        ("Updated", "StopAuthorized", None, "TAG"),
        ("Ended", "ChargingStateChanged", "Local", "TAG"),
    ]
    assert ch.connector_status(1).value == "Finishing"  # the cable is still in


def test_energy_transfer_the_ev_stopping_ends_it() -> None:
    """TC_E_22: the EV suspends: Ended ChargingStateChanged, stoppedReason StoppedByEV."""
    ch = _charging(stop="EnergyTransfer")
    ch.ev_inputs.suspend_ev(1, T0 + 60)
    assert _events(ch) == [("Ended", "ChargingStateChanged", "StoppedByEV", "TAG")]


def test_energy_transfer_not_yet_flowing_does_not_end() -> None:
    """The condition must have held to end: an EV that never drew keeps the transaction."""
    ch = _charger("EVConnected", "EnergyTransfer")
    ch.ev_inputs.set_delay(1, True, T0)
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0 + 1)
    assert [e[:2] for e in _events(ch)] == [("Started", "CablePluggedIn"), ("Updated", "Authorized")]
    assert _tx(ch) is not None


def test_ev_connected_ends_at_the_unplug_whatever_stop_tx_on_ev_side_disconnect() -> None:
    """TC_E_20 / TC_E_37: EVConnected or PowerPathClosed: the EV-side unplug ends it (Idle)."""
    for stop in ("EVConnected", "PowerPathClosed"):
        ch = _charging(stop=stop, StopTransactionOnEVSideDisconnect="false")
        ch.ev_inputs.unplug(1, T0 + 60)
        assert _events(ch) == [("Ended", "EVCommunicationLost", "EVDisconnected", "TAG")]


def test_authorized_only_the_unplug_does_not_end_it_without_stop_tx_on_ev_side_disconnect() -> None:
    """TxStopPoint Authorized, StopTxOnEVSideDisconnect false: the unplug is an Updated event
    (EVCommunicationLost, Idle) and the connector is free; the token then ends it."""
    ch = _charging(stop="Authorized", StopTransactionOnEVSideDisconnect="false")
    ch.ev_inputs.unplug(1, T0 + 60)
    effects = ch.drain()
    assert [e for e in effects if isinstance(e, TransactionUpdateReq)] == [
        TransactionUpdateReq(1, 1, "EVCommunicationLost", ch.state.ts(T0 + 60), charging_state="Idle")
    ]
    assert statuses(effects)[-1] == "Available"
    assert _tx(ch) is not None
    ch.ev_inputs.plug_in(1, T0 + 70)  # the EV comes back
    assert _events(ch) == [("Updated", "CablePluggedIn", "Charging", None)]
    ch.ev_inputs.unplug(1, T0 + 80)
    ch.drain()
    _swipe(ch, T0 + 90)
    assert _events(ch) == [("Ended", "Local", "Local", "TAG")]


def test_authorized_only_with_stop_tx_on_ev_side_disconnect_the_unplug_deauthorizes() -> None:
    """E10 / TC_E_17: StopTxOnEVSideDisconnect true ends the authorization: Ended EVCommunicationLost,
    EVDisconnected."""
    ch = _charging(stop="Authorized")
    ch.ev_inputs.unplug(1, T0 + 60)
    assert _events(ch) == [("Ended", "EVCommunicationLost", "EVDisconnected", "TAG")]


def test_parking_bay_stop_waits_for_the_departure() -> None:
    """Errata figure 56 / TC_E_19: StopAuthorized, the unplug (EVCommunicationLost) are Updated events;
    the departure ends it with EVDeparted and the stop's reason."""
    ch = _charger("ParkingBayOccupancy", "ParkingBayOccupancy")
    ch.ev_inputs.arrive(1, T0)
    ch.ev_inputs.plug_in(1, T0 + 1)
    _swipe(ch, T0 + 2)
    ch.drain()
    _swipe(ch, T0 + 60)
    assert [e[:2] for e in _events(ch)] == [
        ("Updated", "StopAuthorized"),
        ("Updated", "ChargingStateChanged"),
    ]
    ch.ev_inputs.unplug(1, T0 + 70)
    assert _events(ch) == [("Updated", "EVCommunicationLost", "Idle", None)]
    assert ch.ev_inputs.depart(1, T0 + 80)
    assert _events(ch) == [("Ended", "EVDeparted", "Local", "TAG")]
    assert not ch.ev_inputs.depart(1, T0 + 81)


def test_parking_bay_stop_the_unplug_frees_an_implied_bay() -> None:
    """Without a bay sensor input (the bay implied by the cable) the unplug is the departure too."""
    ch = _charger("PowerPathClosed", "ParkingBayOccupancy")
    ch.ev_inputs.plug_in(1, T0)
    _swipe(ch, T0)
    ch.drain()
    ch.ev_inputs.unplug(1, T0 + 60)
    assert _events(ch) == [
        ("Updated", "EVCommunicationLost", "Idle", None),
        ("Ended", "EVDeparted", "EVDisconnected", "TAG"),
    ]


def test_departing_with_the_cable_in_unplugs_first() -> None:
    ch = _charger("ParkingBayOccupancy", "EVConnected")
    ch.ev_inputs.arrive(1, T0)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.drain()
    ch.ev_inputs.depart(1, T0 + 2)
    assert _events(ch) == [("Ended", "EVCommunicationLost", "EVDisconnected", None)]
    assert not ch.state.conn(1).bay_occupied


def test_a_start_point_that_still_holds_does_not_start_the_next_transaction() -> None:
    """TxStartPoint ParkingBayOccupancy, stop EVConnected: the transaction ends at the unplug, the EV is
    still in the bay; the next starts only when the bay is occupied again."""
    ch = _charger("ParkingBayOccupancy", "EVConnected")
    ch.ev_inputs.arrive(1, T0)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.ev_inputs.unplug(1, T0 + 2)
    assert [e[0] for e in _events(ch)] == ["Started", "Updated", "Ended"]
    ch.tick(T0 + 100)
    assert _events(ch) == [] and _tx(ch) is None
    ch.ev_inputs.depart(1, T0 + 200)
    ch.ev_inputs.arrive(1, T0 + 300)
    assert _events(ch) == [("Started", "EVDetected", "Idle", None)]
    assert _tx(ch).ref == 2


def test_start_ev_connected_stop_authorized() -> None:
    """A combination: started at the cable, ended by the token; the unplug before a token keeps it
    (StopTxOnEVSideDisconnect false)."""
    ch = _charger("EVConnected", "Authorized", StopTransactionOnEVSideDisconnect="false")
    ch.ev_inputs.plug_in(1, T0)
    ch.ev_inputs.unplug(1, T0 + 1)
    assert [e[:2] for e in _events(ch)] == [
        ("Started", "CablePluggedIn"),
        ("Updated", "EVCommunicationLost"),
    ]
    ch.ev_inputs.plug_in(1, T0 + 2)
    _swipe(ch, T0 + 3)
    assert [e[:2] for e in _events(ch)] == [
        ("Updated", "CablePluggedIn"),
        ("Updated", "Authorized"),
    ]
    _swipe(ch, T0 + 60)
    assert _events(ch) == [("Ended", "Local", "Local", "TAG")]


def test_remote_start_authorizes_a_running_transaction() -> None:
    """F01/F02 with TxStartPoint EVConnected: RequestStartTransaction on a transaction waiting for its
    token is Accepted and the token joins it; the type the CSMS named stays with the transaction."""
    ch = _charger("EVConnected", AuthorizeRemoteTxRequests="false")
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    status = ch.transactions.remote_start("EMA1", 1, None, T0 + 5, id_token_type="eMAID")
    assert status.value == "Accepted"
    update = [e for e in ch.drain() if isinstance(e, TransactionUpdateReq)]
    assert [(u.trigger, u.id_tag, u.id_token_type) for u in update] == [("Authorized", "EMA1", "eMAID")]
    assert _tx(ch).id_token_type == "eMAID"
    ch.authorization.present_tag(1, "EMA1", T0 + 60)  # the driver stops it with the same token
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert (stop.id_tag, stop.id_token_type) == ("EMA1", "eMAID")


def test_ev_connect_timeout_in_the_bay_only_ends_the_authorization() -> None:
    """Errata TC_F_04: TxStartPoint ParkingBayOccupancy: no cable within EVConnectionTimeOut after the
    token: an Updated event EVConnectTimeout; the transaction goes on without the token."""
    ch = _charger("ParkingBayOccupancy", ConnectionTimeOut="30")
    ch.ev_inputs.arrive(1, T0)
    _swipe(ch, T0 + 1)
    assert [e[:2] for e in _events(ch)] == [("Started", "EVDetected"), ("Updated", "Authorized")]
    assert ch.next_deadline() == T0 + 31
    ch.tick(T0 + 31)
    assert _events(ch) == [("Updated", "EVConnectTimeout", None, None)]
    assert _tx(ch) is not None and not _tx(ch).authorized


def test_1_6_keeps_power_path_closed() -> None:
    """1.6 has no TxCtrlr: the cable alone starts nothing, the token ends it, StartTransaction as ever."""
    ch = booted()
    assert not ch.state.tx_points
    ch.ev_inputs.plug_in(1, T0)
    assert not any(isinstance(e, StartTransactionReq) for e in ch.drain())
    ch.transactions.use_points(True)  # a 1.6-only charger has no device model: nothing to follow
    assert not ch.state.tx_points


def test_a_remote_start_profile_applies_to_the_running_transaction() -> None:
    """F01.FR.08: the TxProfile of a RequestStartTransaction that authorizes a transaction started at
    the cable limits that transaction."""
    ch = _charger("EVConnected", AuthorizeRemoteTxRequests="false")
    ch.ev_inputs.plug_in(1, T0)
    ch.drain()
    profile = replace(tx_default(10.0), purpose=ChargingProfilePurpose.TX_PROFILE)
    assert ch.transactions.remote_start("R", 1, profile, T0 + 1).value == "Accepted"
    assert ch.state.conn(1).offer_a == 10.0
    assert _events(ch) == [("Updated", "Authorized", "Charging", "R")]


# ---------------------------------------------------------------- DataSigned (E01 S4, E06)


def _signing(start: str, stop: str = "EVConnected,Authorized", **config: str) -> Charger:
    ch = booted(ocpp_versions=("2.0.1",), signed_meter_values="ocmf")
    for key, value in {"TxCtrlr.TxStartPoint": start, "TxCtrlr.TxStopPoint": stop, **config}.items():
        assert ch.config.load(key, value)
    return ch


def test_data_signed_starts_when_the_power_path_closes_on_a_signing_meter() -> None:
    """TC_E_11: the token, then the cable; the meter signs the start reading as the power path closes:
    Started with SignedDataReceived (the adapter adds the signed reading)."""
    ch = _signing("DataSigned")
    _swipe(ch, T0)
    assert _events(ch) == []
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert _events(ch) == [("Started", "SignedDataReceived", "Charging", "TAG")]


def test_data_signed_never_holds_with_sign_readings_false() -> None:
    ch = _signing("DataSigned", **{"SampledDataCtrlr.SignReadings": "false"})
    _swipe(ch, T0)
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert _events(ch) == []


def test_data_signed_stop_ends_after_the_end_of_authorization() -> None:
    """Part 6 EVConnectedPostSession with TxStopPoint DataSigned: StopAuthorized, ChargingStateChanged
    EVConnected, then Ended SignedDataReceived, stoppedReason Local."""
    ch = _signing("PowerPathClosed", "DataSigned")
    _swipe(ch, T0)
    ch.ev_inputs.plug_in(1, T0 + 1)
    ch.drain()
    _swipe(ch, T0 + 60)
    assert _events(ch) == [
        ("Updated", "StopAuthorized", None, "TAG"),
        ("Updated", "ChargingStateChanged", "EVConnected", None),
        ("Ended", "SignedDataReceived", "Local", "TAG"),
    ]


def test_data_signed_is_refused_without_a_signing_meter() -> None:
    ch = booted(ocpp_versions=("2.0.1",))
    for key in ("TxCtrlr.TxStartPoint", "TxCtrlr.TxStopPoint"):
        assert ch.configuration.change_configuration(key, "EVConnected,DataSigned", T0).value == "Rejected"
        assert ch.configuration.change_configuration(key, "EVConnected", T0).value == "Accepted"
    signing = _signing("PowerPathClosed")
    status = signing.configuration.change_configuration("TxCtrlr.TxStartPoint", "DataSigned", T0)
    assert status.value == "Accepted"
