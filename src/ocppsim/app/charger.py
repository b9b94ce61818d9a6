"""Run one simulated charger with its text command interface (and, when configured, the REST API and
dashboard) until `shutdown` (or cancellation)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ocppsim.app.original_conf import import_original_conf
from ocppsim.control.text.server import CommandRunner, TextServer
from ocppsim.ocpp16.validation import validators
from ocppsim.ocpp201.validation import validators as validators_v201
from ocppsim.runtime.clock import Clock, SystemClock
from ocppsim.runtime.events import EventBus
from ocppsim.runtime.fleet import ChargerTemplate, Fleet
from ocppsim.runtime.message_log import MessageLog
from ocppsim.runtime.station import Backoff, Station, StationOptions
from ocppsim.settings.specs import Settings
from ocppsim.store import Store

if TYPE_CHECKING:
    from ocppsim.control.http.server import HttpServer

__all__ = ["ChargerApp", "build_charger_app"]

log = logging.getLogger("ocppsim")


@dataclass
class ChargerApp:
    fleet: Fleet
    station: Station  # the charger behind the text command interface
    text_server: TextServer
    http_server: HttpServer | None
    store: Store
    settings: Settings
    shutdown: asyncio.Event
    started: asyncio.Event

    async def run(self) -> None:
        """Serve until `shutdown` is set; then close everything."""
        await self.text_server.start(self.settings.host_addr, self.settings.host_port)
        try:
            if self.http_server is not None:
                await self.http_server.start()
            self.started.set()
            log.info(
                "charger %s: command interface on ws://%s:%d, CSMS %s",
                self.station.id,
                self.settings.host_addr,
                self.text_server.port,
                self.station.url,
            )
            async with asyncio.TaskGroup() as tg:
                fleet_task = tg.create_task(self.fleet.run())
                await self.shutdown.wait()
                self.fleet.stop()
                await fleet_task
        finally:
            if self.http_server is not None:
                await self.http_server.stop()
            await self.text_server.stop()
            self.store.close()


def station_options(settings: Settings) -> StationOptions:
    if settings.tls_skip_hostname_check:
        log.warning(
            "tls_skip_hostname_check is on: the CSMS's TLS certificate is not checked against its host name "
            "(its chain still is); use it only for a test central system"
        )
    return StationOptions(
        tls_skip_hostname_check=settings.tls_skip_hostname_check,
        url=settings.server_url,
        http_auth=settings.http_auth,
        ca_file=str(settings.ca_file) if settings.ca_file else None,
        client_cert=str(settings.client_cert) if settings.client_cert else None,
        client_key=str(settings.client_key) if settings.client_key else None,
        compression=settings.compression,
        proxy=settings.proxy,
        backoff=Backoff(
            first=settings.reconnect_initial,
            cap=max(settings.reconnect_max, settings.reconnect_initial),
            jitter=min(settings.reconnect_jitter, 1.0),
        ),
    )


def build_charger_app(settings: Settings, *, clock: Clock | None = None, strict: bool = False) -> ChargerApp:
    clock = clock or SystemClock()
    validators.warm()  # compile every schema once, before the first message
    if "2.0.1" in settings.charger.ocpp_versions:
        validators_v201.warm()
    store = Store(settings.conf_dir)
    params = settings.charger
    import_original_conf(store, settings.conf_dir, params.charge_point_id)
    if strict:
        params = replace(params, strict_transitions=True)
    seeds: dict[str, str] = {}
    if settings.authorization_key:
        seeds["AuthorizationKey"] = settings.authorization_key
        # OCPP 2.0.1: the same credential is the BasicAuthPassword (ignored unless 16-40 characters).
        seeds["SecurityCtrlr.BasicAuthPassword"] = settings.authorization_key
    if settings.security_profile is not None:
        seeds["SecurityProfile"] = str(settings.security_profile)
    http = settings.http
    fleet = Fleet(
        clock=clock,
        store=store,
        message_log=MessageLog(per_charger=http.log_size) if http else None,
        events=EventBus() if http else None,
        persist_log=bool(http and http.persist_log),
    )
    options = station_options(settings)
    # More chargers like this one can be created over the REST API.
    fleet.templates["default"] = ChargerTemplate(
        "default", replace(params, charge_point_id=""), options, seeds
    )
    station = fleet.add(params, options, config_defaults=seeds)
    shutdown = asyncio.Event()
    runner = CommandRunner(
        station, default_tag=settings.default_tag, on_shutdown=shutdown.set, vehicles=fleet.vehicles
    )
    http_server = None
    if http is not None:
        # The REST API's stack (fastapi, uvicorn, pydantic, prometheus_client: ~30 MiB of RSS) when it is
        # configured, not in every charger process (docs/performance.md, "Process base").
        from ocppsim.control.http.api import ApiOptions  # noqa: PLC0415
        from ocppsim.control.http.server import HttpServer, build_http_app  # noqa: PLC0415

        api_options = ApiOptions(default_tag=settings.default_tag, protected=[station.id])
        app = build_http_app(fleet, options=api_options, token=http.token)
        http_server = HttpServer(app, http, events=fleet.events)
    return ChargerApp(
        fleet,
        station,
        TextServer(runner, before_reply=store.flush),
        http_server,
        store,
        settings,
        shutdown,
        asyncio.Event(),
    )
