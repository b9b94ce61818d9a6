"""The REST API under /api and the live event stream, over the fleet facade (one charger or thousands).

Errors are JSON `{"error": ...}`: 404 for an unknown charger, connector, key or template, 409 for a change
the connector's state does not allow (unplug with no cable, stop with no transaction), 422 for a bad body.
Nothing a request sends reaches the model unchecked, and a failure inside becomes a 500 with a message,
never a dead simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ocppsim import __version__
from ocppsim.control.connector_actions import present_tag, unplug
from ocppsim.control.http.api_models import (
    ActionOut,
    AvailabilityIn,
    ChargerBrief,
    ChargerIn,
    ChargerOut,
    ChargerPage,
    ConfigChangeIn,
    ConfigChangeOut,
    ConfigKeyOut,
    ConnectorBrief,
    ConnectorOut,
    ErrorOut,
    EvOut,
    FaultIn,
    FrameOut,
    FramePage,
    MaxCurrentIn,
    ProfilesOut,
    StartIn,
    SummaryOut,
    TagIn,
    TemplateOut,
    VehicleIn,
    VehicleOut,
)
from ocppsim.model.charger import Fault, UnplugOutcome
from ocppsim.model.connector import TRANSACTION_STATES
from ocppsim.model.types import (
    AvailabilityType,
    ChargePointErrorCode,
    ChargePointStatus,
    ChargingRateUnit,
    ConfigurationStatus,
)
from ocppsim.model.vehicles import Vehicle, VehicleError
from ocppsim.runtime.events import CLOSED, EVENT_KINDS, Event
from ocppsim.runtime.fleet import DuplicateChargerError, Fleet
from ocppsim.runtime.message_log import LoggedFrame, select_frames
from ocppsim.runtime.profiles_report import profiles_report
from ocppsim.runtime.station import Station

__all__ = ["ApiError", "ApiOptions", "build_api"]

log = logging.getLogger("ocppsim.api")

S = ChargePointStatus
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "unknown charger, connector, key or template"},
    409: {"model": ErrorOut, "description": "the connector's state does not allow this"},
    422: {"model": ErrorOut, "description": "the request body or a parameter is invalid"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _ERRORS[404], 422: _ERRORS[422]}
_KEEPALIVE_S = 15.0
_Q = Query(max_length=100, description="part of the charger id")
_STATUS = Query(description="a connector status; None: not booted")
_DIRECTION = Query(pattern="^(in|out)$", description="in: CSMS -> charger; out: charger -> CSMS")


class ApiError(Exception):
    def __init__(self, status_code: int, error: str, *, status: str | None = None) -> None:
        super().__init__(error)
        self.status_code = status_code
        self.error = error
        self.status = status


class ApiOptions:
    """What the API is allowed to do beyond the fleet: `protected` ids cannot be deleted (the charger
    behind the text command interface); `default_tag` is used by start without a tag."""

    def __init__(self, *, default_tag: str = "12345678", protected: Iterable[str] = ()) -> None:
        self.default_tag = default_tag
        self.protected = frozenset(protected)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(text: str | None, name: str) -> float | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, f"{name}: expected an ISO 8601 time, got {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def connector_out(station: Station, connector: int) -> ConnectorOut:
    charger = station.charger
    view = charger.view(connector, station.clock.now())
    fault = view.fault
    return ConnectorOut(
        connector=connector,
        status=view.status.value if view.status else None,
        error_code=fault.error_code.value if fault else ChargePointErrorCode.NO_ERROR.value,
        info=fault.info if fault else None,
        vendor_error_code=fault.vendor_error_code if fault else None,
        operative=view.operative,
        plugged=view.plugged,
        transaction_id=view.transaction_id,
        id_tag=view.last_id_tag,
        offer_a=round(view.offer, 3),
        current_a=round(view.usage, 3),
        phases_in_use=view.phases_in_use,
        power_w=round(view.power_w, 1),
        max_current_a=view.max_usage,
        session_wh=round(view.energy, 3),
        register_wh=round(view.meter_wh, 3),
        soc=round(view.soc, 3),
        ev=EvOut(
            capacity_wh=view.ev_capacity_wh,
            max_current_a=view.ev_max_current_a,
            phases=view.ev_phases,
            suspended=view.delay,
            full_after_wh=view.fullafter,
        ),
    )


def _brief(station: Station) -> ChargerBrief:
    charger = station.charger
    shown = charger.ever_accepted
    connectors = []
    for cid in charger.connector_ids:
        status = charger.connector_status(cid)
        fault = charger.view(cid, station.clock.now()).fault
        connectors.append(
            ConnectorBrief(
                connector=cid,
                status=status.value if shown else None,
                error_code=fault.error_code.value if fault else ChargePointErrorCode.NO_ERROR.value,
            )
        )
    registration = charger.registration.value if charger.registration else None
    return ChargerBrief(
        id=station.id, connected=station.online, registration=registration, connectors=connectors
    )


def _frame_out(frame: LoggedFrame) -> FrameOut:
    payload: Any = frame.raw
    with contextlib.suppress(orjson.JSONDecodeError):
        decoded = orjson.loads(frame.raw)
        payload = decoded[-1] if isinstance(decoded, list) and decoded else decoded
        if frame.message_type == "CALLERROR" and isinstance(decoded, list) and len(decoded) >= 5:
            payload = {"errorCode": decoded[2], "errorDescription": decoded[3], "errorDetails": decoded[4]}
    return FrameOut(
        seq=frame.seq,
        time=_iso(frame.time),
        direction="in" if frame.direction == "in" else "out",
        type=frame.message_type,
        message_id=frame.message_id,
        action=frame.action,
        latency_ms=frame.latency_ms,
        payload=payload,
    )


def _event_json(event: Event) -> bytes:
    return orjson.dumps(
        {"kind": event.kind, "charger": event.charger_id, "time": _iso(event.time), **event.data}
    )


def build_api(fleet: Fleet, options: ApiOptions | None = None) -> FastAPI:
    """The FastAPI app of `fleet` (routes under /api; the dashboard adds itself in `http_server`)."""
    opts = options or ApiOptions()
    app = FastAPI(
        title="ocppsim",
        version=__version__,
        description="Steer simulated OCPP 1.6J chargers: connectors, configuration, profiles, the message "
        "log and a live event stream.",
        docs_url=None,  # served by http_server from packaged assets (no CDN)
        redoc_url=None,
    )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"error": exc.error}
        if exc.status is not None:
            body["status"] = exc.status
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = jsonable_encoder(exc.errors(), custom_encoder={Exception: str, bytes: repr})
        where = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in details[:5]
        )
        return JSONResponse({"error": f"invalid request: {where}", "details": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("API request failed")
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500)

    def station_of(charger_id: str) -> Station:
        station = fleet.get(charger_id)
        if station is None:
            raise ApiError(404, f"charger {charger_id!r} does not exist")
        return station

    def connector_of(charger_id: str, connector: int, *, allow_zero: bool = False) -> tuple[Station, int]:
        station = station_of(charger_id)
        if not (station.charger.has_connector(connector) or (allow_zero and connector == 0)):
            raise ApiError(404, f"charger {charger_id!r} has no connector {connector}")
        return station, connector

    def charger_out(station: Station) -> ChargerOut:
        brief = _brief(station)
        boot = station.charger.params.boot_info
        return ChargerOut(
            id=brief.id,
            connected=brief.connected,
            registration=brief.registration,
            url=station.url,
            template=station.template_name,
            held_offline=station.held_offline,
            security_profile=station.charger.config.get_int("SecurityProfile"),
            connection_attempts=station.connection_attempts,
            last_error=station.last_error,
            queued=len(station.outbox),
            messages_logged=fleet.message_log.count(station.id) if fleet.message_log else 0,
            boot={
                "chargePointVendor": boot.charge_point_vendor,
                "chargePointModel": boot.charge_point_model,
                "chargePointSerialNumber": boot.charge_point_serial_number,
                "chargeBoxSerialNumber": boot.charge_box_serial_number,
                "firmwareVersion": boot.firmware_version,
                "meterType": boot.meter_type,
                "meterSerialNumber": boot.meter_serial_number,
            },
            connectors=[connector_out(station, c) for c in station.charger.connector_ids],
        )

    # ------------------------------------------------------------------ fleet

    @app.get("/api/summary", response_model=SummaryOut, tags=["fleet"])
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

    @app.get("/api/templates", response_model=list[TemplateOut], tags=["fleet"])
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

    @app.get("/api/chargers", response_model=ChargerPage, responses=_ERRORS, tags=["chargers"])
    async def list_chargers(
        *,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        q: Annotated[str | None, _Q] = None,
        status: Annotated[str | None, _STATUS] = None,
        connected: bool | None = None,
        id: Annotated[list[str] | None, Query(description="only these ids (repeat)")] = None,
    ) -> ChargerPage:
        """Chargers in id order, a page at a time, filtered by id, connector status and connection."""
        items = _matching(q, status, connected)
        if id:
            wanted_ids = set(id)
            items = [st for st in items if st.id in wanted_ids]
        page = items[offset : offset + limit]
        return ChargerPage(total=len(items), offset=offset, limit=limit, items=[_brief(st) for st in page])

    @app.get("/api/charger-ids", response_model=list[str], responses=_ERRORS, tags=["chargers"])
    async def charger_ids(
        *,
        q: Annotated[str | None, _Q] = None,
        status: Annotated[str | None, _STATUS] = None,
        connected: bool | None = None,
    ) -> list[str]:
        """Every matching charger id, in order (a sharded fleet pages over its workers with it)."""
        return [st.id for st in _matching(q, status, connected)]

    @app.post(
        "/api/chargers", response_model=ChargerOut, status_code=201, responses=_ERRORS, tags=["chargers"]
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

    @app.get("/api/chargers/{charger_id}", response_model=ChargerOut, responses=_NOT_FOUND, tags=["chargers"])
    async def get_charger(charger_id: str) -> ChargerOut:
        """Boot info, connection state, URL, security profile, counts and every connector."""
        return charger_out(station_of(charger_id))

    @app.delete("/api/chargers/{charger_id}", status_code=204, responses=_ERRORS, tags=["chargers"])
    async def delete_charger(charger_id: str) -> Response:
        """Stop the charger and forget it, with everything stored for it."""
        station_of(charger_id)
        if charger_id in opts.protected:
            raise ApiError(409, f"charger {charger_id!r} serves the text command interface: not deleted")
        await fleet.remove(charger_id)
        return Response(status_code=204)

    @app.post(
        "/api/chargers/{charger_id}/connect",
        response_model=ChargerOut,
        responses=_NOT_FOUND,
        tags=["chargers"],
    )
    async def connect(charger_id: str) -> ChargerOut:
        """Connect again now (after `disconnect`, or to cut a reconnect back-off short)."""
        station = station_of(charger_id)
        station.connect()
        return charger_out(station)

    @app.post(
        "/api/chargers/{charger_id}/disconnect",
        response_model=ChargerOut,
        responses=_NOT_FOUND,
        tags=["chargers"],
    )
    async def disconnect(charger_id: str) -> ChargerOut:
        """Close the connection and stay offline until `connect` (transaction messages queue meanwhile)."""
        station = station_of(charger_id)
        station.disconnect()
        return charger_out(station)

    # ------------------------------------------------------------------ connectors

    @app.get(
        "/api/chargers/{charger_id}/connectors",
        response_model=list[ConnectorOut],
        responses=_NOT_FOUND,
        tags=["connectors"],
    )
    async def connectors(charger_id: str) -> list[ConnectorOut]:
        station = station_of(charger_id)
        return [connector_out(station, c) for c in station.charger.connector_ids]

    @app.get(
        "/api/chargers/{charger_id}/connectors/{connector}",
        response_model=ConnectorOut,
        responses=_NOT_FOUND,
        tags=["connectors"],
    )
    async def get_connector(charger_id: str, connector: int) -> ConnectorOut:
        station, c = connector_of(charger_id, connector)
        return connector_out(station, c)

    def action(path: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return app.post(
            f"/api/chargers/{{charger_id}}/connectors/{{connector}}/{path}",
            response_model=ActionOut,
            responses=_ERRORS,
            tags=["connectors"],
            summary=summary,
        )

    @action("plug", "Plug the cable in (Preparing)")
    async def plug(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        if not station.run_model(lambda now: station.charger.plug_in(c, now)):
            raise ApiError(409, f"connector {c}: the cable is already plugged in")
        return ActionOut(result="plugged", connector=connector_out(station, c))

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
        return ActionOut(
            result="accepted" if outcome.accepted else "rejected",
            authorization=outcome.auth_status.value,
            parent_id_tag=outcome.parent_id_tag,
            connector=connector_out(station, c),
        )

    @action("tag", "Present an id tag (authorize and start, or stop what runs)")
    async def tag(charger_id: str, connector: int, body: TagIn) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        return await _present(station, c, body.id_tag)

    @action("start", "Start a transaction: plug in if needed, then present the tag")
    async def start(charger_id: str, connector: int, body: StartIn | None = None) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        ch = station.charger
        status = ch.connector_status(c)
        if status in TRANSACTION_STATES or ch.view(c, station.clock.now()).transaction_id is not None:
            raise ApiError(409, f"connector {c}: a transaction is already running ({status.value})")
        if status not in (S.AVAILABLE, S.PREPARING, S.FINISHING):
            raise ApiError(409, f"connector {c} is {status.value}: no transaction can start")
        station.run_model(lambda now: ch.plug_in(c, now))
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
        if not station.run_model(lambda now: station.charger.suspend_ev(c, now)):
            raise ApiError(409, f"connector {c}: no transaction to suspend")
        return ActionOut(result="suspended", connector=connector_out(station, c))

    @action("full", "The EV's battery is full (SuspendedEV, SoC 100 %)")
    async def full(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        ch = station.charger
        if not station.run_model(lambda now: ch.suspend_ev(c, now)):
            raise ApiError(409, f"connector {c}: no transaction")
        station.run_model(lambda now: ch.configure_ev(c, soc=100.0, now=now))
        return ActionOut(result="full", connector=connector_out(station, c))

    @action("resume", "The EV takes energy again")
    async def resume(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector)
        station.run_model(lambda now: station.charger.resume_ev(c, now))
        return ActionOut(result="resumed", connector=connector_out(station, c))

    @app.put(
        "/api/chargers/{charger_id}/connectors/{connector}/max-current",
        response_model=ActionOut,
        responses=_ERRORS,
        tags=["connectors"],
    )
    async def max_current(charger_id: str, connector: int, body: MaxCurrentIn) -> ActionOut:
        """Cap what the EV draws (the `max` command); null removes the cap."""
        station, c = connector_of(charger_id, connector)
        station.run_model(lambda now: station.charger.set_max_usage(c, body.amps, now))
        return ActionOut(result="max_current", connector=connector_out(station, c))

    @app.put(
        "/api/chargers/{charger_id}/connectors/{connector}/fault",
        response_model=ActionOut,
        responses=_ERRORS,
        tags=["connectors"],
    )
    async def set_fault(charger_id: str, connector: int, body: FaultIn) -> ActionOut:
        """Inject an error (StatusNotification with errorCode, info, vendorErrorCode); connector 0 is the
        charge point itself. Warning-only codes keep the status; the rest make the connector Faulted."""
        station, c = connector_of(charger_id, connector, allow_zero=True)
        fault = Fault(body.error_code, body.info, body.vendor_error_code)
        station.run_model(lambda now: station.charger.set_fault(c, fault, now))
        return ActionOut(result="fault", connector=connector_out(station, c or 1))

    @app.delete(
        "/api/chargers/{charger_id}/connectors/{connector}/fault",
        response_model=ActionOut,
        responses=_ERRORS,
        tags=["connectors"],
    )
    async def clear_fault(charger_id: str, connector: int) -> ActionOut:
        station, c = connector_of(charger_id, connector, allow_zero=True)
        station.run_model(lambda now: station.charger.set_fault(c, None, now))
        return ActionOut(result="cleared", connector=connector_out(station, c or 1))

    @app.put(
        "/api/chargers/{charger_id}/connectors/{connector}/availability",
        response_model=ActionOut,
        responses=_ERRORS,
        tags=["connectors"],
    )
    async def availability(charger_id: str, connector: int, body: AvailabilityIn) -> ActionOut:
        """Make a connector (0: all) Operative or Inoperative, as ChangeAvailability would: Scheduled
        while a transaction runs."""
        station, c = connector_of(charger_id, connector, allow_zero=True)
        kind = AvailabilityType(body.type)
        status = station.run_model(lambda now: station.charger.change_availability(c, kind, now))
        return ActionOut(result=status.value, connector=connector_out(station, c or 1))

    # ------------------------------------------------------------------ configuration and profiles

    @app.get(
        "/api/chargers/{charger_id}/configuration",
        response_model=list[ConfigKeyOut],
        responses=_NOT_FOUND,
        tags=["configuration"],
    )
    async def configuration(charger_id: str) -> list[ConfigKeyOut]:
        """Every key GetConfiguration reports (write-only keys such as AuthorizationKey are never shown)."""
        keys, _ = station_of(charger_id).charger.get_configuration(None)
        return [ConfigKeyOut(key=k.key, readonly=k.readonly, value=k.value) for k in keys]

    @app.put(
        "/api/chargers/{charger_id}/configuration/{key}",
        response_model=ConfigChangeOut,
        responses=_ERRORS,
        tags=["configuration"],
    )
    async def change_configuration(charger_id: str, key: str, body: ConfigChangeIn) -> ConfigChangeOut:
        """ChangeConfiguration semantics: the same validation and statuses. NotSupported (unknown key) is a
        404, Rejected (read-only, bad value) a 409, each with the OCPP status in the body."""
        station = station_of(charger_id)
        if len(key) > 50:  # CiString50
            raise ApiError(404, f"unknown configuration key {key[:50]!r}...", status="NotSupported")
        status = station.run_model(lambda now: station.charger.change_configuration(key, body.value, now))
        if status is ConfigurationStatus.NOT_SUPPORTED:
            raise ApiError(404, f"unknown configuration key {key!r}", status=status.value)
        if status is ConfigurationStatus.REJECTED:
            raise ApiError(409, f"{key} = {body.value!r} rejected", status=status.value)
        spec = station.charger.config.spec(key)
        return ConfigChangeOut(key=spec.name if spec else key, status=status.value)

    @app.get(
        "/api/chargers/{charger_id}/profiles",
        response_model=ProfilesOut,
        responses=_NOT_FOUND,
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

    # ------------------------------------------------------------------ message log

    def _frames(
        station: Station,
        *,
        actions: list[str] | None,
        direction: str | None,
        since: str | None,
        until: str | None,
        after: int | None,
        limit: int | None,
    ) -> list[LoggedFrame]:
        if fleet.message_log is None:
            return []
        return fleet.message_log.frames(
            station.id,
            actions=actions or None,
            direction=direction,
            since=_parse_time(since, "since"),
            until=_parse_time(until, "until"),
            after_seq=after,
            limit=limit,
        )

    @app.get(
        "/api/chargers/{charger_id}/messages",
        response_model=FramePage,
        responses=_ERRORS,
        tags=["message log"],
    )
    async def messages(
        charger_id: str,
        *,
        action: Annotated[list[str] | None, Query(description="repeat for several")] = None,
        direction: Annotated[str | None, _DIRECTION] = None,
        since: Annotated[str | None, Query(description="ISO 8601")] = None,
        until: Annotated[str | None, Query(description="ISO 8601")] = None,
        after: Annotated[int | None, Query(ge=0, description="only frames after this seq")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    ) -> FramePage:
        """Every frame (newest `limit`, oldest first) with time, direction, action, message id, payload
        and the latency of the answer."""
        station = station_of(charger_id)
        frames = _frames(
            station, actions=action, direction=direction, since=since, until=until, after=after, limit=None
        )
        return FramePage(total=len(frames), items=[_frame_out(f) for f in frames[-limit:]])

    @app.get(
        "/api/chargers/{charger_id}/messages.jsonl",
        responses={**_ERRORS, 200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines"}},
        response_class=Response,
        tags=["message log"],
    )
    async def messages_export(
        charger_id: str,
        *,
        action: Annotated[list[str] | None, Query()] = None,
        direction: Annotated[str | None, _DIRECTION] = None,
        since: Annotated[str | None, Query()] = None,
        until: Annotated[str | None, Query()] = None,
        persisted: Annotated[
            bool, Query(description="from the SQLite file ([http] persist_log), earlier runs included")
        ] = False,
    ) -> Response:
        """The message log as JSON Lines, one frame a line, for a file."""
        station = station_of(charger_id)
        if persisted:
            if not fleet.persist_log:
                raise ApiError(409, "the message log is not persisted: set [http] persist_log = True")
            frames = select_frames(
                fleet.persisted_frames(station.id),
                actions=action or None,
                direction=direction,
                since=_parse_time(since, "since"),
                until=_parse_time(until, "until"),
            )
        else:
            frames = _frames(
                station, actions=action, direction=direction, since=since, until=until, after=None, limit=None
            )
        body = b"".join(orjson.dumps(_frame_out(f).model_dump()) + b"\n" for f in frames)
        headers = {"Content-Disposition": f'attachment; filename="{station.id}-messages.jsonl"'}
        return Response(body, media_type="application/x-ndjson", headers=headers)

    # ------------------------------------------------------------------ vehicles

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

    @app.get("/api/vehicles", response_model=list[VehicleOut], tags=["vehicles"])
    async def vehicles() -> list[VehicleOut]:
        """Registered vehicles by id tag."""
        return [_vehicle_out(tag, v, True) for tag, v in fleet.vehicles]

    @app.get("/api/vehicles/{id_tag}", response_model=VehicleOut, responses=_ERRORS, tags=["vehicles"])
    async def vehicle(id_tag: str) -> VehicleOut:
        """The vehicle this tag brings; an unknown tag brings the default EV (registered: false)."""
        _check_tag(id_tag)
        found = fleet.vehicles.get(id_tag)
        return _vehicle_out(id_tag, found or fleet.vehicles.default, found is not None)

    @app.put("/api/vehicles/{id_tag}", response_model=VehicleOut, responses=_ERRORS, tags=["vehicles"])
    async def put_vehicle(id_tag: str, body: VehicleIn) -> VehicleOut:
        """Register (or change) the vehicle of a tag: it arrives whenever the tag starts a session."""
        _check_tag(id_tag)
        try:
            vehicle = Vehicle(**body.model_dump())
        except VehicleError as exc:
            raise ApiError(422, str(exc)) from None
        fleet.put_vehicle(id_tag, vehicle)
        return _vehicle_out(id_tag, vehicle, True)

    @app.delete("/api/vehicles/{id_tag}", status_code=204, responses=_ERRORS, tags=["vehicles"])
    async def delete_vehicle(id_tag: str) -> Response:
        _check_tag(id_tag)
        if not fleet.remove_vehicle(id_tag):
            raise ApiError(404, f"no vehicle registered for tag {id_tag!r}")
        return Response(status_code=204)

    def _check_tag(id_tag: str) -> None:
        if not 1 <= len(id_tag) <= 20:
            raise ApiError(422, "id tag must be 1-20 characters (IdToken is CiString20)")

    # ------------------------------------------------------------------ live events

    @app.get(
        "/api/events",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
            **_ERRORS,
        },
        tags=["events"],
    )
    async def events(
        request: Request,
        charger: Annotated[list[str] | None, Query(description="only these chargers (repeat)")] = None,
        kinds: Annotated[str | None, Query(description=f"comma-separated: {', '.join(EVENT_KINDS)}")] = None,
        limit: Annotated[int | None, Query(ge=1, le=100_000, description="close after this many")] = None,
    ) -> StreamingResponse:
        """Server-Sent Events: `status`, `meter`, `frame`, `connection` and `charger` events as JSON.
        A slow reader loses the oldest events (counted in a `dropped` event), never slows a charger."""
        if fleet.events is None:
            raise ApiError(404, "this simulator runs without an event stream")
        wanted = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
        unknown = sorted(set(wanted or ()) - set(EVENT_KINDS))
        if unknown:
            raise ApiError(422, f"unknown event kinds {unknown}; known: {', '.join(EVENT_KINDS)}")
        sub = fleet.events.subscribe(charger_ids=charger or None, kinds=wanted)

        async def stream() -> AsyncIterator[bytes]:
            sent = dropped = 0
            try:
                yield b"retry: 2000\n\n"
                while limit is None or sent < limit:
                    try:
                        event = await asyncio.wait_for(sub.get(), _KEEPALIVE_S)
                    except TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield b": keepalive\n\n"
                        continue
                    if event.kind == CLOSED:
                        return
                    if sub.dropped != dropped:
                        yield b"event: dropped\ndata: " + orjson.dumps({"dropped": sub.dropped}) + b"\n\n"
                        dropped = sub.dropped
                    yield b"event: " + event.kind.encode() + b"\ndata: " + _event_json(event) + b"\n\n"
                    sent += 1
            finally:
                sub.close()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    @app.get("/api/health", tags=["fleet"])
    async def health() -> dict[str, Any]:
        """Liveness: the version and whether the fleet runs."""
        return {"ok": True, "version": __version__, "running": fleet.running}

    return app
