"""Run one simulated charger with its text command interface until `shutdown` (or cancellation)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from ocppsim.control.text_server import CommandRunner, TextServer
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import Clock, SystemClock
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import Backoff, Station, StationOptions
from ocppsim.settings import Settings
from ocppsim.store.sqlite import Store

__all__ = ["ChargerApp", "build_charger_app"]

log = logging.getLogger("ocppsim")


@dataclass
class ChargerApp:
    station: Station
    text_server: TextServer
    store: Store
    settings: Settings
    shutdown: asyncio.Event
    started: asyncio.Event

    async def run(self) -> None:
        """Serve until `shutdown` is set; then close everything."""
        await self.text_server.start(self.settings.host_addr, self.settings.host_port)
        self.started.set()
        log.info(
            "charger %s: command interface on ws://%s:%d, CSMS %s",
            self.station.id,
            self.settings.host_addr,
            self.text_server.port,
            self.station.url,
        )
        try:
            async with asyncio.TaskGroup() as tg:
                station_task = tg.create_task(self.station.run())
                await self.shutdown.wait()
                await self.station.stop()
                station_task.cancel()
        finally:
            await self.text_server.stop()
            self.store.save_registers(self.station.id, self.station.charger.meter_registers())
            self.store.close()


def build_charger_app(settings: Settings, *, clock: Clock | None = None, strict: bool = False) -> ChargerApp:
    clock = clock or SystemClock()
    validators.warm()  # compile every schema once, before the first message
    store = Store(settings.conf_dir)
    params = settings.charger
    if strict:
        params = replace(params, strict_transitions=True)
    seeds: dict[str, str] = {}
    if settings.authorization_key:
        seeds["AuthorizationKey"] = settings.authorization_key
    if settings.security_profile is not None:
        seeds["SecurityProfile"] = str(settings.security_profile)
    options = StationOptions(
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
    station = restore_station(params, options, clock=clock, store=store, config_defaults=seeds)
    shutdown = asyncio.Event()
    runner = CommandRunner(station, default_tag=settings.default_tag, on_shutdown=shutdown.set)
    return ChargerApp(station, TextServer(runner), store, settings, shutdown, asyncio.Event())
