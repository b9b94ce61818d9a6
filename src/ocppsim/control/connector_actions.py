"""What a person does at a connector and what came of it, once the CSMS answered: shared by the text
command interface (which words the replies as the original did) and the REST API (which returns JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocppsim.model.charger import TagOutcome, TagStep, UnplugOutcome
from ocppsim.model.outgoing import AuthorizeReq, DataTransferReq, StopTransactionReq
from ocppsim.model.vehicles import VehicleRegistry
from ocppsim.runtime.station import Station

__all__ = [
    "SwipeResult",
    "TagResult",
    "UnplugResult",
    "answer_timeout",
    "data_transfer",
    "present_tag",
    "swipe",
    "unplug",
]


@dataclass(frozen=True, slots=True)
class TagResult:
    stopping: bool  # the tag ended the running transaction (or session): StopTransaction reason Local
    outcome: TagOutcome | None  # None: no answer to Authorize (and no local decision)


@dataclass(frozen=True, slots=True)
class SwipeResult:
    """A badge swipe (section 3.10 / 4.10 / 9.1): `stopping` with `had_transaction` False is a session
    cancelled before the cable; `in_use`: the connector waits for another idTag's cable, nothing changed;
    otherwise `outcome` (None: no answer to Authorize), whose `stopped` says what a tag of another idTag
    did to the running transaction."""

    stopping: bool
    had_transaction: bool
    in_use: bool
    outcome: TagOutcome | None


@dataclass(frozen=True, slots=True)
class UnplugResult:
    outcome: UnplugOutcome
    id_tag_info: Any = None  # StopTransaction.conf idTagInfo (a dict), when a transaction was stopped


def answer_timeout(station: Station) -> float:
    """How long a person waits for the CSMS: MessageTimeout plus a second."""
    return float(station.charger.config.get_int("MessageTimeout")) + 1.0


def _arrives(
    station: Station, connector: int, id_tag: str, vehicles: VehicleRegistry, registered_only: bool
) -> None:
    """A new session begins: the EV of this tag (or the default EV) is the one plugged in."""
    vehicle = vehicles.get(id_tag) if registered_only else vehicles.for_tag(id_tag)
    if vehicle is None:
        return
    station.run_model(
        lambda now: station.charger.ev_inputs.configure_ev(
            connector,
            capacity_wh=vehicle.capacity_wh,
            soc=vehicle.initial_soc,
            max_current=vehicle.current_limit(station.charger.voltage),
            phases=vehicle.phases,
            now=now,
        )
    )


async def present_tag(
    station: Station,
    connector: int,
    id_tag: str,
    *,
    vehicles: VehicleRegistry | None = None,
    registered_only: bool = False,
) -> TagResult:
    """Present `id_tag`: stop what runs, or authorize (waiting for the CSMS) and start. With `vehicles`,
    a tag that starts a new session brings its EV (battery, SoC, current, phases): the registered one or
    the default EV; with `registered_only`, an unregistered tag leaves the EV as it is (the text
    interface, whose sessions behave as the original's unless somebody registered a vehicle)."""
    charger = station.charger
    idle = charger.connector_status(connector).value in ("Available", "Preparing", "Finishing", "Reserved")
    if vehicles is not None and idle and charger.view(connector, station.clock.now()).transaction_id is None:
        _arrives(station, connector, id_tag, vehicles, registered_only)
    step, sent = station.run_model_collect(
        lambda now: charger.authorization.present_tag(connector, id_tag, now)
    )
    if step is TagStep.STOPPING:
        return TagResult(True, None)
    outcome = step if isinstance(step, TagOutcome) else None
    if outcome is None:
        pair = next(((r, f) for r, f in sent if isinstance(r, AuthorizeReq)), None)
        if pair is not None:
            result = await station.wait_outcome(pair[0], pair[1], answer_timeout(station))
            outcome = result if isinstance(result, TagOutcome) else None
    return TagResult(False, outcome)


async def swipe(
    station: Station, connector: int, id_tag: str, *, vehicles: VehicleRegistry | None = None
) -> SwipeResult:
    """A badge swipe as the spec has it (model `Authorization.swipe`): before the cable, authorize and
    wait for it (ConnectionTimeOut); during a transaction, the same idTag stops it, another one only when
    its parentIdTag matches. With `vehicles`, a registered tag that opens a session brings its EV."""
    charger = station.charger
    had_transaction = charger.view(connector, station.clock.now()).transaction_id is not None
    idle = charger.connector_status(connector).value in ("Available", "Preparing", "Finishing", "Reserved")
    if vehicles is not None and idle and not had_transaction:
        _arrives(station, connector, id_tag, vehicles, registered_only=True)
    step, sent = station.run_model_collect(lambda now: charger.authorization.swipe(connector, id_tag, now))
    if step is TagStep.STOPPING:
        return SwipeResult(True, had_transaction, False, None)
    if step is TagStep.DONE:
        return SwipeResult(False, had_transaction, True, None)
    outcome = step if isinstance(step, TagOutcome) else None
    if outcome is None:
        pair = next(((r, f) for r, f in sent if isinstance(r, AuthorizeReq)), None)
        if pair is not None:
            result = await station.wait_outcome(pair[0], pair[1], answer_timeout(station))
            outcome = result if isinstance(result, TagOutcome) else None
    return SwipeResult(False, had_transaction, False, outcome)


async def unplug(station: Station, connector: int) -> UnplugResult:
    """Unplug the cable; when that stops a transaction, wait for StopTransaction's answer."""
    outcome, sent = station.run_model_collect(lambda now: station.charger.ev_inputs.unplug(connector, now))
    info: Any = None
    if outcome is UnplugOutcome.STOPPED:
        pair = next(((r, f) for r, f in sent if isinstance(r, StopTransactionReq)), None)
        if pair is not None:
            info = await station.wait_outcome(pair[0], pair[1], answer_timeout(station))
    return UnplugResult(outcome, info)


async def data_transfer(
    station: Station, vendor_id: str, message_id: str | None, data: str | None
) -> dict[str, Any] | None:
    """Send a CP->CS DataTransfer and wait for its answer (None: none came)."""
    charger = station.charger
    _, sent = station.run_model_collect(
        lambda now: charger.ev_inputs.data_transfer(vendor_id, message_id, data)
    )
    pair = next(((r, f) for r, f in sent if isinstance(r, DataTransferReq)), None)
    result = await station.wait_outcome(pair[0], pair[1], answer_timeout(station)) if pair else None
    return result if isinstance(result, dict) else None
