"""REST API: an OCPP 2.0.1 charger's variable monitors (N02-N06; model/monitoring/), read only: what
GetMonitoringReport would report, with who installed each (hard-wired, pre-configured, the CSMS)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ocppsim.control.http.api_views import NOT_FOUND, ApiError, ApiOptions, fleet_lookups
from ocppsim.runtime.fleet import Fleet

__all__ = ["MonitorOut", "monitoring_routes"]


class MonitorOut(BaseModel):
    """One monitor (VariableMonitoringType) and the variable it watches."""

    id: int
    component: str
    evse: int | None
    connector: int | None
    variable: str
    instance: str | None
    type: str  # MonitorEnumType
    value: float
    severity: int
    transaction: bool
    kind: str  # EventNotificationEnumType: HardWiredMonitor, PreconfiguredMonitor, CustomMonitor


def monitoring_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    station_of = fleet_lookups(fleet).station_of

    @api.get(
        "/api/chargers/{charger_id}/monitors",
        response_model=list[MonitorOut],
        responses=NOT_FOUND,
        tags=["configuration"],
    )
    async def monitors(charger_id: str) -> list[MonitorOut]:
        """The monitors in force on an OCPP 2.0.1 charger's device-model variables, by id."""
        monitoring = station_of(charger_id).charger.monitoring
        if monitoring is None:
            raise ApiError(404, f"{charger_id} is not an OCPP 2.0.1 charger: it has no monitors")
        return [
            MonitorOut(
                id=m.id,
                component=m.spec.component,
                evse=m.spec.evse,
                connector=m.spec.connector,
                variable=m.spec.variable,
                instance=m.spec.instance,
                type=m.type.value,
                value=m.value,
                severity=m.severity,
                transaction=m.transaction,
                kind=m.kind.value,
            )
            for m in monitoring.active()
        ]

    return api
