"""REST API: the message log of a charger: frames filtered, paged, and exported as JSON Lines."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from ocppsim.control.http.api_models import FrameOut, FramePage
from ocppsim.control.http.api_views import (
    DIRECTION_QUERY,
    ERRORS,
    ApiError,
    ApiOptions,
    fleet_lookups,
    iso_time,
    parse_time,
)
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.message_log import LoggedFrame, select_frames
from ocppsim.runtime.station import Station

__all__ = ["messages_routes"]


def _frame_out(frame: LoggedFrame) -> FrameOut:
    payload: Any = frame.raw
    with contextlib.suppress(orjson.JSONDecodeError):
        decoded = orjson.loads(frame.raw)
        payload = decoded[-1] if isinstance(decoded, list) and decoded else decoded
        if frame.message_type == "CALLERROR" and isinstance(decoded, list) and len(decoded) >= 5:
            payload = {"errorCode": decoded[2], "errorDescription": decoded[3], "errorDetails": decoded[4]}
    return FrameOut(
        seq=frame.seq,
        time=iso_time(frame.time),
        direction="in" if frame.direction == "in" else "out",
        type=frame.message_type,
        message_id=frame.message_id,
        action=frame.action,
        latency_ms=frame.latency_ms,
        payload=payload,
        note=frame.note,
    )


_ANSWERS = ("CALLRESULT", "CALLERROR")


def _pair_key(frame: LoggedFrame) -> tuple[str, str]:
    """A CALL and its answer share this: the message id and the CALL's direction (OCPP-J 4.1)."""
    if frame.message_type in _ANSWERS:
        return frame.message_id, "out" if frame.direction == "in" else "in"
    return frame.message_id, frame.direction


def keep_pairs(frames: list[LoggedFrame], start: int, end: int) -> tuple[int, int]:
    """[start, end) widened until no CALL in it is without its answer, nor an answer without its CALL,
    where the partner is among `frames`: a page of the log never splits a request from its answer."""
    calls: dict[tuple[str, str], int] = {}
    answers: dict[tuple[str, str], int] = {}
    for i, f in enumerate(frames):
        if f.message_type == "CALL":
            calls[_pair_key(f)] = i
        elif f.message_type in _ANSWERS:
            answers[_pair_key(f)] = i
    while True:
        lo, hi = start, end
        for f in frames[start:end]:
            key = _pair_key(f)
            if f.message_type == "CALL" and key in answers:
                hi = max(hi, answers[key] + 1)
            elif f.message_type in _ANSWERS and key in calls:
                lo = min(lo, calls[key])
        if (lo, hi) == (start, end):
            return start, end
        start, end = lo, hi


def messages_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    find = fleet_lookups(fleet)
    station_of = find.station_of

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
            since=parse_time(since, "since"),
            until=parse_time(until, "until"),
            after_seq=after,
            limit=limit,
        )

    @api.get(
        "/api/chargers/{charger_id}/messages",
        response_model=FramePage,
        responses=ERRORS,
        tags=["message log"],
    )
    async def messages(
        charger_id: str,
        *,
        action: Annotated[list[str] | None, Query(description="repeat for several")] = None,
        direction: Annotated[str | None, DIRECTION_QUERY] = None,
        since: Annotated[str | None, Query(description="ISO 8601")] = None,
        until: Annotated[str | None, Query(description="ISO 8601")] = None,
        after: Annotated[int | None, Query(ge=0, description="only frames after this seq")] = None,
        before: Annotated[int | None, Query(ge=1, description="only frames before this seq (paging)")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    ) -> FramePage:
        """Every frame (newest `limit`, oldest first) with time, direction, action, message id, payload
        and the latency of the answer. A page keeps a request and its answer together: it may hold a
        few more than `limit` frames so that neither is left on the next page."""
        station = station_of(charger_id)
        frames = _frames(
            station, actions=action, direction=direction, since=since, until=until, after=after, limit=None
        )
        end = (
            len(frames)
            if before is None
            else next((i for i, f in enumerate(frames) if f.seq >= before), len(frames))
        )
        start, end = keep_pairs(frames, max(0, end - limit), end)
        return FramePage(total=len(frames), items=[_frame_out(f) for f in frames[start:end]])

    @api.get(
        "/api/chargers/{charger_id}/messages.jsonl",
        responses={**ERRORS, 200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines"}},
        response_class=Response,
        tags=["message log"],
    )
    async def messages_export(
        charger_id: str,
        *,
        action: Annotated[list[str] | None, Query()] = None,
        direction: Annotated[str | None, DIRECTION_QUERY] = None,
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
                since=parse_time(since, "since"),
                until=parse_time(until, "until"),
            )
        else:
            frames = _frames(
                station, actions=action, direction=direction, since=since, until=until, after=None, limit=None
            )
        body = b"".join(orjson.dumps(_frame_out(f).model_dump()) + b"\n" for f in frames)
        headers = {"Content-Disposition": f'attachment; filename="{station.id}-messages.jsonl"'}
        return Response(body, media_type="application/x-ndjson", headers=headers)

    return api
