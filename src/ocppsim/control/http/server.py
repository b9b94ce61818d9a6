"""The HTTP server of the REST API and the dashboard: uvicorn inside our event loop (one runtime owns all
I/O), a bearer token when configured, the dashboard's files from the package (no CDN, no build step)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Callable, Iterator, MutableMapping
from importlib import resources
from typing import Any

import orjson
import swagger_ui_bundle  # type: ignore[import-untyped]
import uvicorn
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ocppsim.control.http.api import ApiOptions, build_api
from ocppsim.control.http.metrics import CONTENT_TYPE, fleet_metrics
from ocppsim.control.readout import FleetReadout
from ocppsim.runtime.events import EventBus
from ocppsim.runtime.fleet import Fleet
from ocppsim.settings.specs import HttpSettings

__all__ = ["BearerToken", "HttpServer", "add_pages", "build_http_app"]

log = logging.getLogger("ocppsim.http")

_STATIC = resources.files("ocppsim.control.http") / "static"


class BearerToken:
    """Every /api request needs `Authorization: Bearer <token>` (or `?access_token=`, for EventSource,
    which cannot set headers). The dashboard's own files are public: they hold no data."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._protected(scope["path"]) and not self._allowed(scope):
            body = b'{"error":"missing or wrong bearer token"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"www-authenticate", b'Bearer realm="ocppsim"'),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _protected(path: str) -> bool:
        # The data, the controls and the metrics; the page, the docs and the schema hold neither.
        return path == "/api" or path.startswith("/api/") or path == "/metrics"

    def _allowed(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization" and value.startswith(b"Bearer "):
                return hmac.compare_digest(value[7:], self._token)
        query: bytes = scope.get("query_string", b"")
        for part in query.split(b"&"):
            if part.startswith(b"access_token="):
                return hmac.compare_digest(part[13:], self._token)
        return False


class FlushBeforeReply:
    """What a request did is committed before its answer starts (the store's group commit)."""

    def __init__(self, app: ASGIApp, flush: Callable[[], None]) -> None:
        self.app = app
        self._flush = flush

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def durable_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self._flush()
            await send(message)

        await self.app(scope, receive, durable_send)


def add_pages(app: Starlette, fleet: FleetReadout) -> None:
    """The dashboard, the API docs (offline assets) and Prometheus /metrics."""

    async def dashboard(_: Request) -> Response:
        return FileResponse(str(_STATIC / "index.html"), media_type="text/html")

    async def dashboard_alias(_: Request) -> Response:
        return RedirectResponse("/")

    async def docs(_: Request) -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="ocppsim REST API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    async def metrics(_: Request) -> Response:
        """Prometheus: fleet counts, CALLs by action, errors by kind, answer latency quantiles."""
        return Response(fleet_metrics(fleet), media_type=CONTENT_TYPE)

    app.add_route("/", dashboard, include_in_schema=False)
    app.add_route("/dashboard", dashboard_alias, include_in_schema=False)
    app.add_route("/docs", docs, include_in_schema=False)

    async def fleet_stats(_: Request) -> Response:
        """The overview's rates: counts, CALLs out and in so far (a rate is the difference of two
        readings), CSMS answer latency p50/p99 over the recent window, errors by kind."""
        c, s = fleet.counts(), fleet.stats.summary()
        body = {
            "counts": {
                "chargers": c.chargers,
                "connected": c.connected,
                "booted": c.booted,
                "charging": c.charging,
                "queued": c.queued,
            },
            **{k: s[k] for k in ("seconds", "calls_out", "calls_in", "errors")},
            "latency_ms": {
                "p50": s["latency_ms_p50"],
                "p95": s["latency_ms_p95"],
                "p99": s["latency_ms_p99"],
            },
        }
        return Response(orjson.dumps(body), media_type="application/json")

    app.add_route("/metrics", metrics, include_in_schema=False)
    app.add_route("/api/fleet/stats", fleet_stats, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(_STATIC)), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")


def build_http_app(fleet: Fleet, *, options: ApiOptions | None = None, token: str | None = None) -> FastAPI:
    app = build_api(fleet, options)
    add_pages(app, fleet)
    app.add_middleware(FlushBeforeReply, flush=fleet.store.flush)
    if token:
        app.add_middleware(BearerToken, token=token)
    return app


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the CLI owns SIGINT/SIGTERM and stops us."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpServer:
    def __init__(self, app: Any, settings: HttpSettings, *, events: EventBus | None = None) -> None:
        """`events`: the bus whose streams are ended first on stop (else they hold the shutdown up)."""
        self.app = app
        self.settings = settings
        self._events = events
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
            ws="none",
        )
        self._server = _EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None
        self.port = settings.port

    @property
    def url(self) -> str:
        host = f"[{self.settings.host}]" if ":" in self.settings.host else self.settings.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind
                    self._task.result()
                raise OSError(f"HTTP server on {self.settings.host}:{self.settings.port} did not start")
            await asyncio.sleep(0.01)
        sockets = [s for server in self._server.servers for s in server.sockets]
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("REST API and dashboard on %s", self.url)

    async def stop(self) -> None:
        if self._task is None:
            return
        if self._events is not None:
            self._events.close_all()
            await asyncio.sleep(0)  # let the streams see it and finish
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
