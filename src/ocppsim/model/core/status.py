"""Connector status (OCPP 1.6 sections 4.9 StatusNotification and 7.7 ChargePointStatus).

Status is never set by hand: after every input a connector's facts (fault, availability, plug, session,
transaction, offer, EV) are settled into a target status, and each change is checked against the
transition table of section 4.9 (`core.status_table.TRANSITIONS`). A transaction starts from here when
its preconditions hold (section 4.8 / 5.11: authorized and plugged; on 2.0.1 the configured TxStartPoint,
transactions/points.py), so every path to Charging is the same.
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState, Connector, Fault
from ocppsim.model.outgoing import StatusNotificationReq
from ocppsim.model.status_table import (
    CONNECTOR_ZERO_STATUSES,
    IllegalTransitionError,
    is_allowed,
)
from ocppsim.model.types import ChargePointErrorCode, ChargePointStatus

__all__ = ["StatusSettler"]

S = ChargePointStatus


class StatusSettler:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def _start_trigger(self, c: Connector) -> str | None:
        """Whether a transaction starts on `c` now: None, or the triggerReason of its 2.0.1 Started
        event. On 1.6 (section 4.8 / 5.11) once authorized and plugged; on 2.0.1 at the first configured
        TxStartPoint reached (E01, transactions/points.py)."""
        if c.tx is not None or c.finishing:
            return None
        state = self._s
        if not c.operative or c.faulted:
            return None
        if state.firmware_hold:  # installing firmware (section 5.19)
            return None
        if state.registration is None and not state.ever_accepted:
            return None
        # delay_notrans: no transaction while the EV would not draw (or could not be offered enough).
        if c.delay_notrans and (not c.ev.draws or c.offer_a < state.params.min_to_start_a):
            return None
        if state.tx_points:
            return state.transactions.points.start_trigger(c)
        s = c.session
        if s is None or not s.authorized or not c.plugged:
            return None
        return "Authorized"

    def _target(self, c: Connector) -> ChargePointStatus:
        if c.faulted:
            return S.FAULTED
        if c.finishing and (c.plugged or c.cable_locked):
            return S.FINISHING
        if c.tx is None and (not c.operative or self._s.firmware_hold):
            return S.UNAVAILABLE
        s = c.session
        tx = c.tx
        if tx is not None and tx.awaiting_ev:
            return S.PREPARING  # started at authorization, the cable not in yet (2.0.1 E03)
        if tx is not None and self._s.tx_points:
            # 2.0.1 (transactions/points.py): a transaction waiting for its token (started in the bay or
            # at the cable) or stopped and waiting for its stop point charges nothing; one whose cable
            # left goes on without it (the connector is free: Available).
            if not c.plugged:
                return S.AVAILABLE
            if tx.stop_reason is not None:
                return S.SUSPENDED_EVSE
            if not tx.authorized:
                return S.PREPARING
        if c.tx is not None or (s is not None and s.authorized and c.plugged):
            if c.offer_a < self._s.params.min_to_start_a or (c.tx is not None and c.tx.deauthorized):
                return S.SUSPENDED_EVSE
            if not c.ev.draws or not c.plugged:
                return S.SUSPENDED_EV
            return S.CHARGING
        if c.plugged and s is None and self._s.reservations.holds(c):
            return S.RESERVED  # 2.0.1 G03.FR.09: an EV connecting leaves a reserved EVSE Reserved
        if s is not None or c.plugged:
            return S.PREPARING
        if c.reservation_id is not None or self._s.reservations.holds(c):
            return S.RESERVED  # ReserveNow (section 5.13, A7); 2.0.1 H01.FR.20 (reservation/block.py)
        return S.AVAILABLE

    def settle_all(self, now: float, *, notify: bool = True) -> None:
        self._s.offers.refresh_offers(now)
        for c in self._s.connectors.values():
            self._settle_one(c, now, notify=notify)
        if self._s.inoperative0:
            self._connector0_follows(now, notify=notify)

    def settle(self, c: Connector, now: float, *, notify: bool = True, force_notify: bool = False) -> None:
        """Settle `c`, then the other connectors: sharing a ChargePointMaxProfile couples their offers."""
        self._s.offers.refresh_offers(now)
        self._settle_one(c, now, notify=notify, force_notify=force_notify)
        for other in self._s.connectors.values():
            if other is not c:
                self._settle_one(other, now, notify=notify)
        if self._s.inoperative0:
            self._connector0_follows(now, notify=notify)

    def _connector0_follows(self, now: float, *, notify: bool) -> None:
        """ChangeAvailability Inoperative on connector 0 was Scheduled (section 5.2): connector 0 goes
        Unavailable once the last connector has."""
        state = self._s
        if state.status0 is not S.AVAILABLE:
            return
        if any(c.pending_inoperative for c in state.connectors.values()):
            return
        state.status0 = S.UNAVAILABLE
        if notify and state.accepted:
            state.emit(self.status_req(0, S.UNAVAILABLE, None, now))

    def _settle_one(
        self, c: Connector, now: float, *, notify: bool = True, force_notify: bool = False
    ) -> None:
        state = self._s
        if c.pending_inoperative and c.tx is None and c.session is None and not c.plugged:
            c.pending_inoperative = False
            c.operative = False
        points = state.transactions.points if state.tx_points else None
        if points is not None:
            if c.plugged and not c.bay_occupied:
                c.bay_occupied = True  # plugging in implies an EV in the bay (ParkingBayOccupancy)
            points.follow_points(c, now)  # a token after the start; EnergyTransfer's end (E01, E06)
        trigger = self._start_trigger(c)
        started = trigger is not None
        if started and state.hardware.lock_fails_now:
            # The cable cannot be locked: no transaction, the attempt ends, the connector Faulted with
            # ConnectorLockFailure (sections 4.9, 7.6; OCTT TC_024) until the fault is cleared.
            started = False
            c.session = None
            c.fault = Fault(ChargePointErrorCode.CONNECTOR_LOCK_FAILURE)
        if c.tx is not None and c.tx.awaiting_ev and c.plugged:
            c.tx.awaiting_ev = False  # the cable came within EVConnectionTimeOut (2.0.1 E03)
        if started:
            # Refreshes the offers: a TxProfile may come with it.
            state.transactions.start(c, now, trigger if points is not None else None)
        target = self._target(c)
        if target is not c.status:
            # The EV stops drawing before the EVSE reports it offers too little (compatibility contract:
            # "SuspendedEV then SuspendedEVSE").
            if target is S.UNAVAILABLE and c.status is S.PREPARING:
                # B1 (intended use ended) then A8: Preparing -> Unavailable is not in the table.
                self.transition(c, S.AVAILABLE, now, notify=notify)
            elif c.status is S.RESERVED and not is_allowed(c.status, target):
                # 2.0.1 H03.FR.10: the EV waited on the Reserved EVSE (G03.FR.09) and the reservation's
                # idToken came: G2 first.
                self.transition(c, S.PREPARING, now, notify=notify)
            elif target is S.RESERVED and not is_allowed(c.status, target):
                # The reserved connector is free again (a session timed out, the cable left after a
                # transaction that did not use the reservation): B1 / F1, then A7.
                self.transition(c, S.AVAILABLE, now, notify=notify)
            if (
                target is S.SUSPENDED_EVSE
                and c.status in (S.CHARGING, S.PREPARING)
                and c.offer_a < state.params.min_to_start_a
            ):
                self.transition(c, S.SUSPENDED_EV, now, notify=notify)
            self.transition(c, target, now, notify=notify)
        elif force_notify and notify and state.accepted:
            self.report_now(c, now)  # an error code set or cleared is reported at once
        c.current_a = (
            c.ev.current(c.offer_a, c.max_cap) if c.status is S.CHARGING and c.tx is not None else 0.0
        )
        if started and c.tx is not None:
            # MeterValues Transaction.Begin right after StartTransaction (compatibility contract `tag`).
            state.metering.begin_values(c, c.tx, now)
        if points is not None:
            points.report_changes(c, now)  # CablePluggedIn, EVCommunicationLost, ChargingStateChanged

    def transition(self, c: Connector, new: ChargePointStatus, now: float, *, notify: bool = True) -> None:
        old = c.status
        if old is new:
            return
        state = self._s
        if not is_allowed(old, new):
            if state.illegal_transitions is None:
                state.illegal_transitions = []
            state.illegal_transitions.append((c.id, old, new))
            if state.params.strict_transitions:
                raise IllegalTransitionError(f"connector {c.id}: {old} -> {new}")
        c.status = new
        if c.reservation_id is not None and (new is S.FAULTED or new is S.UNAVAILABLE):
            state.reservations.connector_lost(c)  # section 5.13: the reservation ends
        if new is S.CHARGING:
            state.charging_connectors += 1
        elif old is S.CHARGING:
            state.charging_connectors -= 1
        if notify and state.accepted:
            self._report(c, now)

    def _report(self, c: Connector, now: float) -> None:
        """Section 9.1 MinimumStatusDuration: a status is reported once it has been stable that long (0:
        at once). One that ends sooner is never reported; one that returns to what the CSMS was last told
        is nothing to report. The report carries the instant of the change."""
        hold = self._s.config.get_int("MinimumStatusDuration")
        if hold <= 0:
            self.report_now(c, now)
        elif c.status is c.reported_status:
            c.held_since = None
        else:
            c.held_since = now

    def report_now(self, c: Connector, now: float) -> None:
        """A StatusNotification of the connector now (boot, TriggerMessage): nothing stays held."""
        self._s.emit(self.status_req(c.id, c.status, c.fault, now))
        c.reported_status = c.status
        c.held_since = None

    def release_held(self, now: float) -> None:
        """At a tick: report the statuses that have now been stable for MinimumStatusDuration."""
        hold = self._s.config.get_int("MinimumStatusDuration")
        for c in self._s.connectors.values():
            since = c.held_since
            if since is not None and now >= since + hold - 1e-6:
                self._s.emit(self.status_req(c.id, c.status, c.fault, since))
                c.reported_status = c.status
                c.held_since = None

    def held_deadline(self, c: Connector) -> float:
        """When the status held back on `c` is due (only for a connector with `held_since`)."""
        assert c.held_since is not None
        return c.held_since + self._s.config.get_int("MinimumStatusDuration")

    def status_req(
        self, connector_id: int, status: ChargePointStatus, fault: Fault | None, now: float
    ) -> StatusNotificationReq:
        return StatusNotificationReq(
            connector_id=connector_id,
            status=status,
            error_code=fault.error_code if fault else ChargePointErrorCode.NO_ERROR,
            timestamp=self._s.ts(now),
            info=fault.info if fault else None,
            vendor_error_code=fault.vendor_error_code if fault else None,
        )

    def notify_all(self, now: float) -> None:
        """One StatusNotification for connector 0 and each connector (errata 3.22, TriggerMessage)."""
        state = self._s
        assert state.status0 in CONNECTOR_ZERO_STATUSES
        state.emit(self.status_req(0, state.status0, None, now))
        for c in state.connectors.values():
            self.report_now(c, now)
