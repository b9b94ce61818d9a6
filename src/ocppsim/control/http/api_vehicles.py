"""REST API: the vehicles the id tags bring (a registry shared by the fleet)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ocppsim.control.http.api_models import VehicleIn, VehicleOut
from ocppsim.control.http.api_views import ERRORS, ApiError, ApiOptions
from ocppsim.model.vehicles import Vehicle, VehicleError
from ocppsim.runtime.fleet import Fleet

__all__ = ["vehicles_routes"]


def vehicles_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()

    def _vehicle_out(id_tag: str, vehicle: Vehicle, registered: bool) -> VehicleOut:
        return VehicleOut(
            id_tag=id_tag,
            registered=registered,
            capacity_wh=vehicle.capacity_wh,
            initial_soc=vehicle.initial_soc,
            max_current_a=vehicle.max_current_a,
            phases=vehicle.phases,
            max_power_w=vehicle.max_power_w,
        )

    @api.get("/api/vehicles", response_model=list[VehicleOut], tags=["vehicles"])
    async def vehicles() -> list[VehicleOut]:
        """Registered vehicles by id tag."""
        return [_vehicle_out(tag, v, True) for tag, v in fleet.vehicles]

    @api.get("/api/vehicles/{id_tag}", response_model=VehicleOut, responses=ERRORS, tags=["vehicles"])
    async def vehicle(id_tag: str) -> VehicleOut:
        """The vehicle this tag brings; an unknown tag brings the default EV (registered: false)."""
        _check_tag(id_tag)
        found = fleet.vehicles.get(id_tag)
        return _vehicle_out(id_tag, found or fleet.vehicles.default, found is not None)

    @api.put("/api/vehicles/{id_tag}", response_model=VehicleOut, responses=ERRORS, tags=["vehicles"])
    async def put_vehicle(id_tag: str, body: VehicleIn) -> VehicleOut:
        """Register (or change) the vehicle of a tag: it arrives whenever the tag starts a session."""
        _check_tag(id_tag)
        try:
            vehicle = Vehicle(**body.model_dump())
        except VehicleError as exc:
            raise ApiError(422, str(exc)) from None
        fleet.put_vehicle(id_tag, vehicle)
        return _vehicle_out(id_tag, vehicle, True)

    @api.delete("/api/vehicles/{id_tag}", status_code=204, responses=ERRORS, tags=["vehicles"])
    async def delete_vehicle(id_tag: str) -> Response:
        _check_tag(id_tag)
        if not fleet.remove_vehicle(id_tag):
            raise ApiError(404, f"no vehicle registered for tag {id_tag!r}")
        return Response(status_code=204)

    def _check_tag(id_tag: str) -> None:
        if not 1 <= len(id_tag) <= 20:
            raise ApiError(422, "id tag must be 1-20 characters (IdToken is CiString20)")

    return api
