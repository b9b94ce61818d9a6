"""Reservation: ReserveNow (OCPP 1.6 sections 3.11, 5.13, 6.37, 6.38, 7.40) and CancelReservation (5.1,
6.5, 6.6, 7.5); the reservationId a StartTransaction carries when it uses a reservation (4.8, 5.13).

A reservation of a specific connector is a fact of that connector (`Connector.reservation_id`, which the
status settle turns into Reserved, A7); a reservation of connector 0 holds no connector but keeps one
Available connector free for its idTag while it lasts (5.13). Connector 0 reservations are not shown as
Reserved on any connector (the spec leaves it open, messages.md section 8); a foreign idTag is refused
on the last free connector instead.

A reservation ends (5.13): (1) when a transaction starts for its idTag or parentIdTag on its connector (any
connector for connector 0), the StartTransaction carrying its reservationId; (2) at expiryDate (the
connector goes back to Available, G1, with a StatusNotification); (3) when its connector or the charge
point becomes Faulted or Unavailable; and on CancelReservation. Every change is emitted as
`ReservationsChanged`, so reservations survive a restart.

OCPP 2.0.1 (part 2 H01-H04) on the same block: evseId n is connector n, no evseId is connector 0 (allowed
by ReservationCtrlr.NonEvseSpecific, which the adapter passes as `any_connector_supported`). A charger
that speaks 2.0.1 (`reports_ends`) also tells the CSMS when a reservation ends unused
(ReservationStatusUpdate, H04: Expired at expiryDateTime, Removed when its EVSE or the station goes
Faulted / Unavailable), and shows the EVSEs that connector 0 reservations hold as Reserved once the free
ones are no more than those reservations (H01.FR.20: "amount of EVSEs available equals the amount of
reservations"): `holds`.

expiryDate is the CSMS's time; the deadline on the charger's clock is expiryDate minus the clock offset
(the CSMS's time minus ours, from BootNotification.conf / Heartbeat.conf).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ocppsim.model.charger_state import EPS_S, ChargerState, Connector
from ocppsim.model.hardware import supports
from ocppsim.model.outgoing import Reservation, ReservationsChanged, ReservationStatusUpdateReq
from ocppsim.model.types import (
    CancelReservationStatus,
    ChargePointStatus,
    ReservationStatus,
    Timestamp,
)

__all__ = ["Reservations"]

S = ChargePointStatus
R = ReservationStatus


def _matches(r: Reservation, id_tag: str, parent_id_tag: str | None) -> bool:
    """Section 5.13: the reserved idTag, or an idTag whose parent idTag is the reservation's parent
    idTag (IdToken is case-insensitive, section 7.28)."""
    if r.id_tag.lower() == id_tag.lower():
        return True
    return (
        r.parent_id_tag is not None
        and parent_id_tag is not None
        and r.parent_id_tag.lower() == parent_id_tag.lower()
    )


def _may_match(r: Reservation, id_tag: str) -> bool:
    """Before the tag's parent is known: the reserved idTag, or any tag when a parent may match."""
    return r.parent_id_tag is not None or r.id_tag.lower() == id_tag.lower()


