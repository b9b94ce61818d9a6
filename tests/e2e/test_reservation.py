"""The Reservation profile over real sockets (OCPP 1.6 sections 5.1, 5.13): the built-in central system
reserves a connector, the charger reports it Reserved, refuses another idTag, and the reserved idTag's
StartTransaction carries the reservationId; expiry and CancelReservation free the connector; a
reservation survives a restart."""

from __future__ import annotations

from conftest import Sim, SimFactory
from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import CallResult


async def ask(sim: Sim, action: str, payload: dict[str, object]) -> dict[str, object]:
    result = await sim.csms.call(sim.id, action, payload)
    assert isinstance(result, CallResult), result
    await sim.quiet()
    return result.payload


def in_csms_time(sim: Sim, seconds: float) -> str:
    """A time `seconds` from now on the central system's clock (the charger knows the offset)."""
    return format_time(sim.clock.now() + sim.station.charger.state.clock_offset + seconds)


async def test_reserve_then_the_reserved_tag_starts_with_the_reservation_id(sim: Sim) -> None:
    mark = sim.mark()
    payload = {"connectorId": 1, "expiryDate": in_csms_time(sim, 600), "idTag": "RES1", "reservationId": 5}
    assert await ask(sim, "ReserveNow", payload) == {"status": "Accepted"}
    assert sim.sent(mark) == [("StatusNotification", (1, "Reserved"))]
    assert (await sim.cmd("status")).startswith("Status: Reserved,")
    assert await sim.cmd("tag STRANGER") == "Tag not accepted. Error: Reserved"
    assert sim.calls("StartTransaction") == []
    mark = sim.mark()
    assert (await sim.cmd("tag RES1")).startswith("Tag Accepted.")
    start = sim.calls("StartTransaction", since=mark)[0].payload
    assert start["idTag"] == "RES1" and start["reservationId"] == 5
    assert ("StatusNotification", (1, "Preparing")) in sim.sent(mark)  # G2
    assert await ask(sim, "CancelReservation", {"reservationId": 5}) == {"status": "Rejected"}  # used


async def test_expiry_and_cancel_free_the_connector(sim: Sim) -> None:
    payload = {"connectorId": 1, "expiryDate": in_csms_time(sim, 120), "idTag": "RES1", "reservationId": 1}
    assert await ask(sim, "ReserveNow", payload) == {"status": "Accepted"}
    mark = sim.mark()
    await sim.advance(119)
    assert ("StatusNotification", (1, "Available")) not in sim.sent(mark)
    await sim.advance(2)
    assert ("StatusNotification", (1, "Available")) in sim.sent(mark)  # G1 at expiryDate
    payload = payload | {"reservationId": 2, "expiryDate": in_csms_time(sim, 600)}
    assert await ask(sim, "ReserveNow", payload) == {"status": "Accepted"}
    mark = sim.mark()
    assert await ask(sim, "CancelReservation", {"reservationId": 2}) == {"status": "Accepted"}
    assert sim.sent(mark) == [("StatusNotification", (1, "Available"))]
    assert await ask(sim, "CancelReservation", {"reservationId": 2}) == {"status": "Rejected"}


async def test_a_reservation_survives_a_restart(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory()
    payload = {"connectorId": 1, "expiryDate": in_csms_time(sim, 3600), "idTag": "RES1", "reservationId": 9}
    assert await ask(sim, "ReserveNow", payload) == {"status": "Accepted"}
    mark = sim.mark()
    again: Sim = await sim_factory()  # same data directory
    assert ("StatusNotification", (1, "Reserved")) in again.sent(mark)
    assert await ask(again, "ReserveNow", payload | {"reservationId": 10}) == {"status": "Occupied"}
