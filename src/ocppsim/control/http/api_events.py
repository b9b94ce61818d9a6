"""REST API: the live event stream (Server-Sent Events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from ocppsim.control.http.api_views import ERRORS, KEEPALIVE_S, ApiError, ApiOptions, iso_time
from ocppsim.runtime.events import CLOSED, EVENT_KINDS, Event
from ocppsim.runtime.fleet import Fleet

__all__ = ["events_routes"]


def _event_json(event: Event) -> bytes:
    return orjson.dumps(
        {"kind": event.kind, "charger": event.charger_id, "time": iso_time(event.time), **event.data}
    )


def events_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()

    @api.get(
        "/api/events",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
            **ERRORS,
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
                        event = await asyncio.wait_for(sub.get(), KEEPALIVE_S)
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

    return api
