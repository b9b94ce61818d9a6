"""REST API: the fleet's summary and templates; chargers listed, created, shown, deleted, connected and
disconnected."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from ocppsim.control.http.api_models import ChargerIn, ChargerOut, ChargerPage, SummaryOut, TemplateOut
from ocppsim.control.http.api_views import (
    ERRORS,
    ID_PART_QUERY,
    NOT_FOUND,
    STATUS_QUERY,
    ApiError,
    ApiOptions,
    charger_brief,
    fleet_lookups,
)
from ocppsim.model.types import ChargePointStatus
from ocppsim.runtime.fleet import DuplicateChargerError, Fleet
from ocppsim.runtime.station import Station

__all__ = ["WALL_STATUSES", "chargers_routes"]

# The legend of the connector wall: OCPP 1.6 ChargePointStatus (section 7.7), then "None" (not booted).
WALL_STATUSES = [s.value for s in ChargePointStatus] + ["None"]


def chargers_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    find = fleet_lookups(fleet)
    station_of = find.station_of
    charger_out = find.charger_out

    @api.get("/api/summary", response_model=SummaryOut, tags=["fleet"])
    async def summary() -> SummaryOut:
        """Counts over the whole fleet, and connectors by status (the overview's header)."""
        counts = fleet.counts()
        by_status: dict[str, int] = {}
        for station in fleet:
            for cid in station.charger.connector_ids:
                key = station.charger.connector_status(cid).value if station.charger.ever_accepted else "None"
                by_status[key] = by_status.get(key, 0) + 1
        return SummaryOut(
            chargers=counts.chargers,
            connected=counts.connected,
            booted=counts.booted,
            charging=counts.charging,
            queued=counts.queued,
            connectors_by_status=by_status,
        )

    @api.get("/api/templates", response_model=list[TemplateOut], tags=["fleet"])
    async def templates() -> list[TemplateOut]:
        """The templates new chargers can be made from."""
        return [
            TemplateOut(
                name=t.name,
                connectors=t.params.number_of_connectors,
                max_current_a=t.params.max_offer_a,
                phases=t.params.phases,
                vendor=t.params.boot_info.charge_point_vendor,
                model=t.params.boot_info.charge_point_model,
                url=t.options.url,
            )
            for t in fleet.templates.values()
        ]

    def _matching(q: str | None, status: str | None, connected: bool | None) -> list[Station]:
        wanted = q.casefold() if q else None
        items = []
        for station in fleet:
            if wanted is not None and wanted not in station.id.casefold():
                continue
            if connected is not None and station.online is not connected:
                continue
            if status is not None:
                ch = station.charger
                statuses = {
                    ch.connector_status(c).value if ch.ever_accepted else "None" for c in ch.connector_ids
                }
                if status not in statuses:
                    continue
            items.append(station)
        items.sort(key=lambda st: st.id)
        return items

    @api.get("/api/chargers", response_model=ChargerPage, responses=ERRORS, tags=["chargers"])
    async def list_chargers(
        *,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        q: Annotated[str | None, ID_PART_QUERY] = None,
        status: Annotated[str | None, STATUS_QUERY] = None,
        connected: bool | None = None,
        id: Annotated[list[str] | None, Query(description="only these ids (repeat)")] = None,
    ) -> ChargerPage:
        """Chargers in id order, a page at a time, filtered by id, connector status and connection."""
        items = _matching(q, status, connected)
        if id:
            wanted_ids = set(id)
            items = [st for st in items if st.id in wanted_ids]
        page = items[offset : offset + limit]
        return ChargerPage(
            total=len(items), offset=offset, limit=limit, items=[charger_brief(st) for st in page]
        )

    @api.get(
        "/api/connector-wall",
        response_class=Response,
        responses={200: {"content": {"application/json": {}}, "description": "the wall's columns"}},
        tags=["fleet"],
    )
    async def connector_wall() -> Response:
        """Every charger's connector statuses in id order, compact for the overview's wall of tiles
        (10,000 chargers in one small answer): `ids`, `connected` (0/1) and `tiles` (per charger, each
        connector's index into `statuses`; "None": not booted)."""
        index = {name: n for n, name in enumerate(WALL_STATUSES)}
        ids: list[str] = []
        connected: list[int] = []
        tiles: list[list[int]] = []
        for station in sorted(fleet, key=lambda st: st.id):
            ch = station.charger
            ids.append(station.id)
            connected.append(1 if station.online else 0)
            tiles.append(
                [
                    index[ch.connector_status(c).value] if ch.ever_accepted else index["None"]
                    for c in ch.connector_ids
                ]
            )
        body = {"statuses": WALL_STATUSES, "ids": ids, "connected": connected, "tiles": tiles}
        return Response(orjson.dumps(body), media_type="application/json")

    @api.get("/api/charger-ids", response_model=list[str], responses=ERRORS, tags=["chargers"])
    async def charger_ids(
        *,
        q: Annotated[str | None, ID_PART_QUERY] = None,
        status: Annotated[str | None, STATUS_QUERY] = None,
        connected: bool | None = None,
    ) -> list[str]:
        """Every matching charger id, in order (a sharded fleet pages over its workers with it)."""
        return [st.id for st in _matching(q, status, connected)]

    @api.post(
        "/api/chargers", response_model=ChargerOut, status_code=201, responses=ERRORS, tags=["chargers"]
    )
    async def create_charger(body: ChargerIn) -> ChargerOut:
        """A new charger from a template; it connects to its CSMS at once."""
        template = fleet.templates.get(body.template)
        if template is None:
            raise ApiError(404, f"template {body.template!r} does not exist")
        changes: dict[str, Any] = {}
        if body.connectors is not None:
            changes["number_of_connectors"] = body.connectors
        if body.max_current_a is not None:
            changes["max_offer_a"] = body.max_current_a
        if body.phases is not None:
            changes["phases"] = body.phases
        if body.ocpp_version is not None:
            changes["ocpp_versions"] = tuple(body.ocpp_version.split(","))
        boot = template.params.boot_info
        if body.vendor is not None or body.model is not None:
            changes["boot_info"] = replace(
                boot,
                charge_point_vendor=body.vendor or boot.charge_point_vendor,
                charge_point_model=body.model or boot.charge_point_model,
            )
        try:
            station = fleet.create(body.id, template, url=body.url, **changes)
        except DuplicateChargerError:
            raise ApiError(409, f"charger {body.id!r} already exists") from None
        return charger_out(station)

    @api.get("/api/chargers/{charger_id}", response_model=ChargerOut, responses=NOT_FOUND, tags=["chargers"])
    async def get_charger(charger_id: str) -> ChargerOut:
        """Boot info, connection state, URL, security profile, counts and every connector."""
        return charger_out(station_of(charger_id))

    @api.delete("/api/chargers/{charger_id}", status_code=204, responses=ERRORS, tags=["chargers"])
    async def delete_charger(charger_id: str) -> Response:
        """Stop the charger and forget it, with everything stored for it."""
        station_of(charger_id)
        if charger_id in opts.protected:
            raise ApiError(409, f"charger {charger_id!r} serves the text command interface: not deleted")
        await fleet.remove(charger_id)
        return Response(status_code=204)

    @api.post(
        "/api/chargers/{charger_id}/connect",
        response_model=ChargerOut,
        responses=NOT_FOUND,
        tags=["chargers"],
    )
    async def connect(charger_id: str) -> ChargerOut:
        """Connect again now (after `disconnect`, or to cut a reconnect back-off short)."""
        station = station_of(charger_id)
        station.connect()
        return charger_out(station)

    @api.post(
        "/api/chargers/{charger_id}/disconnect",
        response_model=ChargerOut,
        responses=NOT_FOUND,
        tags=["chargers"],
    )
    async def disconnect(charger_id: str) -> ChargerOut:
        """Close the connection and stay offline until `connect` (transaction messages queue meanwhile)."""
        station = station_of(charger_id)
        station.disconnect()
        return charger_out(station)

    return api
