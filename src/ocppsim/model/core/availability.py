"""Availability and faults: ChangeAvailability (OCPP 1.6 section 5.2) and the errors a connector or the
charge point reports (section 4.9 StatusNotification errorCode; 7.6 ChargePointErrorCode).

A connector that is in use when it is made Inoperative is Scheduled: it goes Unavailable once free.
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState, Fault
from ocppsim.model.status_table import WARNING_ONLY_ERRORS
from ocppsim.model.types import AvailabilityStatus, AvailabilityType, ChargePointStatus

__all__ = ["Availability"]

S = ChargePointStatus


class Availability:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def change_availability(
        self, connector_id: int, kind: AvailabilityType, now: float
    ) -> AvailabilityStatus:
        """Section 5.2: Scheduled when a transaction runs; the change happens when it ends."""
        state = self._s
        state.advance(now)
        connectors = state.connectors
        if connector_id != 0 and connector_id not in connectors:
            return AvailabilityStatus.REJECTED
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
            new0 = S.AVAILABLE if operative else S.UNAVAILABLE
            if not operative and scheduled:
                new0 = state.status0
            if new0 is not state.status0 and state.status0 is not S.FAULTED:
                state.status0 = new0
                if state.accepted:
                    state.emit(state.status.status_req(0, new0, None, now))
                if new0 is S.UNAVAILABLE:
                    state.reservations.charge_point_lost(now)  # section 5.13: reservations end
        state.status.settle_all(now)
        return AvailabilityStatus.SCHEDULED if scheduled else AvailabilityStatus.ACCEPTED

    def set_fault(self, connector_id: int, fault: Fault | None, now: float) -> ChargePointStatus:
        """Inject (or clear, with None) an error on a connector; connector 0 for the charge point."""
        state = self._s
        state.advance(now)
        if connector_id == 0:
            state.status0 = (
                S.FAULTED if fault and fault.error_code not in WARNING_ONLY_ERRORS else S.AVAILABLE
            )
            if state.accepted:
                state.emit(state.status.status_req(0, state.status0, fault, now))
            if state.status0 is S.FAULTED:
                state.reservations.charge_point_lost(now)  # section 5.13: reservations end
            return state.status0
        c = state.conn(connector_id)
        c.fault = fault
        state.status.settle(c, now, force_notify=True)
        return c.status
