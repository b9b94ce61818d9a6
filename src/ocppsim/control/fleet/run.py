"""One process of a fleet run: its chargers (all of them, or one shard of a `--workers` run), the
transaction generator, the REST API and the fleet's text command interface, the live view, the summary.

A shard (a worker process) talks to its parent over its standard streams: one JSON line per event on
stdout (`ready` with its ports, `stats` every second, `done` with the final counts), and it stops when
its stdin closes (the parent is gone) or on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ocppsim.control.fleet.plan import FleetRun, chargers_of, print_summary
from ocppsim.control.fleet.view import show_fleet
from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime.fleet import ChargerTemplate, Fleet, FleetCounts
from ocppsim.runtime.gc_policy import building_long_lived
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.runtime.transaction_generator import SessionMix, TransactionGenerator
from ocppsim.settings.specs import FleetCharger, HttpSettings

if TYPE_CHECKING:
    from ocppsim.control.http.server import HttpServer
    from ocppsim.control.text.server import TextServer

log = logging.getLogger("ocppsim.fleet")

__all__ = ["serve_fleet", "station_options"]

STATS_INTERVAL_S = 1.0
# A worker counts its chargers (connected, booted, charging, queued) at most this often. Counting visits
# every charger's objects: 25-100 ms of CPU a second for 15,000 chargers (measured in a worker's
# process, benchmarks/fleet_mix.py), scattered over memory as the chargers are. Counted every second
# by every worker, that is a fixed cost per charger and so per message at any fleet size: at 100,000
# chargers (seven workers) 0.2-0.6 of the two cores. The parent's status line comes every 5 s
# (control/fleet/view.py); the message statistics still go every second.
COUNT_EVERY_S = 5.0


def station_options(item: FleetCharger) -> StationOptions:
    return StationOptions(
        url=item.url,
        source_address=item.source_address,
        ca_file=item.ca_file,
        client_cert=item.client_cert,
        client_key=item.client_key,
        tls_skip_hostname_check=item.tls_skip_hostname_check,
    )


async def _start_charging(stations: list[Station]) -> None:
    """Plug in and present a tag on connector 1 of each once it is booted, the starts spread over one
    MeterValueSampleInterval (real chargers do not all sample in the same instant); then each charges on.
    One task polls twice a second for the booted ones and gives each a timer of its own at its share of
    the interval: starting a poll's batch together made their MeterValues fall due together, every
    interval, and stopped the loop for tens of milliseconds each time."""
    loop = asyncio.get_running_loop()
    pending = [(station, i / len(stations)) for i, station in enumerate(stations)]
    while pending:
        now = loop.time()
        waiting = []
        for station, share in pending:
            if station.charger.registration is not RegistrationStatus.ACCEPTED:
                waiting.append((station, share))
                continue
            interval = max(1, station.charger.config.get_int("MeterValueSampleInterval"))
            loop.call_at(now + share * interval, _start_session, station)
        pending = waiting
        if pending:
            await asyncio.sleep(0.5)


def _start_session(station: Station) -> None:
    charger = station.charger
    if charger.registration is not RegistrationStatus.ACCEPTED:  # rebooted meanwhile: when it is back
        asyncio.get_running_loop().call_later(0.5, _start_session, station)
        return
    model_now = station.clock.now()
    charger.ev_inputs.plug_in(1, model_now)
    charger.authorization.present_tag(1, "MIX", model_now)
    station.after_model()


def _emit(event: str, **data: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


async def _report_to_parent(fleet: Fleet) -> None:
    """Every STATS_INTERVAL_S: the message statistics as they are, and the counts last finished (counted
    every COUNT_EVERY_S). Counting takes a loop turn per COUNT_SLICE chargers; a worker whose loop is
    saturated (turns of 100 ms and more) sent nothing for seconds when each report waited for its
    count, and the parent's messages/s read 0, then a spike."""
    loop = asyncio.get_running_loop()
    counts = fleet.counts()
    counted_at = loop.time()
    counting: asyncio.Task[FleetCounts] | None = None
    try:
        while True:
            if counting is not None and counting.done():
                counts, counting = counting.result(), None
            if counting is None and loop.time() - counted_at >= COUNT_EVERY_S:
                counted_at = loop.time()
                counting = asyncio.create_task(fleet.counts_gradually())
            _emit("stats", counts=asdict(counts), stats=fleet.stats.export())
            await asyncio.sleep(STATS_INTERVAL_S)
    finally:
        if counting is not None:
            counting.cancel()


class _ParentWatch(asyncio.Protocol):
    """The parent holds our stdin open; EOF means it is gone: stop rather than run on orphaned."""

    def __init__(self, stop: Callable[[], None]) -> None:
        self._stop = stop

    def eof_received(self) -> bool:
        self._stop()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()


