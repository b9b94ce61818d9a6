"""Availability and faults: ChangeAvailability (OCPP 1.6 section 5.2) and the errors a connector or the
charge point reports (section 4.9 StatusNotification errorCode; 7.6 ChargePointErrorCode).

A connector that is in use when it is made Inoperative is Scheduled: it goes Unavailable once free.
Connector 0 stands for every connector; it reports Unavailable once all of them are. What was set
Inoperative (Scheduled included) persists across a reboot and a restart (section 5.2: "Connector set to
Unavailable shall persist a reboot"): every change is an `AvailabilityChanged` effect for the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.charger_state import ChargerState, Fault
from ocppsim.model.outgoing import AvailabilityChanged
from ocppsim.model.status_table import WARNING_ONLY_ERRORS
from ocppsim.model.types import AvailabilityStatus, AvailabilityType, ChargePointStatus

__all__ = ["Availability"]

S = ChargePointStatus


class Availability:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    @staticmethod
    def restore(state: ChargerState, inoperative: Iterable[int]) -> None:
        """What was set Inoperative before the restart (the store's record): Unavailable from the start."""
        for cid in inoperative:
            if cid == 0:
                state.inoperative0 = True
                state.status0 = S.UNAVAILABLE
            elif cid in state.connectors:
                state.connectors[cid].operative = False

    @staticmethod
    def inoperative(state: ChargerState) -> tuple[int, ...]:
        """What is set Inoperative, applied or Scheduled (0 = the charge point)."""
        ids = [0] if state.inoperative0 else []
        ids += [c.id for c in state.connectors.values() if not c.operative or c.pending_inoperative]
        return tuple(ids)

    def change_availability(
        self, connector_id: int, kind: AvailabilityType, now: float
    ) -> AvailabilityStatus:
        """Section 5.2: Scheduled when a transaction runs; the change happens when it ends."""
        state = self._s
        state.advance(now)
        connectors = state.connectors
        if connector_id != 0 and connector_id not in connectors:
            return AvailabilityStatus.REJECTED
        before = self.inoperative(state)
        targets = list(connectors.values()) if connector_id == 0 else [connectors[connector_id]]
        operative = kind is AvailabilityType.OPERATIVE
        scheduled = False
        for c in targets:
            if operative:
                c.pending_inoperative = False
                c.operative = True
            elif c.tx is not None or c.status is S.PREPARING:
                # A transaction runs, or a driver is starting one (the table has no Preparing ->
                # Unavailable): Scheduled, applied when the connector is free again.
                c.pending_inoperative = True
                scheduled = True
            else:
                c.operative = False
        if connector_id == 0:
            state.inoperative0 = not operative
            # Connector 0 follows at once, or (Scheduled) when the last connector is free: core/status.py.
            if operative or not scheduled:
                self.report0(state, now)
        elif operative and state.inoperative0:
            state.inoperative0 = False  # a connector in use again: the charge point is no longer all out
            self.report0(state, now)
        state.status.settle_all(now)
        after = self.inoperative(state)
        if after != before:
            state.emit(AvailabilityChanged(after))
        return AvailabilityStatus.SCHEDULED if scheduled else AvailabilityStatus.ACCEPTED

    @staticmethod
    def report0(state: ChargerState, now: float) -> None:
        """Connector 0's availability status now (unless it is Faulted), reported when it changed."""
        new0 = S.UNAVAILABLE if state.inoperative0 else S.AVAILABLE
        if new0 is not state.status0 and state.status0 is not S.FAULTED:
            state.status0 = new0
            if state.accepted:
                state.emit(state.status.status_req(0, new0, None, now))
            if new0 is S.UNAVAILABLE:
                state.reservations.charge_point_lost(now)  # section 5.13: reservations end

    def set_fault(self, connector_id: int, fault: Fault | None, now: float) -> ChargePointStatus:
        """Inject (or clear, with None) an error on a connector; connector 0 for the charge point."""
        state = self._s
        state.advance(now)
        if connector_id == 0:
            faulted = fault is not None and fault.error_code not in WARNING_ONLY_ERRORS
            unavailable = S.UNAVAILABLE if state.inoperative0 else S.AVAILABLE
            state.status0 = S.FAULTED if faulted else unavailable
            if state.accepted:
                state.emit(state.status.status_req(0, state.status0, fault, now))
            if state.status0 is S.FAULTED:
                state.reservations.charge_point_lost(now)  # section 5.13: reservations end
            return state.status0
        c = state.conn(connector_id)
        c.fault = fault
        state.status.settle(c, now, force_notify=True)
        return c.status
