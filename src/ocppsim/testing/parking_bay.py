"""The parking bay sensor of a charger in a test (OCPP 2.0.1 TxStartPoint / TxStopPoint
ParkingBayOccupancy, part 2 E01 S1 and E06 / TC_E_12): an EV enters or leaves the bay before or after its
cable. Its own part of the pytest plugin's Charger (`charger.bay.arrive()`), as expert mode is
(expert_mode.py): the Charger keeps to its driving and expecting helpers. The text commands `arrive` /
`depart` underneath, so the replies are theirs."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ocppsim.testing.harness import SimCharger

__all__ = ["ParkingBay", "WaitsInLoop"]

T = TypeVar("T")


class WaitsInLoop(Protocol):
    """The simulator's event loop, as the plugin's Simulator offers it: a coroutine runs there."""

    async def wait(self, coro: Coroutine[Any, Any, T]) -> T: ...


class ParkingBay:
    """The bay sensor of each connector of one charger (connector 1 unless given)."""

    def __init__(self, loop: WaitsInLoop, charger: SimCharger) -> None:
        self._loop = loop
        self._charger = charger

    async def arrive(self, connector: int = 1) -> str:
        """An EV enters the bay: 'EV in the parking bay. Status <status>' ('Parking bay already
        occupied' when one is there). With TxStartPoint ParkingBayOccupancy a 2.0.1 station starts a
        transaction (TransactionEvent Started, EVDetected). Plugging in implies the arrival."""
        __tracebackhide__ = True
        return await self._loop.wait(self._charger.command("arrive", connector=connector))

    async def depart(self, connector: int = 1) -> str:
        """The EV leaves the bay: 'EV left the parking bay. Status <status>' ('Parking bay already free'
        when none is there). With TxStopPoint ParkingBayOccupancy it ends the transaction
        (EVDeparted)."""
        __tracebackhide__ = True
        return await self._loop.wait(self._charger.command("depart", connector=connector))
