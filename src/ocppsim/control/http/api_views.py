"""How the REST API finds and shows things: its error (a JSON body with a status code), its options, the
lookups by charger id and connector, and the views of a charger and a connector shared by its routes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from fastapi import Query

from ocppsim.control.http.api_models import (
    ChargerBrief,
    ChargerOut,
    ConnectorBrief,
    ConnectorOut,
    DisplayMessageOut,
    ErrorOut,
    EvOut,
)
from ocppsim.model.display.block import message_state, running_transaction_ids
from ocppsim.model.types import ChargePointErrorCode
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import Station

__all__ = [
    "DIRECTION_QUERY",
    "ERRORS",
    "ID_PART_QUERY",
    "KEEPALIVE_S",
    "NOT_FOUND",
    "STATUS_QUERY",
    "ApiError",
    "ApiOptions",
    "FleetLookups",
    "charger_brief",
    "connector_out",
    "display_out",
    "fleet_lookups",
    "iso_time",
    "parse_time",
]

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "unknown charger, connector, key or template"},
    409: {"model": ErrorOut, "description": "the connector's state does not allow this"},
    422: {"model": ErrorOut, "description": "the request body or a parameter is invalid"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERRORS[404], 422: ERRORS[422]}
KEEPALIVE_S = 15.0
ID_PART_QUERY = Query(max_length=100, description="part of the charger id")
STATUS_QUERY = Query(description="a connector status; None: not booted")
DIRECTION_QUERY = Query(pattern="^(in|out)$", description="in: CSMS -> charger; out: charger -> CSMS")


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


def iso_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str | None, name: str) -> float | None:
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


def display_out(station: Station) -> tuple[list[DisplayMessageOut], dict[str, float]]:
    """The display messages of a 2.0.1 charger (those shown now marked) and its running costs."""
    charger = station.charger
    display = charger.display
    if display is None:
        return [], {}
    state = charger.state
    at = state.ts(station.clock.now())
    running = running_transaction_ids(state)
    shown = {m.id for m in display.on_display(at, running, message_state(state))}
    messages = [
        DisplayMessageOut(
            id=m.id,
            priority=m.priority.value,
            format=m.format.value,
            content=m.content,
            language=m.language,
            state=m.state.value if m.state is not None else None,
            start=iso_time(m.start) if m.start is not None else None,
            end=iso_time(m.end) if m.end is not None else None,
            transaction_id=m.transaction_id,
            shown=m.id in shown,
        )
        for m in display.get_messages(at, running)
    ]
    return messages, display.costs(running)


def charger_brief(station: Station) -> ChargerBrief:
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


class _ConnectorOf(Protocol):
    def __call__(
        self, charger_id: str, connector: int, *, allow_zero: bool = False
    ) -> tuple[Station, int]: ...


@dataclass(frozen=True, slots=True)
class FleetLookups:
    """A charger by id (404 when there is none), a connector of it, and the charger's full view."""

    station_of: Callable[[str], Station]
    connector_of: _ConnectorOf
    charger_out: Callable[[Station], ChargerOut]


def fleet_lookups(fleet: Fleet) -> FleetLookups:
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
        brief = charger_brief(station)
        boot = station.charger.params.boot_info
        messages, costs = display_out(station)
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
            ocpp_versions=list(station.charger.params.ocpp_versions),
            display_messages=messages,
            running_costs=costs,
        )

    return FleetLookups(station_of, connector_of, charger_out)
