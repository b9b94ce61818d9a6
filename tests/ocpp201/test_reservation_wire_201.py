"""The adapters and the reservation block's ReservationStatusUpdate (2.0.1 H04): the 2.0.1 wire sends it
as the schema has it, the 1.6 wire drops it (a charger offering both versions that a CSMS took on 1.6)."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import ReservationStatusUpdateReq
from ocppsim.model.types import RegistrationStatus, ReservationStatus, Timestamp
from ocppsim.ocpp16.wire import Wire16
from ocppsim.ocpp201.wire import Wire201

T0 = 1_700_000_000.0


def booted(**params: Any) -> Charger:
    ch = Charger(ChargerParams("CP", strict_transitions=True, **params), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch


def test_a_charger_offering_both_versions_taken_on_16_sends_no_reservation_status_update() -> None:
    """ReservationStatusUpdate has no 1.6 message: the 1.6 adapter drops it (runtime/outbox.py `wanted`)."""
    ch = booted(ocpp_versions=("1.6", "2.0.1"))
    assert ch.reservation.reserve_now(1, Timestamp(T0 + 60), "OWNER", 1, T0) is ReservationStatus.ACCEPTED
    ch.drain()
    ch.tick(T0 + 61)
    [update] = [e for e in ch.drain() if isinstance(e, ReservationStatusUpdateReq)]
    assert Wire16(ch).wanted(update) is False
    wire = Wire201(ch)
    assert wire.wanted(update) is True
    assert wire.prepare(update) == (
        "ReservationStatusUpdate",
        {"reservationId": 1, "reservationUpdateStatus": "Expired"},
    )
