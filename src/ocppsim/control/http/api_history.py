"""REST API: a connector's recent history (power, current, offer, limit, energy, SoC) and its composite
schedule ahead, for the dashboard's charts: a chart opened late starts with the last hour, not empty.

What is recorded is bounded (runtime/meter_history.py): every charger of a small fleet, and in a large
one the chargers somebody looks at: asking for a charger's history starts recording it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ocppsim.control.http.api_models import HistoryOut
from ocppsim.control.http.api_views import NOT_FOUND, ApiError, ApiOptions, fleet_lookups
from ocppsim.model.types import ChargingRateUnit
from ocppsim.runtime.fleet import Fleet

__all__ = ["history_routes"]


def history_routes(fleet: Fleet, opts: ApiOptions) -> APIRouter:
    api = APIRouter()
    connector_of = fleet_lookups(fleet).connector_of

    @api.get(
        "/api/chargers/{charger_id}/connectors/{connector}/history",
        response_model=HistoryOut,
        responses=NOT_FOUND,
        tags=["connectors"],
    )
    async def history(
        charger_id: str,
        connector: int,
        seconds: Annotated[float, Query(gt=0, le=3600, description="how far back")] = 3600,
        ahead: Annotated[int, Query(ge=1, le=86400, description="composite schedule from now")] = 3600,
    ) -> HistoryOut:
        """Samples taken when what a chart draws changed (and every 10 s while charging); values hold
        until the next sample (step functions). Asking starts recording a charger not yet recorded."""
        station, cid = connector_of(charger_id, connector)
        recorder = fleet.history
        if recorder is None:
            raise ApiError(404, "this simulator keeps no history (it runs without the event stream)")
        was_recording = recorder.recording(station.id)
        recorder.watch(station.id)
        now = station.clock.now()
        if not was_recording:
            recorder.observe(station.id, station.charger, now)
        samples = recorder.samples(station.id, cid, now, seconds)
        start = float(int(now))
        periods = station.charger.smart_charging.composite_schedule(cid, start, ahead, ChargingRateUnit.AMPS)
        return HistoryOut(
            connector=cid,
            now=now,
            recording=was_recording,
            time=[s.time for s in samples],
            status=[s.status for s in samples],
            power_w=[round(s.power_w, 1) for s in samples],
            current_a=[round(s.current_a, 2) for s in samples],
            offer_a=[round(s.offer_a, 2) for s in samples],
            limit_a=[round(s.limit_a, 2) for s in samples],
            session_wh=[round(s.session_wh, 1) for s in samples],
            soc=[round(s.soc, 2) for s in samples],
            schedule=[
                {"start": start + p.start_period, "limit_a": p.limit, "phases": float(p.number_phases)}
                for p in periods
            ],
        )

    return api
