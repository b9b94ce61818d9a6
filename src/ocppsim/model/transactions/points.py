"""OCPP 2.0.1 TxStartPoint / TxStopPoint (part 2 E01 "Start Transaction options", E06 "Stop Transaction
options", appendices TxCtrlr; errata 2.17.4 and 2.5.2 figure 56): when a transaction starts and ends, and
the Updated events between, as facts of one connector. 1.6 never comes here (ChargerState.tx_points).

The points are facts of the connector that hold or not:

| point | holds while |
|---|---|
| ParkingBayOccupancy | an EV stands in the bay (`Connector.bay_occupied`) |
| EVConnected | the cable is in |
| Authorized | a driver (token, remote start) authorized the use and has not stopped it |
| PowerPathClosed | EVConnected and Authorized (so as a stop point it ends with either, errata 2.17.4) |
| EnergyTransfer | energy flows (the EV draws what the EVSE offers) |
| DataSigned | the meter signed the start reading, not yet the end: PowerPathClosed while signing (*) |

(*) a station with a signing meter (signed_meter_values, SampledDataCtrlr.SignReadings) signs the start
reading when the power path closes and the end reading when it opens.

A transaction starts when the first configured start point comes to hold (TxStartPoint: "which ever
comes first"); it ends when the condition of any configured stop point ends ("When any event in the given
list is no longer valid"). The end of a condition that is not a stop point is only reported (Updated).
DataSigned (E01 S4, E06; part 6 reusable states EnergyTransferStarted, EVConnectedPostSession): as a start
point the Started event says SignedDataReceived and carries the signed start reading (ocpp201/wire.py);
as a stop point the end of the authorization has the meter sign its end reading, which ends the
transaction (an Updated event for the end of the authorization, ChargingStateChanged, then Ended with
SignedDataReceived), and the cable leaving ends it as it opens the power path. A station without a
signing meter refuses the value (model/metering/block.py key_allowed).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from ocppsim.model.charger_state import ChargerState, Connector, Transaction, TransactionHooks
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.outgoing import TransactionUpdateReq
from ocppsim.model.types import Reason

__all__ = [
    "AUTHORIZATION_ENDS",
    "ChargingState",
    "Point",
    "TxPoints",
    "charging_state",
    "ended_by_authorization_end",
    "ended_by_unplug",
    "fresh_start",
    "start_points",
    "stop_points",
    "stop_trigger",
    "stopped_reason",
]


class Point(StrEnum):
    """TxStartPoint / TxStopPoint values honoured (part 2 appendices 2.6.6.1 / 2.6.6.2)."""

    PARKING_BAY_OCCUPANCY = "ParkingBayOccupancy"
    EV_CONNECTED = "EVConnected"
    AUTHORIZED = "Authorized"
    POWER_PATH_CLOSED = "PowerPathClosed"
    ENERGY_TRANSFER = "EnergyTransfer"
    DATA_SIGNED = "DataSigned"


class ChargingState(StrEnum):
    """ChargingStateEnumType (part 2 appendices)."""

    CHARGING = "Charging"
    EV_CONNECTED = "EVConnected"
    SUSPENDED_EV = "SuspendedEV"
    SUSPENDED_EVSE = "SuspendedEVSE"
    IDLE = "Idle"


P = Point
_KEYS: Final = {"start": "TxCtrlr.TxStartPoint", "stop": "TxCtrlr.TxStopPoint"}

# The 1.6 reasons that end an authorization (the driver's token, RequestStopTransaction, the CSMS's
# idTokenInfo): with a stop point Authorized / PowerPathClosed the transaction ends at once, otherwise it
# goes on without energy until another stop point ends it (E07 scenario, errata figure 56).
AUTHORIZATION_ENDS: Final = frozenset({Reason.LOCAL, Reason.REMOTE, Reason.DE_AUTHORIZED})

# triggerReason of the event that reports the end of an authorization (E06/E07, F03).
_STOP_TRIGGERS: Final = {
    Reason.LOCAL: "StopAuthorized",
    Reason.REMOTE: "RemoteStop",
    Reason.DE_AUTHORIZED: "Deauthorized",
}
# ReasonEnumType of a stop begun by one of those (TransactionType.stoppedReason).
_STOPPED: Final = {Reason.LOCAL: "Local", Reason.REMOTE: "Remote", Reason.DE_AUTHORIZED: "DeAuthorized"}


def _points(config: ConfigStore, side: str) -> frozenset[str]:
    raw = config.raw(_KEYS[side])
    return frozenset(p for p in raw.split(",") if p)


def start_points(config: ConfigStore) -> frozenset[str]:
    return _points(config, "start")


def stop_points(config: ConfigStore) -> frozenset[str]:
    return _points(config, "stop")


def _authorized(c: Connector) -> bool:
    tx = c.tx
    if tx is not None:
        return tx.authorized and tx.stop_reason is None
    s = c.session
    return s is not None and s.authorized


def charging_state(state: ChargerState, c: Connector) -> ChargingState:
    """The chargingState of the connector's transaction from its facts (the same facts that settle the
    connector status, core/status.py): Idle without the cable, EVConnected while not (or no longer)
    authorized, SuspendedEVSE while the EVSE offers too little or the CSMS refused the token,
    SuspendedEV while the EV takes nothing, else Charging."""
    tx = c.tx
    if not c.plugged:
        return ChargingState.IDLE
    if not _authorized(c):
        return ChargingState.EV_CONNECTED
    if c.offer_a < state.params.min_to_start_a or (tx is not None and tx.deauthorized):
        return ChargingState.SUSPENDED_EVSE
    if not c.ev.draws:
        return ChargingState.SUSPENDED_EV
    return ChargingState.CHARGING


def holding(state: ChargerState, c: Connector) -> frozenset[str]:
    """The points whose condition holds on the connector now."""
    held = set()
    if c.bay_occupied:
        held.add(P.PARKING_BAY_OCCUPANCY)
    if c.plugged:
        held.add(P.EV_CONNECTED)
    if _authorized(c):
        held.add(P.AUTHORIZED)
        if c.plugged:
            held.add(P.POWER_PATH_CLOSED)
            if charging_state(state, c) is ChargingState.CHARGING:
                held.add(P.ENERGY_TRANSFER)
            if state.metering.signing():
                held.add(P.DATA_SIGNED)
    return frozenset(held)


def fresh_start(state: ChargerState, c: Connector) -> str | None:
    """The triggerReason of a Started event if a configured start point holds now and did not already
    hold when the last transaction ended (`Connector.spent_points`); None: no transaction starts."""
    held = holding(state, c)
    c.spent_points = c.spent_points & held  # a point that ended may start the next transaction
    fresh = held & start_points(state.config) - c.spent_points
    if not fresh:
        return None
    if P.ENERGY_TRANSFER in fresh and not fresh - {P.ENERGY_TRANSFER}:
        return "ChargingStateChanged"  # E01 S6: the energy transfer started
    if fresh == {P.DATA_SIGNED}:
        return "SignedDataReceived"  # E01 S4, TC_E_11: the signed start reading came from the meter
    s = c.session
    if s is not None and s.authorized and fresh & {P.AUTHORIZED, P.POWER_PATH_CLOSED, P.ENERGY_TRANSFER}:
        # The later of the two facts: the cable after the token, or the token (RemoteStart is the
        # adapter's: F02.FR.01 "the first event after RequestStartTransaction").
        return "CablePluggedIn" if c.plugged and c.cable_after_token else "Authorized"
    if P.EV_CONNECTED in fresh:
        return "CablePluggedIn"  # E01 S2
    return "EVDetected"  # E01 S1: ParkingBayOccupancy


def ended_by_authorization_end(config: ConfigStore) -> bool:
    """The end of the authorization ends the transaction at once (errata 2.17.4: Authorized,
    PowerPathClosed). DataSigned ends it too, after the Updated event of the end (`authorization_ended`)."""
    return bool(stop_points(config) & {P.AUTHORIZED, P.POWER_PATH_CLOSED})


def ended_by_unplug(config: ConfigStore) -> bool:
    """The cable leaving ends the transaction: EVConnected, PowerPathClosed (its OR), EnergyTransfer (no
    energy flows without the cable), or Authorized when StopTxOnEVSideDisconnect deauthorizes (E10)."""
    stops = stop_points(config)
    if stops & {P.EV_CONNECTED, P.POWER_PATH_CLOSED, P.ENERGY_TRANSFER, P.DATA_SIGNED}:
        return True  # DataSigned: the power path opens, the meter signs its end reading
    return P.AUTHORIZED in stops and config.get_bool("StopTransactionOnEVSideDisconnect")


def stop_trigger(reason: Reason) -> str:
    return _STOP_TRIGGERS[reason]


def stopped_reason(tx: Transaction, default: str) -> str:
    """The stop began by an earlier end of authorization names the Ended event's stoppedReason."""
    return _STOPPED[tx.stop_reason] if tx.stop_reason is not None else default


