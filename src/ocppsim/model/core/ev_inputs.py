"""The physical side of a connector: the cable and the EV behind it (what a driver or a test does to the
charger, not what the CSMS asks). Plugging and unplugging drive the connector status of OCPP 1.6 section
4.9; unplugging during a transaction follows StopTransactionOnEVSideDisconnect (section 9.1).
"""

from __future__ import annotations

from enum import Enum

from ocppsim.model.charger_state import EPS_S, ChargerState, Connector
from ocppsim.model.outgoing import DataTransferReq
from ocppsim.model.status_table import TRANSACTION_STATES
from ocppsim.model.types import ChargePointStatus, Reason

__all__ = ["EvInputs", "UnplugOutcome"]

S = ChargePointStatus


class UnplugOutcome(Enum):
    NOTHING = "nothing"
    AVAILABLE = "available"
    STOPPED = "stopped"
    EV_SIDE_SUSPENDED = "ev_side_suspended"


class EvInputs:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    @staticmethod
    def full_after_reached(state: ChargerState, now: float) -> None:
        """At a tick, `fullafter`: the EV stops drawing once the session has taken that much energy."""
        for c in state.connectors.values():
            if c.ev.full_after_wh is not None and c.status is S.CHARGING:
                power = state.power(c)
                missing = c.ev.full_after_wh - c.session_energy
                if missing <= 0 or (power > 0 and missing * 3600.0 / power < EPS_S):
                    c.ev.suspended = True

    def plug_in(self, connector_id: int, now: float) -> bool:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        if c.plugged:
            return False
        if state.tx_points and not c.bay_occupied:
            # The EV drove into the bay before its cable came (2.0.1 TxStartPoint ParkingBayOccupancy:
            # Started EVDetected, then CablePluggedIn); the bay is freed with the unplug.
            c.bay_occupied = True
            state.status.settle(c, now)
        c.plugged = True
        c.plugged_at = now  # ConnectionTimeOut counts from here when no tag comes (section 9.1)
        c.cable_after_token = c.session is not None
        state.status.settle(c, now)
        return True

    def arrive(self, connector_id: int, now: float) -> bool:
        """A bay sensor: an EV drove into the connector's parking bay (2.0.1 TxStartPoint
        ParkingBayOccupancy, E01 S1: Started with triggerReason EVDetected). The bay stays occupied
        until `depart`, whatever the cable does. False: the bay was occupied already."""
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        occupied = c.bay_occupied
        c.bay_occupied = c.bay_explicit = True
        if occupied:
            return False
        state.status.settle(c, now)
        return True

    def depart(self, connector_id: int, now: float) -> bool:
        """A bay sensor: the EV left the bay (with its cable, if still in: unplugged first). 2.0.1
        TxStopPoint ParkingBayOccupancy ends the transaction (E06 S1, triggerReason EVDeparted).
        False: the bay was empty."""
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        if not c.bay_occupied:
            return False
        c.bay_explicit = True  # this input, not the unplug, frees the bay
        if c.plugged:
            self.unplug(connector_id, now)
        c.bay_occupied = c.bay_explicit = False
        if state.tx_points and c.tx is not None:
            state.transactions.points.departed(c, now, explicit=True)
        state.status.settle(c, now)
        return True

    def unplug(self, connector_id: int, now: float) -> UnplugOutcome:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        if state.tx_points and c.tx is not None:
            return self._unplug_points(c, now)
        if c.tx is not None and c.status in TRANSACTION_STATES:
            if not state.config.get_bool("StopTransactionOnEVSideDisconnect"):
                # The transaction goes on; the EV stops drawing (connector-states.md section 3).
                c.plugged = False
                c.unplugs += 1
                c.session_energy = 0.0
                state.status.settle(c, now)
                return UnplugOutcome.EV_SIDE_SUSPENDED
            # The EV stops drawing first, then the transaction ends (compatibility contract).
            if c.status is S.CHARGING:
                c.current_a = 0.0
                state.status.transition(c, S.SUSPENDED_EV, now)
            state.transactions.stop(c, Reason.EV_DISCONNECTED, now)
            state.status.settle(c, now)
            outcome = UnplugOutcome.STOPPED
        elif not c.plugged and c.status is S.AVAILABLE:
            outcome = UnplugOutcome.NOTHING
        else:
            outcome = UnplugOutcome.AVAILABLE
        c.plugged = False
        c.unplugs += 1
        c.cable_after_token = False
        # UnlockConnectorOnEVSideDisconnect=false: the charger keeps its side of the cable locked after
        # the EV-side stop, so the connector stays occupied (Finishing) until unlocked (section 9.1).
        # A fixed cable stays with the charge point: nothing to keep locked (errata 3.83).
        c.cable_locked = (
            outcome is UnplugOutcome.STOPPED
            and not state.hardware.fixed_cable
            and not state.config.get_bool("UnlockConnectorOnEVSideDisconnect")
        )
        c.finishing = c.cable_locked
        c.session = None
        c.session_energy = 0.0
        c.ev.suspended = False
        if not c.bay_explicit:
            c.bay_occupied = False  # the bay an unplug implied is free with it
        state.status.settle(c, now)
        return outcome

    def _unplug_points(self, c: Connector, now: float) -> UnplugOutcome:
        """The cable leaves during a 2.0.1 transaction: it ends when a TxStopPoint says so (EVConnected,
        PowerPathClosed, EnergyTransfer; Authorized with StopTxOnEVSideDisconnect, E10), else it goes on
        and an Updated event (EVCommunicationLost, chargingState Idle) reports the change."""
        state = self._s
        if not c.plugged:
            return UnplugOutcome.NOTHING  # the transaction went on after an earlier unplug
        c.plugged = False
        c.unplugs += 1
        c.cable_after_token = False
        c.session_energy = 0.0
        points = state.transactions.points
        if points.unplugged(c, now):
            outcome = UnplugOutcome.STOPPED
            c.cable_locked = not state.hardware.fixed_cable and not state.config.get_bool(
                "UnlockConnectorOnEVSideDisconnect"
            )
            c.finishing = c.cable_locked
            c.session = None
            c.ev.suspended = False
        else:
            outcome = UnplugOutcome.EV_SIDE_SUSPENDED
        if not c.bay_explicit and c.bay_occupied:
            c.bay_occupied = False  # the bay the cable implied is free with it
            if c.tx is not None:
                state.status.settle(c, now)  # the unplug is reported before the departure
            if c.tx is not None:
                points.departed(c, now, explicit=False)
        state.status.settle(c, now)
        return outcome

    def suspend_ev(self, connector_id: int, now: float) -> bool:
        """`full` / `suspend`: the EV stops taking energy. Needs a transaction."""
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        if c.tx is None or c.status not in TRANSACTION_STATES:
            return False
        c.ev.suspended = True
        state.status.settle(c, now)
        return True

    def resume_ev(self, connector_id: int, now: float) -> ChargePointStatus:
        return self.set_delay(connector_id, False, now)

    def set_delay(self, connector_id: int, delay: bool, now: float) -> ChargePointStatus:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        c.ev.suspended = delay
        state.status.settle(c, now)
        return c.status

    def set_delay_notrans(self, connector_id: int, value: bool, now: float) -> None:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        c.delay_notrans = value
        state.status.settle(c, now)

    def set_full_after(self, connector_id: int, wh: float | None, now: float) -> None:
        state = self._s
        state.advance(now)
        state.conn(connector_id).ev.full_after_wh = wh
        state.ticker.tick(now)  # the limit may already be reached

    def set_max_usage(self, connector_id: int, amps: float | None, now: float) -> None:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        c.max_cap = amps
        state.status.settle(c, now)

    def configure_ev(
        self,
        connector_id: int,
        *,
        capacity_wh: float | None = None,
        soc: float | None = None,
        max_current: float | None = None,
        phases: int | None = None,
        now: float,
    ) -> None:
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        ev = c.ev
        if capacity_wh is not None:
            ev.capacity_wh = capacity_wh
        if soc is not None:
            ev.soc = min(100.0, max(0.0, soc))
        if max_current is not None:
            ev.max_current = max_current
        if phases is not None:
            ev.phases = phases
        state.status.settle(c, now)

    def data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> DataTransferReq:
        """Send a CP->CS DataTransfer (section 4.3); the answer goes back to whoever asked."""
        request = DataTransferReq(vendor_id, message_id, data)
        self._s.emit(request)
        return request
