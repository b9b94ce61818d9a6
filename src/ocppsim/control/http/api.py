"""The REST API under /api and the live event stream, over the fleet facade (one charger or thousands).

Errors are JSON `{"error": ...}`: 404 for an unknown charger, connector, key or template, 409 for a change
the connector's state does not allow (unplug with no cable, stop with no transaction), 422 for a bad body.
Nothing a request sends reaches the model unchecked, and a failure inside becomes a 500 with a message,
never a dead simulator.

The routes live by topic, each module a router over the fleet: `api_chargers` (fleet and chargers),
`api_connectors`, `api_configuration` (keys and profiles), `api_messages`, `api_vehicles`, `api_events`;
`api_views` holds what they share (the error, the lookups, the charger and connector views) and
`api_models` the bodies (the OpenAPI schema).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ocppsim import __version__
from ocppsim.control.http.api_chargers import chargers_routes
from ocppsim.control.http.api_configuration import configuration_routes
from ocppsim.control.http.api_connectors import connectors_routes
from ocppsim.control.http.api_events import events_routes
from ocppsim.control.http.api_history import history_routes
from ocppsim.control.http.api_interceptions import interceptions_routes
from ocppsim.control.http.api_messages import messages_routes
from ocppsim.control.http.api_monitoring import monitoring_routes
from ocppsim.control.http.api_switches import switches_routes
from ocppsim.control.http.api_vehicles import vehicles_routes
from ocppsim.control.http.api_views import ApiError, ApiOptions
from ocppsim.runtime.fleet import Fleet

__all__ = ["ApiError", "ApiOptions", "build_api"]

log = logging.getLogger("ocppsim.api")


def build_api(fleet: Fleet, options: ApiOptions | None = None) -> FastAPI:
    """The FastAPI app of `fleet` (routes under /api; the dashboard adds itself in `server`)."""
    opts = options or ApiOptions()
    app = FastAPI(
        title="ocppsim",
        version=__version__,
        description="Steer simulated OCPP 1.6J chargers: connectors, configuration, profiles, the message "
        "log and a live event stream.",
        docs_url=None,  # served by server.py from packaged assets (no CDN)
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

    # In the order of the API's documentation: fleet and chargers, connectors, configuration and
    # profiles, the message log, vehicles, live events.
    for routes in (
        chargers_routes,
        connectors_routes,
        history_routes,
        configuration_routes,
        monitoring_routes,
        messages_routes,
        vehicles_routes,
        events_routes,
        switches_routes,
        interceptions_routes,
    ):
        app.include_router(routes(fleet, opts))

    @app.get("/api/health", tags=["fleet"])
    async def health() -> dict[str, Any]:
        """Liveness: the version and whether the fleet runs."""
        return {"ok": True, "version": __version__, "running": fleet.running}

    return app