class TxPoints:
    """The rules above applied to a connector: what status settling (core/status.py), the cable and the
    bay (core/ev_inputs.py) and a stop (block.py) ask. A view over the shared state, made on access."""

    __slots__ = ("_s", "_tx")

    def __init__(self, state: ChargerState, transactions: TransactionHooks) -> None:
        self._s = state
        self._tx = transactions

    def authorization_ended(
        self, c: Connector, tx: Transaction, reason: Reason, now: float, id_tag: str | None
    ) -> None:
        """2.0.1 E06/E07 (errata 2.5.2 figure 56) with no stop point Authorized / PowerPathClosed: the
        end of the authorization is an Updated event (StopAuthorized with the token, RemoteStop,
        Deauthorized); the energy stops. With EnergyTransfer the transaction then ends (Ended,
        ChargingStateChanged); with EVConnected / ParkingBayOccupancy it waits for theirs, and its Ended
        event will carry this stop's stoppedReason."""
        state = self._s
        if tx.stop_reason is not None:
            return  # stopped already: a second token or request changes nothing
        tx.stop_reason = reason
        token = id_tag if reason is Reason.LOCAL and id_tag else None
        state.emit(
            TransactionUpdateReq(
                tx.ref,
                c.id,
                stop_trigger(reason),
                state.ts(now),
                id_tag=token,
                id_token_type=tx.id_token_type if token is not None and token == tx.id_tag else None,
            )
        )
        c.session = None
        stops = stop_points(state.config)
        if Point.ENERGY_TRANSFER in stops:
            self._tx.stop(
                c,
                reason,
                now,
                trigger="ChargingStateChanged",
                stopped=stopped_reason(tx, "Local"),
                force=True,
            )
        elif Point.DATA_SIGNED in stops and state.metering.signing():
            # Part 6 EVConnectedPostSession: the charging state that the end left (EVConnected with the
            # cable in), then Ended with SignedDataReceived once the meter signed its end reading.
            cs = charging_state(state, c)
            if cs != tx.charging_state:
                state.emit(
                    TransactionUpdateReq(
                        tx.ref, c.id, "ChargingStateChanged", state.ts(now), charging_state=cs
                    )
                )
                tx.charging_state = cs
            self._tx.stop(
                c,
                reason,
                now,
                trigger="SignedDataReceived",
                stopped=stopped_reason(tx, "Local"),
                force=True,
            )

    def start_trigger(self, c: Connector) -> str | None:
        """The triggerReason of the Started event if a configured start point holds (`fresh_start`)."""
        return fresh_start(self._s, c)

    def follow_points(self, c: Connector, now: float) -> None:
        """Before the status of `c` settles: a token that came after the start joins the transaction
        (E01: an Updated event with triggerReason Authorized and the idToken), and with TxStopPoint
        EnergyTransfer an EV that stopped drawing ends it (E06 S6, stoppedReason StoppedByEV)."""
        state = self._s
        tx = c.tx
        if tx is None:
            return
        s = c.session
        if not tx.authorized and tx.stop_reason is None and s is not None and s.authorized:
            tx.authorized = True
            tx.id_tag = s.id_tag
            tx.id_token_type = s.id_token_type
            tx.authorized_at = now
            tx.awaiting_ev = not c.plugged  # EVConnectionTimeOut counts from here (E03)
            if s.remote_profile is not None:
                # RequestStartTransaction's TxProfile (F01.FR.08) is for this transaction now.
                state.offers.install_tx_profile(c.id, s.remote_profile)
                s.remote_profile = None
                state.offers.refresh_offers(now)
            cs = charging_state(state, c)
            state.emit(
                TransactionUpdateReq(
                    tx.ref,
                    c.id,
                    "Authorized",
                    state.ts(now),
                    charging_state=cs if cs != tx.charging_state else None,
                    id_tag=tx.id_tag,
                    id_token_type=tx.id_token_type,
                )
            )
            tx.charging_state = cs
            tx.reported_plugged = c.plugged
        if (
            tx.energy_flowed
            and tx.stop_reason is None
            and charging_state(state, c) is ChargingState.SUSPENDED_EV
            and Point.ENERGY_TRANSFER in stop_points(state.config)
        ):
            self._tx.stop(
                c, Reason.OTHER, now, trigger="ChargingStateChanged", stopped="StoppedByEV", force=True
            )

    def report_changes(self, c: Connector, now: float) -> None:
        """After the status of `c` settled: an Updated event when the cable came or went
        (CablePluggedIn, EVCommunicationLost) or the chargingState changed (ChargingStateChanged)."""
        state = self._s
        tx = c.tx
        if tx is None:
            return
        cs = charging_state(state, c)
        if c.plugged != tx.reported_plugged:
            trigger: str | None = "CablePluggedIn" if c.plugged else "EVCommunicationLost"
        elif cs != tx.charging_state:
            trigger = "ChargingStateChanged"
        else:
            trigger = None
        if trigger is not None:
            state.emit(
                TransactionUpdateReq(
                    tx.ref,
                    c.id,
                    trigger,
                    state.ts(now),
                    charging_state=cs if cs != tx.charging_state else None,
                )
            )
        tx.reported_plugged = c.plugged
        tx.charging_state = cs
        if cs is ChargingState.CHARGING:
            tx.energy_flowed = True

    def unplugged(self, c: Connector, now: float) -> bool:
        """The cable left (`c.plugged` already False) during a 2.0.1 transaction: True when a stop point
        ends it (E06 S2, E10: EVCommunicationLost, stoppedReason EVDisconnected unless a stop began
        earlier); otherwise it goes on, and settling reports the change."""
        state = self._s
        tx = c.tx
        assert tx is not None
        if not ended_by_unplug(state.config):
            return False
        self._tx.stop(
            c,
            Reason.EV_DISCONNECTED,
            now,
            trigger="EVCommunicationLost",
            stopped=stopped_reason(tx, "EVDisconnected"),
            force=True,
        )
        return True

    def departed(self, c: Connector, now: float, *, explicit: bool) -> None:
        """The EV left the bay during a 2.0.1 transaction: TxStopPoint ParkingBayOccupancy ends it
        (E06 S1, triggerReason EVDeparted); otherwise a departure the bay sensor reported is an Updated
        event (one implied by the unplug is not reported)."""
        state = self._s
        tx = c.tx
        assert tx is not None
        if Point.PARKING_BAY_OCCUPANCY in stop_points(state.config):
            self._tx.stop(
                c,
                Reason.EV_DISCONNECTED,
                now,
                trigger="EVDeparted",
                stopped=stopped_reason(tx, "EVDisconnected"),
                force=True,
            )
        elif explicit:
            state.emit(TransactionUpdateReq(tx.ref, c.id, "EVDeparted", state.ts(now)))

    def connect_timed_out(self, c: Connector, tx: Transaction, now: float) -> bool:
        """No cable within EVConnectionTimeOut after authorization: True when the transaction goes on
        because it started in the bay (errata TC_F_04: Updated with EVConnectTimeout when TxStartPoint is
        ParkingBayOccupancy); only its authorization ends. False: it ends (E03.FR.05)."""
        state = self._s
        if not (c.bay_occupied and P.PARKING_BAY_OCCUPANCY in start_points(state.config)):
            return False
        tx.awaiting_ev = False
        tx.authorized = False
        tx.id_tag = ""
        tx.id_token_type = None
        c.session = None
        state.emit(TransactionUpdateReq(tx.ref, c.id, "EVConnectTimeout", state.ts(now)))
        return True