class Reservations:
    __slots__ = ("_by_id", "_s", "reports_ends")

    def __init__(self, state: ChargerState, reservations: Iterable[Reservation] | None, now: float) -> None:
        self._s = state
        # 2.0.1 H04 / H01.FR.20 (module docstring); a 1.6 charger ends reservations silently (5.13).
        self.reports_ends = "2.0.1" in state.params.ocpp_versions
        # None while there is no reservation: a fleet's chargers carry no empty dict.
        self._by_id: dict[int, Reservation] | None = None
        dropped = False
        for r in reservations or ():
            # At a restart: a reservation that expired while we were down, or whose connector is gone
            # (a smaller NumberOfConnectors), is dropped (and the store told so).
            c = state.connectors.get(r.connector_id)
            if r.expiry_date <= state.ts(now) or (
                r.connector_id != 0 and (c is None or c.reservation_id is not None)
            ):
                dropped = True
                continue
            self._add(r)
        if dropped:
            self._changed()

    # ------------------------------------------------------------------ what callers read

    @property
    def reservations(self) -> tuple[Reservation, ...]:
        """The reservations in force, by reservationId."""
        by_id = self._by_id
        return tuple(by_id[k] for k in sorted(by_id)) if by_id else ()

    def next_expiry(self) -> float | None:
        """When the first reservation expires, on the charger's clock (for `Charger.next_deadline`)."""
        by_id = self._by_id
        if not by_id:
            return None
        return min(r.expiry_date for r in by_id.values()) - self._s.clock_offset

    # ------------------------------------------------------------------ CS -> CP operations

    def reserve_now(
        self,
        connector_id: int,
        expiry_date: Timestamp,
        id_tag: str,
        reservation_id: int,
        now: float,
        *,
        parent_id_tag: str | None = None,
        any_connector_supported: bool | None = None,
    ) -> ReservationStatus:
        """Section 5.13. The same reservationId replaces that reservation (which may move to another
        connector: the new connector is judged as for a new reservation, the old one's hold ignored; a
        refused replacement leaves the old reservation as it was). `any_connector_supported`: whether
        connector 0 may be reserved (None: as ReserveConnectorZeroSupported says, 1.6)."""
        state = self._s
        state.advance(now)
        if not supports(state.config, "Reservation"):
            return R.REJECTED  # "configured not to accept reservations" (section 5.13, model/hardware.py)
        if expiry_date <= state.ts(now):
            return R.REJECTED  # nothing to hold: the expiryDate has passed already
        old = self._by_id.get(reservation_id) if self._by_id else None
        c: Connector | None = None
        if connector_id == 0:
            if any_connector_supported is None:
                any_connector_supported = state.config.get_bool("ReserveConnectorZeroSupported")
            if not any_connector_supported:
                return R.REJECTED
            status = self._charge_point_answer(old)
        else:
            c = state.connectors.get(connector_id)
            if c is None:
                return R.REJECTED  # no such connector: nothing this charge point can reserve
            status = self._connector_answer(c, old)
        if status is not R.ACCEPTED:
            return status
        if old is not None:
            self._remove(old)
        self._add(Reservation(reservation_id, connector_id, id_tag, expiry_date, parent_id_tag))
        self._changed()
        state.status.settle_all(now)  # A7 on the reserved connector (G1 on a replaced one)
        return R.ACCEPTED

    def cancel_reservation(self, reservation_id: int, now: float) -> CancelReservationStatus:
        """Section 5.1: Accepted when a reservation has this id (its connector back to Available, G1)."""
        state = self._s
        state.advance(now)
        r = self._by_id.get(reservation_id) if self._by_id else None
        if r is None:
            return CancelReservationStatus.REJECTED
        self._remove(r)
        self._changed()
        state.status.settle_all(now)
        return CancelReservationStatus.ACCEPTED

    # ------------------------------------------------------------------ time

    def tick(self, now: float) -> None:
        """Expire what reached its expiryDate (section 5.13). The aggregate settles right after: the
        connector goes back to Available with a StatusNotification (G1)."""
        by_id = self._by_id
        if not by_id:
            return
        reached = self._s.ts(now) + EPS_S
        expired = [r for r in by_id.values() if r.expiry_date <= reached]
        for r in expired:
            self._remove(r)
            self._report_end(r, "Expired")
        if expired:
            self._changed()

    # ------------------------------------------------------------------ hooks (ReservationHooks)

    def may_admit(self, c: Connector, id_tag: str) -> bool:
        """Whether `id_tag` may use `c`, before its parent idTag is known (a RemoteStartTransaction)."""
        return self._admits(c, lambda r: _may_match(r, id_tag))

    def admits(self, c: Connector, id_tag: str, parent_id_tag: str | None) -> bool:
        """Section 5.13: a reserved connector refuses every idTag but the reservation's (or one with its
        parent idTag); a connector 0 reservation keeps one free connector for its idTag."""
        return self._admits(c, lambda r: _matches(r, id_tag, parent_id_tag))

    def use(self, c: Connector, id_tag: str, parent_id_tag: str | None) -> int | None:
        """A transaction starts on `c`: the reservation it uses ends; its id goes into StartTransaction.
        The connector's own reservation first, else a connector 0 reservation of the tag."""
        by_id = self._by_id
        if not by_id:
            return None
        used = by_id.get(c.reservation_id) if c.reservation_id is not None else None
        if used is None or not _matches(used, id_tag, parent_id_tag):
            used = next(
                (r for r in by_id.values() if r.connector_id == 0 and _matches(r, id_tag, parent_id_tag)),
                None,
            )
        if used is None:
            return None
        self._remove(used)
        self._changed()
        return used.reservation_id

    def connector_lost(self, c: Connector) -> None:
        """The connector became Faulted or Unavailable: its reservation ends (section 5.13 (3))."""
        r = self._by_id.get(c.reservation_id) if self._by_id and c.reservation_id is not None else None
        c.reservation_id = None
        if r is not None:
            self._remove(r)
            self._report_end(r, "Removed")
            self._changed()

    def charge_point_lost(self, now: float) -> None:
        """The charge point (connector 0) became Faulted or Unavailable: every reservation ends."""
        if not self._by_id:
            return
        for r in list(self._by_id.values()):
            self._remove(r)
            self._report_end(r, "Removed")
        self._changed()
        self._s.status.settle_all(now)

    def holds(self, c: Connector) -> bool:
        """2.0.1 only: whether `c` is shown Reserved beyond 1.6's rule (reserved, nothing on it).
        H01.FR.20: free and reserved by no one, because connector 0 reservations need every free
        connector (the free ones are no more than those reservations). G03.FR.09 (errata 2023-12):
        reserved, and an EV connected but no idToken matching the reservation presented yet."""
        by_id = self._by_id
        if not by_id or not self.reports_ends:
            return False
        if c.reservation_id is not None:
            return c.plugged and c.session is None and c.tx is None and not c.finishing
        if not self._is_free(c):
            return False
        zero = self._zero_reservations(None)
        return zero > 0 and sum(1 for other in self._s.connectors.values() if self._is_free(other)) <= zero

    # ------------------------------------------------------------------ rules

    @staticmethod
    def _is_free(c: Connector) -> bool:
        """From the connector's facts (its status may not be settled yet): nothing on it, in service."""
        return (
            c.reservation_id is None
            and c.session is None
            and c.tx is None
            and not c.plugged
            and not c.finishing
            and c.operative
            and not c.faulted
        )

    def _admits(self, c: Connector, match: Callable[[Reservation], bool]) -> bool:
        by_id = self._by_id
        if not by_id:
            return True
        if c.reservation_id is not None:
            own = by_id.get(c.reservation_id)
            return own is None or match(own)
        # Connector 0 reservations the tag does not use must each keep a free connector besides `c`.
        others = sum(1 for r in by_id.values() if r.connector_id == 0 and not match(r))
        return others == 0 or self._free_count(exclude=c) >= others

    def _free_count(self, *, exclude: Connector | None = None, old: Reservation | None = None) -> int:
        """Connectors a connector 0 reservation can count on: Available and held by no reservation
        (`old`, being replaced, holds nothing)."""
        old_id = old.reservation_id if old is not None else None
        return sum(
            1
            for c in self._s.connectors.values()
            if c is not exclude
            and c.session is None
            and c.tx is None
            and not c.plugged
            and (
                (c.status is S.AVAILABLE and c.reservation_id is None)
                # 2.0.1: a connector shown Reserved for connector 0 reservations (holds) is still free.
                or (self.reports_ends and c.status is S.RESERVED and c.reservation_id is None)
                or (c.status is S.RESERVED and old_id is not None and c.reservation_id == old_id)
            )
        )

    def _zero_reservations(self, old: Reservation | None) -> int:
        by_id = self._by_id
        if not by_id:
            return 0
        return sum(1 for r in by_id.values() if r.connector_id == 0 and r is not old)

    def _connector_answer(self, c: Connector, old: Reservation | None) -> ReservationStatus:
        """Section 5.13: Faulted / Unavailable when the connector or the charge point is; Occupied when
        the connector is in use or reserved (for any idTag) or is the free connector a connector 0
        reservation needs."""
        status0 = self._s.status0
        if c.status is S.FAULTED or status0 is S.FAULTED:
            return R.FAULTED
        if c.status is S.UNAVAILABLE or status0 is S.UNAVAILABLE:
            return R.UNAVAILABLE
        held_by_other = c.reservation_id is not None and (
            old is None or c.reservation_id != old.reservation_id
        )
        in_use = (
            c.tx is not None
            or c.session is not None
            or c.plugged
            or c.finishing
            or c.status not in (S.AVAILABLE, S.RESERVED)
        )
        if held_by_other or in_use:
            return R.OCCUPIED
        zero = self._zero_reservations(old)
        if zero and c.reservation_id is None and self._free_count(exclude=c, old=old) < zero:
            return R.OCCUPIED
        return R.ACCEPTED

    def _charge_point_answer(self, old: Reservation | None) -> ReservationStatus:
        """Connector 0 (section 5.13): Accepted while a free connector is left beyond those other
        connector 0 reservations hold; otherwise what keeps the connectors from being free."""
        state = self._s
        if state.status0 is S.FAULTED:
            return R.FAULTED
        if state.status0 is S.UNAVAILABLE:
            return R.UNAVAILABLE
        if self._free_count(old=old) > self._zero_reservations(old):
            return R.ACCEPTED
        statuses = {c.status for c in state.connectors.values()}
        if statuses - {S.FAULTED, S.UNAVAILABLE}:
            return R.OCCUPIED  # in use, reserved, or held by connector 0 reservations
        return R.FAULTED if S.FAULTED in statuses else R.UNAVAILABLE

    # ------------------------------------------------------------------ the records

    def _add(self, r: Reservation) -> None:
        if self._by_id is None:
            self._by_id = {}
        self._by_id[r.reservation_id] = r
        if r.connector_id != 0:
            self._s.connectors[r.connector_id].reservation_id = r.reservation_id

    def _remove(self, r: Reservation) -> None:
        by_id = self._by_id
        assert by_id is not None
        del by_id[r.reservation_id]
        if not by_id:
            self._by_id = None
        c = self._s.connectors.get(r.connector_id)
        if c is not None and c.reservation_id == r.reservation_id:
            c.reservation_id = None

    def _report_end(self, r: Reservation, status: str) -> None:
        if self.reports_ends:
            self._s.emit(ReservationStatusUpdateReq(r.reservation_id, status))

    def _changed(self) -> None:
        self._s.emit(ReservationsChanged(self.reservations))
