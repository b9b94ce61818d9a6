"""REST API: connectors shown and steered: plug, unplug, tag, start, stop, the EV's behaviour, the current
cap, faults and availability."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from ocppsim.control.connector_actions import present_tag, swipe, unplug
from ocppsim.control.http.api_models import (
    ActionOut,
    AvailabilityIn,
    ConnectorOut,
    FaultIn,
    MaxCurrentIn,
    StartIn,
    TagIn,
)
from ocppsim.control.http.api_views import (
    ERRORS,
    NOT_FOUND,
    ApiError,
    ApiOptions,
    connector_out,
    fleet_lookups,
)
from ocppsim.model.charger import Fault, UnplugOutcome
from ocppsim.model.status_table import TRANSACTION_STATES
from ocppsim.model.types import AvailabilityType, ChargePointStatus
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import Station

__all__ = ["connectors_routes"]

S = ChargePointStatus


def connectors_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    find = fleet_lookups(fleet)
    station_of = find.station_of
    connector_of = find.connector_of

    @api.get(
        "/api/chargers/{charger_id}/connectors",
        response_model=list[ConnectorOut],
        responses=NOT_FOUND,
        tags=["connectors"],
    )
    async def connectors(charger_id: str) -> list[ConnectorOut]:
        station = station_of(charger_id)
        return [connector_out(station, c) for c in station.charger.connector_ids]

    @api.get(
        "/api/chargers/{charger_id}/connectors/{connector}",
        response_model=ConnectorOut,
        responses=NOT_FOUND,
        tags=["connectors"],
    )
    async def get_connector(charger_id: str, connector: int) -> ConnectorOut:
        station, c = connector_of(charger_id, connector)
        return connector_out(station, c)

    def action(path: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return api.post(
            f"/api/chargers/{{charger_id}}/connectors/{{connector}}/{path}",
            response_model=ActionOut,
            responses=ERRORS,
            tags=["connectors"],
            summary=summary,
        )

    @action("plug", "Plug the cable in (Preparing)")
    async def plug(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        if not station.run_model(lambda now: station.charger.ev_inputs.plug_in(c, now)):
            raise ApiError(409, f"connector {c}: the cable is already plugged in")
        return ActionOut(result="plugged", connector=connector_out(station, c))

    @action("arrive", "A bay sensor: an EV drives into the parking bay (2.0.1 ParkingBayOccupancy)")
    async def arrive(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        if not station.run_model(lambda now: station.charger.ev_inputs.arrive(c, now)):
            raise ApiError(409, f"connector {c}: the parking bay is already occupied")
        return ActionOut(result="arrived", connector=connector_out(station, c))

    @action("depart", "A bay sensor: the EV leaves the parking bay (unplugged first if the cable is in)")
    async def depart(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        if not station.run_model(lambda now: station.charger.ev_inputs.depart(c, now)):
            raise ApiError(409, f"connector {c}: the parking bay is already free")
        return ActionOut(result="departed", connector=connector_out(station, c))

    @action("unplug", "Unplug the cable (ends a transaction: EVDisconnected)")
    async def unplug_cable(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        result = await unplug(station, c)
        if result.outcome is UnplugOutcome.NOTHING:
            raise ApiError(409, f"connector {c}: no cable is plugged in")
        info = result.id_tag_info if isinstance(result.id_tag_info, dict) else None
        return ActionOut(result=result.outcome.value, id_tag_info=info, connector=connector_out(station, c))

    async def _present(station: Station, c: int, id_tag: str) -> ActionOut:
        result = await present_tag(station, c, id_tag, vehicles=fleet.vehicles)
        if result.stopping:
            return ActionOut(result="stopping", connector=connector_out(station, c))
        outcome = result.outcome
        if outcome is None:
            return ActionOut(result="no_answer", connector=connector_out(station, c))
        if outcome.accepted:
            word = "accepted"
        elif outcome.unusable:
            word = "unusable"  # the connector is Unavailable or Faulted
        elif outcome.withdrawn:
            word = "withdrawn"  # the EV was unplugged while the CSMS answered Authorize
        else:
            word = "rejected"
        return ActionOut(
            result=word,
            authorization=outcome.auth_status.value,
            parent_id_tag=outcome.parent_id_tag,
            connector=connector_out(station, c),
        )

    @action("tag", "Present an id tag (authorize and start, or stop what runs)")
    async def tag(charger_id: str, connector: int, body: TagIn) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        return await _present(station, c, body.id_tag)

    @action("swipe", "Swipe a badge as the spec has it (before the cable, or to stop a transaction)")
    async def swipe_badge(charger_id: str, connector: int, body: TagIn) -> ActionOut:
        """Unlike `tag`, the EV is not plugged in. Before the cable the tag is authorized and the
        connector waits in Preparing until ConnectionTimeOut (9.1, 4.9 B1): `accepted` / `rejected` /
        `no_answer`, `in_use` when it waits for another idTag's cable, `cancelled` for the same idTag
        again. During a transaction the same idTag stops it (`stopping`, reason Local); another one is
        authorized and stops it (`stopped`) only when its parentIdTag matches the transaction's
        (3.10), else `not_stopped`."""
        station, c = connector_of(charger_id, connector)
        result = await swipe(station, c, body.id_tag, vehicles=fleet.vehicles)
        if result.stopping:
            word = "stopping" if result.had_transaction else "cancelled"
            return ActionOut(result=word, connector=connector_out(station, c))
        outcome = result.outcome
        if result.in_use or outcome is None:
            word = "in_use" if result.in_use else "no_answer"
            return ActionOut(result=word, connector=connector_out(station, c))
        if outcome.stopped is not None:
            word = "stopped" if outcome.stopped else "not_stopped"
        elif outcome.reserved_for_other:
            word = "reserved"
        elif outcome.unusable:
            word = "unusable"  # the connector is Unavailable or Faulted
        else:
            word = "accepted" if outcome.accepted else "rejected"
        return ActionOut(
            result=word,
            authorization=outcome.auth_status.value,
            parent_id_tag=outcome.parent_id_tag,
            connector=connector_out(station, c),
        )

    @action("start", "Start a transaction: plug in if needed, then present the tag")
    async def start(charger_id: str, connector: int, body: StartIn | None = None) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        ch = station.charger
        status = ch.connector_status(c)
        if status in TRANSACTION_STATES or ch.view(c, station.clock.now()).transaction_id is not None:
            raise ApiError(409, f"connector {c}: a transaction is already running ({status.value})")
        if status not in (S.AVAILABLE, S.PREPARING, S.FINISHING):
            raise ApiError(409, f"connector {c} is {status.value}: no transaction can start")
        station.run_model(lambda now: ch.ev_inputs.plug_in(c, now))
        return await _present(station, c, (body.id_tag if body and body.id_tag else None) or opts.default_tag)

    @action("stop", "Stop the running transaction (reason Local)")
    async def stop(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        view = station.charger.view(c, station.clock.now())
        if view.status not in TRANSACTION_STATES:
            raise ApiError(409, f"connector {c}: no transaction is running")
        return await _present(station, c, view.last_id_tag or opts.default_tag)

    @action("suspend", "The EV stops taking energy (SuspendedEV)")
    async def suspend(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        if not station.run_model(lambda now: station.charger.ev_inputs.suspend_ev(c, now)):
            raise ApiError(409, f"connector {c}: no transaction to suspend")
        return ActionOut(result="suspended", connector=connector_out(station, c))

    @action("full", "The EV's battery is full (SuspendedEV, SoC 100 %)")
    async def full(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        ch = station.charger
        if not station.run_model(lambda now: ch.ev_inputs.suspend_ev(c, now)):
            raise ApiError(409, f"connector {c}: no transaction")
        station.run_model(lambda now: ch.ev_inputs.configure_ev(c, soc=100.0, now=now))
        return ActionOut(result="full", connector=connector_out(station, c))

    @action("resume", "The EV takes energy again")
    async def resume(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        station.run_model(lambda now: station.charger.ev_inputs.resume_ev(c, now))
        return ActionOut(result="resumed", connector=connector_out(station, c))

    @api.put(
        "/api/chargers/{charger_id}/connectors/{connector}/max-current",
        response_model=ActionOut,
        responses=ERRORS,
        tags=["connectors"],
    )
    async def max_current(charger_id: str, connector: int, body: MaxCurrentIn) -> ActionOut:
        """Cap what the EV draws (the `max` command); null removes the cap."""
        station, c = connector_of(charger_id, connector)
        station.run_model(lambda now: station.charger.ev_inputs.set_max_usage(c, body.amps, now))
        return ActionOut(result="max_current", connector=connector_out(station, c))

    @api.put(
        "/api/chargers/{charger_id}/connectors/{connector}/fault",
        response_model=ActionOut,
        responses=ERRORS,
        tags=["connectors"],
    )
    async def set_fault(charger_id: str, connector: int, body: FaultIn) -> ActionOut:
        """Inject an error (StatusNotification with errorCode, info, vendorErrorCode); connector 0 is the
        charge point itself. Warning-only codes keep the status; the rest make the connector Faulted."""
        station, c = connector_of(charger_id, connector, allow_zero=True)
        fault = Fault(body.error_code, body.info, body.vendor_error_code)
        station.run_model(lambda now: station.charger.availability.set_fault(c, fault, now))
        return ActionOut(result="fault", connector=connector_out(station, c or 1))

    @api.delete(
        "/api/chargers/{charger_id}/connectors/{connector}/fault",
        response_model=ActionOut,
        responses=ERRORS,
        tags=["connectors"],
    )
    async def clear_fault(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector, allow_zero=True)
        station.run_model(lambda now: station.charger.availability.set_fault(c, None, now))
        return ActionOut(result="cleared", connector=connector_out(station, c or 1))

    @api.put(
        "/api/chargers/{charger_id}/connectors/{connector}/availability",
        response_model=ActionOut,
        responses=ERRORS,
        tags=["connectors"],
    )
    async def availability(charger_id: str, connector: int, body: AvailabilityIn) -> ActionOut:
        """Make a connector (0: all) Operative or Inoperative, as ChangeAvailability would: Scheduled
        while a transaction runs."""
        station, c = connector_of(charger_id, connector, allow_zero=True)
        kind = AvailabilityType(body.type)
        status = station.run_model(lambda now: station.charger.availability.change_availability(c, kind, now))
        return ActionOut(result=status.value, connector=connector_out(station, c or 1))

    return api
