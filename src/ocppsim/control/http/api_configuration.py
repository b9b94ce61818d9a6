"""REST API: configuration keys (ChangeConfiguration semantics) and the installed charging profiles with each
connector's composite schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ocppsim.control.http.api_models import (
    ConfigChangeIn,
    ConfigChangeOut,
    ConfigKeyOut,
    ProfilesOut,
    VariableAttributeOut,
    VariableOut,
    VariableSetIn,
    VariableSetOut,
)
from ocppsim.control.http.api_views import ERRORS, NOT_FOUND, ApiError, ApiOptions, fleet_lookups
from ocppsim.model.device_model.block import ComponentRef, DeviceModel, VariableRef
from ocppsim.model.device_model.variables import AttributeType
from ocppsim.model.types import ChargingRateUnit, ConfigurationStatus
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.profiles_report import profiles_report
from ocppsim.runtime.station import Station

__all__ = ["configuration_routes"]


def configuration_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    find = fleet_lookups(fleet)
    station_of = find.station_of

    @api.get(
        "/api/chargers/{charger_id}/configuration",
        response_model=list[ConfigKeyOut],
        responses=NOT_FOUND,
        tags=["configuration"],
    )
    async def configuration(charger_id: str) -> list[ConfigKeyOut]:
        """Every key GetConfiguration reports (write-only keys such as AuthorizationKey are never shown)."""
        keys, _ = station_of(charger_id).charger.configuration.get_configuration(None)
        return [ConfigKeyOut(key=k.key, readonly=k.readonly, value=k.value) for k in keys]

    @api.put(
        "/api/chargers/{charger_id}/configuration/{key}",
        response_model=ConfigChangeOut,
        responses=ERRORS,
        tags=["configuration"],
    )
    async def change_configuration(charger_id: str, key: str, body: ConfigChangeIn) -> ConfigChangeOut:
        """ChangeConfiguration semantics: the same validation and statuses. NotSupported (unknown key) is a
        404, Rejected (read-only, bad value) a 409, each with the OCPP status in the body."""
        station = station_of(charger_id)
        if len(key) > 50:  # CiString50
            raise ApiError(404, f"unknown configuration key {key[:50]!r}...", status="NotSupported")
        status = station.run_model(
            lambda now: station.charger.configuration.change_configuration(key, body.value, now)
        )
        if status is ConfigurationStatus.NOT_SUPPORTED:
            raise ApiError(404, f"unknown configuration key {key!r}", status=status.value)
        if status is ConfigurationStatus.REJECTED:
            raise ApiError(409, f"{key} = {body.value!r} rejected", status=status.value)
        spec = station.charger.config.spec(key)
        return ConfigChangeOut(key=spec.name if spec else key, status=status.value)

    def device_model(station: Station) -> DeviceModel:
        if "2.0.1" not in station.charger.params.ocpp_versions:
            raise ApiError(404, f"{station.id} is not an OCPP 2.0.1 charger: see its /configuration")
        return station.charger.device_model()

    @api.get(
        "/api/chargers/{charger_id}/variables",
        response_model=list[VariableOut],
        responses=NOT_FOUND,
        tags=["configuration"],
    )
    async def variables(charger_id: str) -> list[VariableOut]:
        """An OCPP 2.0.1 charger's device model: every component's variables with their attributes and
        characteristics, as GetBaseReport FullInventory reports them (WriteOnly values never shown)."""
        station = station_of(charger_id)
        model = device_model(station)
        now = station.clock.now()
        out = []
        for spec in model.specs:
            entry = model.entry(spec, now)
            attributes = [VariableAttributeOut(type=t, value=v, mutability=m) for t, v, m in entry.attributes]
            out.append(
                VariableOut(
                    component=entry.component,
                    evse=entry.evse,
                    connector=entry.connector,
                    variable=entry.variable,
                    instance=entry.instance,
                    attributes=attributes,
                    data_type=entry.data_type,
                    unit=entry.unit,
                    min_limit=entry.min_limit,
                    max_limit=entry.max_limit,
                    values_list=entry.values_list,
                )
            )
        return out

    @api.put(
        "/api/chargers/{charger_id}/variables",
        response_model=VariableSetOut,
        responses=ERRORS,
        tags=["configuration"],
    )
    async def set_variable(charger_id: str, body: VariableSetIn) -> VariableSetOut:
        """SetVariables semantics for the Actual attribute: an unknown component or variable is a 404, a
        refused value or a read-only variable a 409, each with the attributeStatus in the body."""
        station = station_of(charger_id)
        model = device_model(station)
        component = ComponentRef(body.component, None, body.evse, body.connector)
        variable = VariableRef(body.variable, body.instance)
        status = station.run_model(
            lambda now: model.set_variable(component, variable, AttributeType.ACTUAL, body.value, now)
        )
        if status in ("UnknownComponent", "UnknownVariable"):
            raise ApiError(404, f"{body.component}.{body.variable}: {status}", status=status)
        if status not in ("Accepted", "RebootRequired"):
            raise ApiError(409, f"{body.component}.{body.variable} = {body.value!r}: {status}", status=status)
        return VariableSetOut(status=status)

    @api.get(
        "/api/chargers/{charger_id}/profiles",
        response_model=ProfilesOut,
        responses=NOT_FOUND,
        tags=["smart charging"],
    )
    async def profiles(
        charger_id: str,
        unit: Annotated[ChargingRateUnit, Query()] = ChargingRateUnit.AMPS,
        duration: Annotated[int, Query(ge=1, le=7 * 86400)] = 3600,
    ) -> ProfilesOut:
        """The installed charging profiles and each connector's composite schedule (GetCompositeSchedule
        semantics) from now for `duration` seconds."""
        station = station_of(charger_id)
        start = float(int(station.clock.now()))
        return ProfilesOut(**profiles_report(station.charger, start, duration, unit))

    return api
