"""Run one simulated charger with its text command interface until `shutdown` (or cancellation)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from ocppsim.control.text_server import CommandRunner, TextServer
from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import InterruptedTransaction
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import Clock, SystemClock
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
    overrides = {}
    if settings.authorization_key:
        overrides["AuthorizationKey"] = settings.authorization_key
    if settings.security_profile is not None:
        overrides["SecurityProfile"] = str(settings.security_profile)
    overrides.update(store.load_config(params.charge_point_id))
    if strict:
        params = replace(params, strict_transitions=True)
    cid = params.charge_point_id
    journal = store.journal(cid)
    interrupted = [
        InterruptedTransaction(ref, connector, tag) for ref, connector, tag in store.open_transactions(cid)
    ]
    tx_ids = store.transaction_ids(cid)
    refs = (
        [ref for _, _, ref, _ in journal if ref is not None] + [t.tx_ref for t in interrupted] + list(tx_ids)
    )
    charger = Charger(
        params,
        now=clock.now(),
        config_overrides=overrides,
        meter_registers=store.load_registers(cid),
        profiles=store.load_profiles(cid),
        transaction_ids=tx_ids,
        interrupted=interrupted,
        next_tx_ref=max(refs, default=0) + 1,
        auth_cache=store.load_cache(cid),
        local_list=store.load_local_list(cid),
    )
    station = Station(
        charger,
        StationOptions(
            url=settings.server_url,
            http_auth=settings.http_auth,
            ca_file=str(settings.ca_file) if settings.ca_file else None,
            client_cert=str(settings.client_cert) if settings.client_cert else None,
            client_key=str(settings.client_key) if settings.client_key else None,
            backoff=Backoff(
                first=settings.reconnect_initial,
                cap=max(settings.reconnect_max, settings.reconnect_initial),
                jitter=min(settings.reconnect_jitter, 1.0),
            ),
        ),
        clock=clock,
        store=store,
    )
    # What an earlier run left unsent goes first; the PowerLoss stops the charger queued at start follow.
    station.replay(journal)
    station.after_model()  # journals the PowerLoss stops now, so a second crash cannot lose them
    for tx in interrupted:
        store.close_transaction(cid, tx.tx_ref)
    shutdown = asyncio.Event()
    runner = CommandRunner(station, default_tag=settings.default_tag, on_shutdown=shutdown.set)
    return ChargerApp(station, TextServer(runner), store, settings, shutdown, asyncio.Event())