# The surfaces are imported when configured, not with this module: a worker without --http runs without
# fastapi, uvicorn, pydantic and prometheus_client (~30 MiB of RSS per process), one without a text port
# without the text interface's modules (docs/performance.md, "Process base"; tests/cli/test_process_imports.py
# holds it).
async def _start_http(fleet: Fleet, http: HttpSettings) -> HttpServer:
    from ocppsim.control.http.server import HttpServer, build_http_app  # noqa: PLC0415 - see above

    server = HttpServer(build_http_app(fleet, token=http.token), http, events=fleet.events)
    await server.start()
    return server


async def _start_text(run: FleetRun, fleet: Fleet) -> TextServer:
    from ocppsim.control.text.fleet_commands import FleetCommandRunner  # noqa: PLC0415 - see _start_http
    from ocppsim.control.text.server import TextServer  # noqa: PLC0415 - see _start_http

    assert run.text_port is not None
    server = TextServer(FleetCommandRunner(fleet, on_shutdown=fleet.stop), before_reply=fleet.store.flush)
    await server.start(run.text_host, run.text_port)
    return server


async def serve_fleet(
    run: FleetRun, fleet: Fleet, *, on_signals: Callable[[Callable[[], None]], None]
) -> None:
    """Run `fleet` (built by ocppsim.app.fleet over its store, empty) with this run's chargers (all, or
    this shard's), sessions and surfaces until it stops; then the summary, or the shard's last report."""
    spec, http = run.spec, run.http
    clock = fleet.clock
    for name, item in spec.templates.items():
        if item.tls_skip_hostname_check:
            log.warning(
                "template %s: tls_skip_hostname_check is on: the CSMS's TLS certificate is not checked "
                "against its host name (its chain still is); use it only for a test central system",
                name,
            )
        fleet.templates[name] = ChargerTemplate(
            name, item.params, station_options(item), item.config_defaults()
        )
    charging: list[Station] = []
    with building_long_lived():  # runtime/gc_policy.py: no full collections over half-built chargers
        # A worker's spec holds its own chargers already (for_shard): the share is spread over them.
        for item, charges in chargers_of(spec, None):
            station = fleet.add(item.params, station_options(item), config_defaults=item.config_defaults())
            if charges:
                charging.append(station)
    http_server = await _start_http(fleet, http) if http is not None else None
    text_server = await _start_text(run, fleet) if run.text_port is not None else None
    side: list[asyncio.Task[None]] = []
    watch: asyncio.BaseTransport | None = None
    on_signals(fleet.stop)
    if run.shard is not None:
        _emit(
            "ready",
            http=http_server.port if http_server else None,
            text=text_server.port if text_server else None,
            chargers=len(fleet),
        )
        side.append(asyncio.create_task(_report_to_parent(fleet)))
        watch, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: _ParentWatch(fleet.stop), sys.stdin
        )
    else:
        if http_server is not None:
            print(f"dashboard and REST API on {http_server.url}/", flush=True)
        if text_server is not None:
            print(f"fleet command interface on ws://{run.text_host}:{text_server.port}", flush=True)
        side.append(asyncio.create_task(show_fleet(fleet, live=run.live)))
    if run.duration > 0:
        asyncio.get_running_loop().call_later(run.duration, fleet.stop)
    if charging:
        side.append(asyncio.create_task(_start_charging(charging)))
    if spec.sessions:
        mix = SessionMix(
            mean_arrival_s=spec.arrival_mean_s,
            mean_stay_s=spec.stay_mean_s,
            remote_start_share=spec.remote_start_share,
        )
        # Each shard draws from its own seed: a run repeats exactly for the same seed and worker count.
        seed = spec.seed if run.shard is None else spec.seed * 1000 + run.shard[0]
        ev_mixes = {item.params.charge_point_id: item.ev_mix for item in spec.chargers if item.ev_mix}
        generator = TransactionGenerator(list(fleet), clock=clock, seed=seed, mix=mix, ev_mixes=ev_mixes)
        side.append(asyncio.create_task(generator.run()))
    ramp = spec.ramp_per_s
    if ramp and run.shard is not None:
        ramp /= run.shard[1]  # the workers ramp up side by side
    try:
        await fleet.run(ramp_per_s=ramp)
    finally:
        if text_server is not None:
            await text_server.stop()
        if http_server is not None:
            await http_server.stop()
        for task in side:
            task.cancel()
        fleet.store.close()  # commits what is buffered and checkpoints the WAL into the file
    if run.shard is not None:
        if watch is not None:
            watch.close()
        _emit("done", counts=asdict(fleet.counts()), stats=fleet.stats.export())
        return
    print_summary(fleet.counts(), fleet.stats, run)
