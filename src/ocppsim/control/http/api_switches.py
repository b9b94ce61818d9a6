"""REST API: behaviour a test switches on (issue 17 item 7; control/switches.py): failures of firmware
download / installation and diagnostics upload, a failing connector lock, a fixed cable, the feature
profiles the charge point supports; and a power failure (POST .../powercut)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from ocppsim.control.http.api_views import ERRORS, NOT_FOUND, ApiError, ApiOptions, fleet_lookups
from ocppsim.control.switches import SwitchError, check_switch, power_cut, set_switch, switch_states
from ocppsim.runtime.fleet import Fleet

__all__ = ["switches_routes"]

SwitchesBody = Annotated[
    dict[str, bool | str | list[str]],
    Body(
        examples=[{"lock_fails": True, "feature_profiles": ["Core", "SmartCharging"]}],
        description="Switches to set: on/off flags as booleans, feature_profiles as a list (Core first).",
    ),
]


def switches_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    station_of = fleet_lookups(fleet).station_of

    @api.get("/api/chargers/{charger_id}/switches", responses=NOT_FOUND, tags=["switches"])
    async def switches(charger_id: str) -> dict[str, Any]:
        """Every switch and its value now."""
        return switch_states(station_of(charger_id))

    @api.put("/api/chargers/{charger_id}/switches", responses=ERRORS, tags=["switches"])
    async def change_switches(charger_id: str, body: SwitchesBody) -> dict[str, Any]:
        """Set the switches named in the body (the others keep their value); every switch after. All or
        nothing: an unknown switch or a bad value is a 422 and changes nothing."""
        station = station_of(charger_id)
        try:
            for name, value in body.items():
                check_switch(name, value)
        except SwitchError as exc:
            raise ApiError(422, str(exc)) from None
        for name, value in body.items():
            set_switch(station, name, value)
        return switch_states(station)

    @api.post("/api/chargers/{charger_id}/powercut", responses=NOT_FOUND, tags=["switches"])
    async def powercut(charger_id: str, stop_first: Annotated[bool, Query()] = False) -> dict[str, int]:
        """The power fails and comes back (OCTT module 14): every transaction ends with reason PowerLoss,
        its StopTransaction sent before going down (`stop_first`) or after the next boot; the charger
        boots again. How many transactions were running."""
        return {"stopped": power_cut(station_of(charger_id), stop_first=stop_first)}

    return api
