"""Transactions: StartTransaction and StopTransaction with their reasons (OCPP 1.6 sections 4.8, 4.10,
7.39 Reason), RemoteStart/RemoteStopTransaction (5.11, 5.12), UnlockConnector (5.18), the local
transaction reference that stands in for the transactionId until StartTransaction.conf (errata 3.18),
and the PowerLoss stop of transactions a crash interrupted. On OCPP 2.0.1 the start and the end follow
TxCtrlr.TxStartPoint / TxStopPoint, with Updated events between (points.py, E01-E09).
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.charger_state import EPS_S, ChargerState, Connector, Session, Transaction
from ocppsim.model.outgoing import (
    AuthorizeReq,
    IdTagInfo,
    InterruptedTransaction,
    StartTransactionReq,
    StopTransactionReq,
)
from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.status_table import TRANSACTION_STATES
from ocppsim.model.transactions import points
from ocppsim.model.transactions.points import AUTHORIZATION_ENDS, ChargingState, TxPoints
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargePointStatus,
    ChargingProfilePurpose,
    Reason,
    RemoteStartStopStatus,
    UnlockStatus,
)

__all__ = ["Transactions"]

S = ChargePointStatus


class Transactions:
    __slots__ = ("_s", "_tx_ids", "_tx_seq")

    def __init__(
        self, state: ChargerState, *, transaction_ids: dict[int, int] | None, next_tx_ref: int
    ) -> None:
        self._s = state
        self._tx_seq = next_tx_ref - 1
        # tx_ref -> transactionId (-1 once StartTransaction could not be delivered, errata 3.18)
        self._tx_ids: dict[int, int] = dict(transaction_ids or {})

    # ------------------------------------------------------------------ ids

    @property
    def last_ref(self) -> int:
        """The local reference of the latest transaction started (refs count up from 1)."""
        return self._tx_seq

    def transaction_id_for(self, tx_ref: int) -> int | None:
        return self._tx_ids.get(tx_ref)

    def transaction_ref_for(self, transaction_id: int) -> int | None:
        for c in self._s.connectors.values():
            if c.tx is not None and c.tx.transaction_id == transaction_id:
                return c.tx.ref
        return None

    def forget_transaction(self, tx_ref: int) -> None:
        """The transaction's StopTransaction was answered: nothing refers to its id any more."""
        self._tx_ids.pop(tx_ref, None)

    # ------------------------------------------------------------------ time

    def tick(self, now: float) -> None:
        state = self._s
        for c in state.connectors.values():
            tx = c.tx
            if tx is not None:
                if tx.awaiting_ev and not c.plugged:
                    due = self.deadline(c)
                    if (
                        due is not None
                        and now >= due
                        and not (state.tx_points and self.points.connect_timed_out(c, tx, now))
                    ):
                        # 2.0.1 E03.FR.05: no EV within EVConnectionTimeOut: the transaction ends.
                        self.stop(
                            c, Reason.OTHER, now, ev_connect_timeout=True
                        )  # settled by the charger's tick
                    continue
                cap = tx.energy_cap_wh
                if cap is not None:
                    power = state.power(c)
                    missing = cap - c.session_energy
                    if missing <= 0 or (power > 0 and missing * 3600.0 / power < EPS_S):
                        # MaxEnergyOnInvalidId delivered: energy stops, the transaction goes on.
                        tx.energy_cap_wh = None
                        tx.deauthorized = True
                continue
            due = self.deadline(c)
            if due is None or now < due:
                continue
            if c.session is not None:
                # ConnectionTimeOut: authorized (or remotely started) but never plugged in: the attempt
                # is abandoned, no StartTransaction (section 9.1, 4.9 B1).
                c.session = None
            else:
                # Plugged in but no idTag presented within ConnectionTimeOut: section 4.9 B6, "Timed out"
                # Preparing -> Finishing (not Available: the cable is still in); Available on unplug.
                c.finishing = True

    def deadline(self, c: Connector) -> float | None:
        """When the attempt on a connector without a transaction times out (ConnectionTimeOut, section
        9.1): a session waiting for the cable, or a cable waiting for a tag in Preparing; on 2.0.1 also a
        transaction started at authorization waiting for the cable (EVConnectionTimeOut, E03)."""
        if c.tx is not None:
            since = c.tx.authorized_at if c.tx.awaiting_ev and not c.plugged else None
        elif c.session is not None:
            since = None if c.plugged else c.session.created
        elif c.plugged and not c.finishing and c.status is S.PREPARING:
            since = c.plugged_at
        else:
            since = None
        if since is None:
            return None
        timeout = self._s.config.get_int("ConnectionTimeOut")
        return since + timeout if timeout > 0 else None

    # ------------------------------------------------------------------ start and stop

    def end_interrupted(self, interrupted: Iterable[InterruptedTransaction], now: float) -> None:
        """Power loss: end what ran before the restart with the last persisted register (offline doc 4/7).
        Queued now; like every transaction message it goes out once BootNotification is Accepted."""
        state = self._s
        for tx in interrupted:
            c = state.connectors.get(tx.connector_id)
            state.emit(
                StopTransactionReq(
                    tx_ref=tx.tx_ref,
                    meter_stop=c.register.reading if c is not None else 0,
                    timestamp=state.ts(now),
                    reason=Reason.POWER_LOSS,
                    id_tag=tx.id_tag,
                )
            )

    def end_session(self, c: Connector) -> None:
        """The authorized use ends without a transaction to stop (reset, second tag in delay_notrans):
        with the cable still in, the user must unplug first (Finishing, as after a transaction)."""
        if c.session is not None and c.plugged and c.status in TRANSACTION_STATES:
            c.finishing = True
        c.session = None

    def start(self, c: Connector, now: float, trigger: str | None = None) -> None:
        """Start a transaction on `c`: on 1.6 (and 2.0.1 PowerPathClosed) for its authorized session; on
        2.0.1 also at a start point before authorization (`trigger`: the Started event's triggerReason,
        points.py), when the transaction has no token yet."""
        state = self._s
        session = c.session
        assert session is not None or state.tx_points
        authorized = session is not None and session.authorized
        self._tx_seq += 1
        tx = Transaction(
            ref=self._tx_seq,
            id_tag=session.id_tag if session is not None and authorized else "",
            start=now,
            meter_start=c.register.reading,
            id_token_type=session.id_token_type if session is not None and authorized else None,
            authorized=authorized,
            authorized_at=now,
        )
        tx.awaiting_ev = authorized and not c.plugged  # 2.0.1 TxStartPoint Authorized (E03)
        c.tx = tx
        c.session_energy = 0.0
        state.metering.schedule_samples(tx, now)
        # Section 5.13: a transaction that uses a reservation ends it and says so with its reservationId.
        reservation_id = (
            state.reservations.use(c, session.id_tag, session.parent_id_tag)
            if session is not None and authorized
            else None
        )
        if state.tx_points:
            # The Started event says the chargingState at the start (E01): the offer with the
            # RequestStartTransaction's profile in force first.
            self._install_remote_profile(c, now)
            cs = points.charging_state(state, c)
            tx.charging_state = cs
            tx.reported_plugged = c.plugged
            tx.energy_flowed = cs is ChargingState.CHARGING
            state.emit(
                StartTransactionReq(
                    tx.ref,
                    c.id,
                    tx.id_tag,
                    tx.meter_start,
                    state.ts(now),
                    reservation_id=reservation_id,
                    trigger=trigger,
                    charging_state=cs,
                    id_token_type=tx.id_token_type,
                )
            )
        else:
            state.emit(
                StartTransactionReq(
                    tx.ref, c.id, tx.id_tag, tx.meter_start, state.ts(now), reservation_id=reservation_id
                )
            )
            self._install_remote_profile(c, now)
        state.metering.begin_transaction(c, tx, now)

    def _install_remote_profile(self, c: Connector, now: float) -> None:
        state = self._s
        session = c.session
        if session is not None and session.remote_profile is not None:
            profile = session.remote_profile
            session.remote_profile = None
            state.offers.install_tx_profile(c.id, profile)
        state.offers.refresh_offers(now)

    def stop(
        self,
        c: Connector,
        reason: Reason,
        now: float,
        *,
        id_tag: str | None = None,
        ev_connect_timeout: bool = False,
        trigger: str | None = None,
        stopped: str | None = None,
        force: bool = False,
    ) -> None:
        """End the transaction on `c`. On 2.0.1 the end of an authorization (`AUTHORIZATION_ENDS`) ends
        it only with a stop point Authorized / PowerPathClosed / EnergyTransfer; otherwise energy stops
        and it waits for another stop point (`force`: a stop point's own end, never deferred).
        `trigger` / `stopped`: the Ended event's triggerReason / stoppedReason when not the reason's."""
        state = self._s
        tx = c.tx
        assert tx is not None
        if (
            state.tx_points
            and not force
            and reason in AUTHORIZATION_ENDS
            and not points.ended_by_authorization_end(state.config)
        ):
            self.points.authorization_ended(c, tx, reason, now, id_tag)
            return
        state.metering.end_transaction(c, tx, now)
        state.emit(
            StopTransactionReq(
                tx_ref=tx.ref,
                meter_stop=c.register.reading,
                timestamp=state.ts(now),
                reason=reason,
                id_tag=id_tag or tx.id_tag,
                transaction_data=tx.data.values(),
                ev_connect_timeout=ev_connect_timeout,
                trigger=trigger,
                stopped_reason=stopped,
                id_token_type=tx.id_token_type if not id_tag or id_tag == tx.id_tag else None,
                charging_state=(
                    (ChargingState.EV_CONNECTED if c.plugged else ChargingState.IDLE)
                    if state.tx_points
                    else None
                ),
            )
        )
        state.offers.remove_tx_profiles(c.id)
        c.tx = None
        c.session = None
        c.finishing = c.plugged
        c.current_a = 0.0
        if state.tx_points:
            # What holds now started this transaction or ended with it: no new one from it (points.py).
            c.spent_points = points.holding(state, c)
        if c.pending_inoperative:
            c.pending_inoperative = False
            c.operative = False

    # ------------------------------------------------------------------ 2.0.1 TxStartPoint / TxStopPoint

    def use_points(self, on: bool) -> None:
        """The runtime picked the protocol of a connection: 2.0.1 follows TxCtrlr's points, 1.6 never."""
        state = self._s
        state.tx_points = on and state.config.spec("TxCtrlr.TxStartPoint") is not None

    @property
    def points(self) -> TxPoints:
        """The rules of TxStartPoint / TxStopPoint (points.py): a view, made on access."""
        return TxPoints(self._s, self)

    def free_for_start(self, c: Connector) -> bool:
        """No session or transaction, operative, not faulted. A Reserved connector may be free for its
        reservation's idTag: `remote_start` asks the reservation block (section 5.13)."""
        tx = c.tx
        return (
            c.session is None
            # On 2.0.1 a transaction started before authorization waits for its token (E01 S1/S2):
            # a remote start authorizes it (F01/F02).
            and (tx is None or (not tx.authorized and tx.stop_reason is None))
            and c.operative
            and not c.pending_inoperative
            and not c.faulted
            and c.status not in (S.UNAVAILABLE, S.FAULTED)
        )

    # ------------------------------------------------------------------ results of our requests

    def on_start_transaction_result(
        self, tx_ref: int, transaction_id: int, info: IdTagInfo, now: float
    ) -> None:
        state = self._s
        state.advance(now)
        self._tx_ids[tx_ref] = transaction_id
        for c in state.connectors.values():
            if c.tx is None or c.tx.ref != tx_ref:
                continue
            c.tx.transaction_id = transaction_id
            if c.tx.id_tag:  # not for a 2.0.1 transaction started before its token
                state.auth_tags.remember(c.tx.id_tag, info)
            if info.parent_id_tag is not None and c.session is not None:
                # The group of the tag that started it: another tag of the group may stop it (3.10).
                c.session.parent_id_tag = info.parent_id_tag
            if info.status is not AuthorizationStatus.ACCEPTED:
                # Section 5.11: stop (DeAuthorized) or only stop energy, per StopTransactionOnInvalidId.
                if state.config.get_bool("StopTransactionOnInvalidId"):
                    self.stop(c, Reason.DE_AUTHORIZED, now)
                else:
                    # "An operator MAY choose to charge the EV with a minimum amount of energy so the EV is
                    # able to drive away" (section 3.5): MaxEnergyOnInvalidId Wh over the whole transaction.
                    allowance = state.config.get_int("MaxEnergyOnInvalidId")
                    if allowance > 0 and c.session_energy < allowance:
                        c.tx.energy_cap_wh = float(allowance)
                    else:
                        c.tx.deauthorized = True
            state.status.settle(c, now)

    def on_start_transaction_failed(self, tx_ref: int) -> None:
        """StartTransaction could not be delivered: later messages carry transactionId -1 (errata 3.18)."""
        self._tx_ids.setdefault(tx_ref, -1)

    def on_stop_transaction_result(self, id_tag: str | None, info: IdTagInfo | None) -> None:
        if id_tag is not None and info is not None:
            self._s.auth_tags.remember(id_tag, info)

    # ------------------------------------------------------------------ CS -> CP operations

    def remote_start(
        self,
        id_tag: str,
        connector_id: int | None,
        profile: ChargingProfile | None,
        now: float,
        *,
        id_token_type: str | None = None,
    ) -> RemoteStartStopStatus:
        """Section 5.11: Accepted = "will try"; authorization and plug-in follow. `id_token_type`: the
        2.0.1 IdTokenEnumType of the token (RequestStartTransaction), kept with the transaction."""
        state = self._s
        state.advance(now)
        rejected = RemoteStartStopStatus.REJECTED
        if not state.accepted:
            return rejected
        if profile is not None and profile.purpose is not ChargingProfilePurpose.TX_PROFILE:
            return rejected
        reservations = state.reservations
        if connector_id is None:
            free = [
                c
                for c in state.connectors.values()
                if self.free_for_start(c) and reservations.may_admit(c, id_tag)
            ]
            if not free:
                return rejected
            # Where the EV is, else the connector reserved for this tag (section 5.13), else the first.
            c = next((x for x in free if x.plugged), None) or next(
                (x for x in free if x.reservation_id is not None), free[0]
            )
        else:
            c2 = state.connectors.get(connector_id)
            # Section 5.11 / 5.13: Rejected on a connector reserved for another idTag.
            if c2 is None or not self.free_for_start(c2) or not reservations.may_admit(c2, id_tag):
                return rejected
            c = c2
        config = state.config
        authorize = config.get_bool("AuthorizeRemoteTxRequests") and config.get_bool(
            "OCPPAuthorizationEnabled"
        )
        parent: str | None = None
        if authorize:
            # Section 5.11: the idTag is authorized as a local one would be, so LocalPreAuthorize with a
            # listed or cached Accepted tag starts without Authorize (section 3.4).
            local = state.auth_tags.pre_authorized(id_tag, now)
            if local is not None:
                authorize = False
                parent = local.parent_id_tag
        if not authorize and not reservations.admits(c, id_tag, parent):
            # Another idTag on a connector reserved with a parent idTag: its parent must be learnt from
            # the CSMS before it may start (section 5.13: "SHALL send an Authorize.req").
            authorize = True
        if c.status in (S.AVAILABLE, S.FINISHING, S.RESERVED):
            state.status.transition(c, S.PREPARING, now)  # A2, F2, G2
        c.finishing = False
        c.session = Session(
            id_tag, parent, now, authorized=not authorize, remote_profile=profile, id_token_type=id_token_type
        )
        if authorize:
            state.emit(AuthorizeReq(id_tag, c.id, remote=True))
        else:
            c.last_id_tag = id_tag
        state.status.settle(c, now)
        return RemoteStartStopStatus.ACCEPTED

    def remote_stop(self, transaction_id: int, now: float) -> RemoteStartStopStatus:
        state = self._s
        state.advance(now)
        for c in state.connectors.values():
            if c.tx is not None and c.tx.transaction_id == transaction_id:
                self.stop(c, Reason.REMOTE, now)
                state.status.settle(c, now)
                return RemoteStartStopStatus.ACCEPTED
        return RemoteStartStopStatus.REJECTED

    def remote_stop_ref(self, tx_ref: int, now: float) -> RemoteStartStopStatus:
        """As remote_stop, by the local reference: OCPP 2.0.1 names a transaction by the id the station
        gave it (E01), known before the CSMS has answered its Started event (F03)."""
        state = self._s
        state.advance(now)
        for c in state.connectors.values():
            if c.tx is not None and c.tx.ref == tx_ref:
                self.stop(c, Reason.REMOTE, now)
                state.status.settle(c, now)
                return RemoteStartStopStatus.ACCEPTED
        return RemoteStartStopStatus.REJECTED

    def unlock_connector(self, connector_id: int, now: float) -> UnlockStatus:
        """Section 5.18 / errata 3.85: unknown connector -> NotSupported; stop a running transaction first.
        A fixed cable has no lock: NotSupported, the transaction goes on; a failing lock: UnlockFailed
        after the transaction was finished (model/hardware.py)."""
        state = self._s
        state.advance(now)
        c = state.connectors.get(connector_id)
        if c is None or state.hardware.fixed_cable:
            return UnlockStatus.NOT_SUPPORTED
        if c.tx is not None:
            self.stop(c, Reason.UNLOCK_COMMAND, now)
            state.status.settle(c, now)
        if state.hardware.lock_fails:
            return UnlockStatus.UNLOCK_FAILED  # the cable stays held as it was
        if c.cable_locked:
            # The cable kept locked after an EV-side stop (UnlockConnectorOnEVSideDisconnect=false) is
            # released: the connector is free again.
            c.cable_locked = False
            c.finishing = c.plugged
            state.status.settle(c, now)
        return UnlockStatus.UNLOCKED
