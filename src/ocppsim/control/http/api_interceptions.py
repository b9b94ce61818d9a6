"""REST API: expert mode, message interception (issue 19 item 5; runtime/interception.py): per action,
override a charger's answer to a CS->CP call or its own CALL; list and remove the overrides. Every frame an
override changed carries its note in the message log (`note` of /messages)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ocppsim.control.http.api_views import ERRORS, NOT_FOUND, ApiError, ApiOptions, fleet_lookups
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.interception import (
    InterceptionError,
    add_spec,
    clear_overrides,
    overrides,
    remove_override,
    spec_from_mapping,
)

__all__ = ["InterceptionIn", "interceptions_routes"]


class InterceptionIn(BaseModel):
    """One override (runtime/interception.py): what it targets and what it changes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"target": "answer", "action": "RemoteStartTransaction", "status": "Rejected"},
                {"target": "answer", "action": "GetConfiguration", "error": "NotSupported"},
                {"target": "answer", "action": "Reset", "drop": True},
                {"target": "send", "action": "StartTransaction", "remove_fields": ["meterStart"]},
            ]
        },
    )

    target: Literal["answer", "send"] = Field(
        description="answer: the charger's answer to the CSMS's CALL; send: the charger's own CALL"
    )
    action: str = Field(max_length=64, description="an OCPP action, or * for every action without its own")
    status: str | None = Field(None, max_length=64, description="the status value sent instead")
    error: str | None = Field(None, description="answer with a CALLERROR of this code (OCPP-J Table 7)")
    description: str = Field("", max_length=255, description="the CALLERROR's description")
    delay: float = Field(0.0, ge=0, le=86400, description="answer this many seconds later")
    drop: bool = Field(False, description="never answer")
    set_fields: dict[str, Any] = Field(
        default_factory=dict, description="fields to add or change: dotted path -> value"
    )
    remove_fields: list[str] = Field(default_factory=list, description="fields to leave out (dotted paths)")
    raw: str | None = Field(
        None, max_length=65536, description="this text goes out instead; {uniqueId} becomes the message id"
    )
    malformed: bool = Field(False, description="cut the frame short: not valid JSON")
    model: bool | None = Field(
        None, description="whether the charger still handles the call (default: not with status or error)"
    )
    times: int | None = Field(
        None, ge=1, description="apply to the next N frames only (default: until removed)"
    )


def interceptions_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    station_of = fleet_lookups(fleet).station_of

    @api.get("/api/chargers/{charger_id}/interceptions", responses=NOT_FOUND, tags=["expert mode"])
    async def list_interceptions(charger_id: str) -> list[dict[str, Any]]:
        """The overrides in force, oldest first: id, options, uses left (`remaining`) and made (`applied`)."""
        return [o.as_dict() for o in overrides(station_of(charger_id))]

    @api.post(
        "/api/chargers/{charger_id}/interceptions", status_code=201, responses=ERRORS, tags=["expert mode"]
    )
    async def add_interception(charger_id: str, body: InterceptionIn) -> dict[str, Any]:
        """Add an override; the newest one for a target and action is the one in force. 422 names the
        option that cannot be (e.g. an error code outside Table 7, a delay on a message one sends)."""
        station = station_of(charger_id)
        try:
            spec = spec_from_mapping(body.model_dump())
        except InterceptionError as exc:
            raise ApiError(422, str(exc)) from None
        return add_spec(station, spec).as_dict()

    @api.delete(
        "/api/chargers/{charger_id}/interceptions/{override_id}", responses=NOT_FOUND, tags=["expert mode"]
    )
    async def delete_interception(charger_id: str, override_id: int) -> dict[str, Any]:
        """Remove one override; the override removed."""
        removed = remove_override(station_of(charger_id), override_id)
        if removed is None:
            raise ApiError(404, f"no override {override_id} on charger {charger_id!r}")
        return removed.as_dict()

    @api.delete("/api/chargers/{charger_id}/interceptions", responses=NOT_FOUND, tags=["expert mode"])
    async def clear_interceptions(charger_id: str) -> dict[str, int]:
        """Remove every override of the charger; how many there were."""
        return {"removed": clear_overrides(station_of(charger_id))}

    return api
