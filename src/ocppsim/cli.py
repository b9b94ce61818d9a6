"""Command line entry point: `ocppsim [--config F] [--id ID] [--port P]` runs one charger exactly like
the original ocppsim; subcommands: `csms`, `shell`, `demo`, `fleet`, `chaos`. The only place that runs an
event loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ocppsim import __version__
from ocppsim.control.app import build_charger_app
from ocppsim.control.fleet_app import FleetRun, run_fleet
from ocppsim.control.fleet_workers import run_sharded
from ocppsim.control.http_server import HTTP_TOKEN_ENV
from ocppsim.control.locust_agent import AgentOptions, run_agent
from ocppsim.control.shell import run_shell
from ocppsim.csms.probe import Prober
from ocppsim.csms.server import CentralSystem
from ocppsim.csms.sink import Sink
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime.chaos import ChaosProxy
from ocppsim.runtime.fleet import keep_long_lived_out_of_gc
from ocppsim.settings import (
    DEFAULT_INI,
    FleetCharger,
    FleetSpec,
    HttpSettings,
    Settings,
    SettingsError,
    load_fleet_file,
    load_settings,
    parse_http_address,
)

__all__ = ["main"]

_uvloop_factory: Callable[[], asyncio.AbstractEventLoop] | None
try:
    from uvloop import new_event_loop as _uvloop_factory
except ImportError:  # not on this platform (Windows): the standard loop
    _uvloop_factory = None

T = TypeVar("T")

SUBCOMMANDS = ("csms", "shell", "demo", "chaos", "fleet", "locust-agent", "locustfile")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse already exits with 2; keep its message clear and short.
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _charger_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ocppsim",
        description="OCPP 1.6J charge point simulator. Subcommands: csms, shell, demo (each has -h).",
    )
    p.add_argument("--config", default=DEFAULT_INI, help="INI file (default: %(default)s)")
    p.add_argument("--id", dest="charger_id", help="charge point id (overrides [charger] charger_id)")
    p.add_argument("--port", type=int, help="command interface port (overrides [host] port)")
    _add_http_flags(p)
    p.add_argument("--version", action="version", version=f"ocppsim {__version__}")
    return p


def _add_http_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        help="serve the REST API and dashboard (default host 127.0.0.1; overrides [http])",
    )
    p.add_argument(
        "--http-token",
        default=os.environ.get(HTTP_TOKEN_ENV),
        help=f"bearer token of the REST API, required off loopback (default: ${HTTP_TOKEN_ENV}; the"
        " environment keeps it out of the process list)",
    )


def _http_settings(args: argparse.Namespace, base: HttpSettings | None) -> HttpSettings | None:
    """[http] from the file, changed by --http / --http-token; raises SettingsError."""
    http = parse_http_address(args.http, base) if args.http else base
    if http is not None and args.http_token:
        http = replace(http, token=args.http_token)
    return http


def _run_fast(coro: Coroutine[Any, Any, T]) -> T:
    """Run the many-connection commands (fleet, csms) on uvloop where it is installed: the event loop is
    a third of the per-message cost, and uvloop's is ~1.35x faster on the fleet's message path
    (benchmarks/message_path.py). OCPPSIM_LOOP=asyncio keeps the standard loop."""
    factory = _uvloop_factory if os.environ.get("OCPPSIM_LOOP", "uvloop") == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coro)


def _stop_on_signals(stop: Callable[[], None]) -> None:
    """Ctrl+C and SIGTERM end the run cleanly (registers saved, connections closed)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop)


def _setup_logging(levels: dict[str, str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(None if name == "root" else name).setLevel(level)


async def _serve_charger(settings: Settings) -> None:
    app = build_charger_app(settings)
    _stop_on_signals(app.shutdown.set)
    await app.run()


def _run_charger(argv: Sequence[str]) -> int:
    args = _charger_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, charger_id=args.charger_id, port=args.port)
        settings = replace(settings, http=_http_settings(args, settings.http))
    except SettingsError as exc:
        print(f"ocppsim: configuration error: {exc}", file=sys.stderr)
        return 2
    _setup_logging(settings.log_levels)
    asyncio.run(_serve_charger(settings))
    return 0


def _run_csms(argv: Sequence[str]) -> int:
    p = _Parser(prog="ocppsim csms", description="Built-in OCPP 1.6J central system (accepts any charger).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9000)
    p.add_argument("--tags", help="comma-separated id tags to accept (default: accept every tag)")
    p.add_argument("--heartbeat", type=int, default=300, help="heartbeat interval sent at boot (s)")
    p.add_argument("--quiet", action="store_true", help="do not log every CALL received")
    p.add_argument(
        "--sink", action="store_true", help="answer only: no recording, no validation (benchmarks)"
    )
    p.add_argument(
        "--remote-start-after",
        type=float,
        metavar="S",
        help="send RemoteStartTransaction to a connector still Preparing without a transaction after S s",
    )
    p.add_argument(
        "--probe",
        type=float,
        metavar="RATE",
        help="send GetConfiguration / RemoteStartTransaction to random chargers RATE times a second and "
        "measure the answer latency (SIGUSR1 starts a new window; the report is printed at the end)",
    )
    p.add_argument("--probe-report", help="also write the probe's report to this JSON file")
    p.add_argument(
        "--probe-on-signal", action="store_true", help="start probing at the first SIGUSR1, not at once"
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tags = {t for t in args.tags.split(",") if t} if args.tags else None

    async def serve() -> str | None:
        csms: CentralSystem | Sink
        if args.sink:
            csms = Sink(
                heartbeat_interval=args.heartbeat, tags=tags, remote_start_after=args.remote_start_after
            )
        else:
            csms = CentralSystem(
                heartbeat_interval=args.heartbeat,
                tags=tags,
                log_frames=not args.quiet,
                remote_start_after=args.remote_start_after,
            )
        await csms.start(args.host, args.port)
        print(f"central system listening on ws://{args.host}:{csms.port}/ocpp/<charger id>", flush=True)
        stop = asyncio.Event()
        _stop_on_signals(stop.set)
        report = None
        collector = asyncio.create_task(keep_long_lived_out_of_gc())  # thousands of connections
        prober = Prober(csms, rate=args.probe) if args.probe else None
        probing = asyncio.create_task(prober.run()) if prober else None
        if prober is not None and not args.probe_on_signal:
            prober.go.set()
        if prober is not None:
            with contextlib.suppress(NotImplementedError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, prober.reset)
        await stop.wait()
        if probing is not None and prober is not None:
            probing.cancel()
            report = json.dumps(prober.report())
            print(f"probe: {report}", flush=True)
        collector.cancel()
        await csms.stop()
        return report

    report = _run_fast(serve())
    if report is not None and args.probe_report:
        Path(args.probe_report).write_text(report + "\n")
    return 0


def _run_shell(argv: Sequence[str]) -> int:
    p = _Parser(prog="ocppsim shell", description="Interactive client for the text command interface.")
    p.add_argument("--url", default="ws://127.0.0.1:1234")
    args = p.parse_args(argv)
    return asyncio.run(run_shell(args.url))


def _run_demo(argv: Sequence[str]) -> int:
    p = _Parser(
        prog="ocppsim demo",
        description="The built-in central system plus one simulated charger with its command interface.",
    )
    p.add_argument("--config", help="INI file for the charger (default: the packaged ocppsim.ini)")
    p.add_argument("--csms-port", type=int, default=9000)
    p.add_argument("--port", type=int, default=1234, help="command interface port")
    p.add_argument("--http", default="8080", metavar="[HOST:]PORT", help="REST API and dashboard")
    p.add_argument(
        "--http-token",
        default=os.environ.get(HTTP_TOKEN_ENV),
        help=f"bearer token of the REST API, required off loopback (default: ${HTTP_TOKEN_ENV}; the"
        " environment keeps it out of the process list)",
    )
    args = p.parse_args(argv)
    try:
        settings = load_settings(args.config, port=args.port)
        settings = replace(settings, http=_http_settings(args, settings.http))
        if not args.config:
            # A demo shows MeterValues arriving: every 10 s rather than the INI's 60 s.
            settings = replace(settings, charger=replace(settings.charger, meter_values_sample_interval=10))
    except SettingsError as exc:
        print(f"ocppsim: configuration error: {exc}", file=sys.stderr)
        return 2
    _setup_logging(settings.log_levels)

    async def serve() -> None:
        csms = CentralSystem(heartbeat_interval=60, log_frames=True)
        await csms.start("127.0.0.1", args.csms_port)
        demo = replace(settings, server_url=csms.url)
        app = build_charger_app(demo)
        _stop_on_signals(app.shutdown.set)
        runner = asyncio.create_task(app.run())
        started = asyncio.create_task(app.started.wait())
        await asyncio.wait([runner, started], return_when=asyncio.FIRST_COMPLETED)
        if not started.done():  # it stopped before it started (a port in use): say why
            started.cancel()
            await csms.stop()
            await runner
            return
        dashboard = app.http_server.url if app.http_server else "(off)"
        print(
            f"\n  dashboard      : {dashboard}/   (REST API: {dashboard}/api, docs: {dashboard}/docs)\n"
            f"  central system : {csms.url}/<charger id>\n"
            f"  charger        : {settings.charger.charge_point_id} (connected to the central system)\n"
            f"  commands       : ws://{settings.host_addr}:{settings.host_port}\n"
            f"  try            : ocppsim shell --url ws://{settings.host_addr}:{settings.host_port}\n"
            f"                   then: plugin, tag, status, unplug   (Ctrl+C stops)\n",
            flush=True,
        )
        try:
            await runner
        finally:
            await csms.stop()

    asyncio.run(serve())
    return 0


def _run_chaos(argv: Sequence[str]) -> int:
    p = _Parser(
        prog="ocppsim chaos",
        description="TCP fault-injection proxy between chargers and a CSMS: random cuts, stalls, delays, "
        "blackholes from a seed. Point the chargers' [server] url at the proxy.",
    )
    p.add_argument("--listen", default="127.0.0.1:9100", help="host:port to accept chargers on")
    p.add_argument("--target", default="127.0.0.1:9000", help="host:port of the CSMS")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mean-interval", type=float, default=30.0, help="mean seconds between faults")
    p.add_argument(
        "--actions",
        default="cut_one=3,cut=1,stall=1,delay=1,blackhole=1",
        help="weighted faults, e.g. cut_one=3,stall=1",
    )
    args = p.parse_args(argv)
    try:
        lhost, lport = args.listen.rsplit(":", 1)
        thost, tport = args.target.rsplit(":", 1)
        weights = {name: float(w) for name, w in (item.split("=") for item in args.actions.split(","))}
    except ValueError:
        print("ocppsim chaos: bad --listen, --target or --actions", file=sys.stderr)
        return 2
    unknown = set(weights) - {"cut", "cut_one", "stall", "delay", "blackhole"}
    if unknown:
        print(f"ocppsim chaos: unknown actions {sorted(unknown)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def serve() -> None:
        proxy = ChaosProxy(target=(thost, int(tport)), listen=(lhost, int(lport)))
        await proxy.start()
        print(f"chaos proxy on {lhost}:{proxy.port} -> {thost}:{tport} (seed {args.seed})", flush=True)
        proxy.start_random(seed=args.seed, mean_interval=args.mean_interval, actions=weights)
        stop = asyncio.Event()
        _stop_on_signals(stop.set)
        await stop.wait()
        await proxy.stop()
        print(f"chaos: {proxy.stats}", flush=True)

    asyncio.run(serve())
    return 0


def _fleet_spec_from_file(path: str) -> FleetSpec | str:
    try:
        return load_fleet_file(path)
    except SettingsError as exc:
        return str(exc)


def _fleet_spec_from_flags(args: argparse.Namespace) -> FleetSpec | str:
    """The simple case: --count chargers like one another; an error message when the flags don't fit."""
    if args.count < 1 or not args.url:
        return "give --config FILE, or --count N and --url URL"
    if args.connectors < 1:
        return "--connectors must be >= 1"
    if not args.url.startswith(("ws://", "wss://")):
        return "--url must start with ws:// or wss://"
    try:
        ids = [args.id_pattern.format(n) for n in range(1, args.count + 1)]
    except (IndexError, KeyError, ValueError) as exc:
        return f"bad --id-pattern {args.id_pattern!r}: {exc}"
    if len(set(ids)) != len(ids):
        return f"--id-pattern {args.id_pattern!r} gives duplicate ids"
    template = FleetCharger(ChargerParams("", number_of_connectors=args.connectors), args.url)
    return FleetSpec(
        chargers=tuple(
            replace(template, params=replace(template.params, charge_point_id=cid)) for cid in ids
        ),
        templates={"default": template},
        ramp_per_s=args.ramp or None,
        conf_dir=Path(args.conf_dir),
        seed=args.seed,
        sessions=args.sessions,
        arrival_mean_s=args.arrival_mean,
        stay_mean_s=args.stay_mean,
        remote_start_share=args.remote_share,
        charging_share=args.charging_share,
    )


def _run_fleet(argv: Sequence[str]) -> int:
    p = _Parser(prog="ocppsim fleet", description="Many simulated chargers in one process against one CSMS.")
    p.add_argument(
        "--config", help="fleet file (TOML): templates, counts, id patterns, URLs, source addresses"
    )
    p.add_argument("--count", type=int, default=0, help="number of chargers (without --config)")
    p.add_argument("--id-pattern", default="SIM{:05d}", help="charger ids, formatted with 1..count")
    p.add_argument("--url", help="CSMS base URL (the charger id is appended; without --config)")
    p.add_argument("--connectors", type=int, default=1)
    p.add_argument("--ramp", type=float, default=200.0, help="chargers started per second (0 = all at once)")
    p.add_argument("--conf-dir", default="./ocppsim-fleet-data", help="data directory (one SQLite file)")
    p.add_argument("--duration", type=float, default=0.0, help="stop after this many seconds (0 = Ctrl+C)")
    p.add_argument("--sessions", action="store_true", help="generate charging sessions at random (seeded)")
    p.add_argument("--arrival-mean", type=float, default=3600.0, help="mean s between sessions per connector")
    p.add_argument("--stay-mean", type=float, default=1800.0, help="mean s an EV stays plugged in")
    p.add_argument("--seed", type=int, default=1, help="seed of the session generator: same seed, same run")
    p.add_argument(
        "--remote-share",
        type=float,
        default=0.0,
        help="share of sessions started by RemoteStartTransaction (the EV plugs in and waits for the CSMS)",
    )
    p.add_argument(
        "--charging-share",
        type=float,
        default=0.0,
        help="share of chargers that start charging on connector 1 once booted (a steady load mix)",
    )
    p.add_argument("--stats-json", help="write the run's statistics to this JSON file at the end")
    p.add_argument("--stats-csv", help="write the run's statistics to this CSV file at the end")
    _add_http_flags(p)
    p.add_argument("--no-live", dest="live", action="store_false", help="plain status lines, no live table")
    p.add_argument(
        "--workers",
        type=int,
        help="processes to shard the chargers over (default: one per core; 1: this process only)",
    )
    p.add_argument("--port", type=int, help="the fleet's text command interface (WebSocket) on this port")
    p.add_argument("--host", default="127.0.0.1", help="bind address of the text command interface")
    p.add_argument("--shard", help=argparse.SUPPRESS)  # K/N: a worker process (set by the parent)
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated time runs N times faster (EV, meter, intervals, timestamps)",
    )
    args = p.parse_args(argv)
    if args.speed <= 0:
        print("ocppsim fleet: --speed must be > 0", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("ocppsim fleet: --workers must be >= 1", file=sys.stderr)
        return 2
    if not (0 <= args.remote_share <= 1 and 0 <= args.charging_share <= 1):
        print("ocppsim fleet: --remote-share and --charging-share must be between 0 and 1", file=sys.stderr)
        return 2
    if args.arrival_mean <= 0 or args.stay_mean <= 0:
        print("ocppsim fleet: --arrival-mean and --stay-mean must be > 0", file=sys.stderr)
        return 2
    spec = _fleet_spec_from_file(args.config) if args.config else _fleet_spec_from_flags(args)
    if isinstance(spec, str):
        print(f"ocppsim fleet: {spec}", file=sys.stderr)
        return 2
    try:
        http = _http_settings(args, spec.http)
    except SettingsError as exc:
        print(f"ocppsim fleet: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.sessions:
        spec = replace(spec, sessions=True)
    run = FleetRun(
        spec=spec,
        http=http,
        speed=args.speed,
        duration=args.duration,
        live=None if args.live else False,
        stats_json=args.stats_json,
        stats_csv=args.stats_csv,
        text_host=args.host,
        text_port=args.port,
    )
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            return 2
        _run_fast(run_fleet(replace(run, shard=(k, n), live=False), on_signals=_stop_on_signals))
        return 0
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    workers = max(1, min(workers, len(spec.chargers)))
    if workers == 1:
        _run_fast(run_fleet(run, on_signals=_stop_on_signals))
        return 0
    try:
        _run_fast(run_sharded(list(argv), run, workers=workers, on_signals=_stop_on_signals))
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"ocppsim fleet: {exc}", file=sys.stderr)
        return 1
    return 0


def _run_locust_agent(argv: Sequence[str]) -> int:
    p = _Parser(
        prog="ocppsim locust-agent",
        description="The chargers of one Locust worker (started by ocppsim's Locust users; JSON over stdio).",
    )
    p.add_argument("--url", required=True, help="CSMS base URL (the charger id is appended)")
    p.add_argument("--conf-dir", required=True, help="data directory (one SQLite file)")
    p.add_argument("--connectors", type=int, default=1)
    args = p.parse_args(argv)
    if not args.url.startswith(("ws://", "wss://")) or args.connectors < 1:
        print("ocppsim locust-agent: --url must be ws:// or wss://, --connectors >= 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _run_fast(run_agent(AgentOptions(url=args.url, conf_dir=args.conf_dir, connectors=args.connectors)))
    return 0


def _print_locustfile(argv: Sequence[str]) -> int:
    """The path of the packaged locustfile: `locust -f "$(ocppsim locustfile)" --host ws://...`."""
    _Parser(prog="ocppsim locustfile", description=_print_locustfile.__doc__).parse_args(argv)
    print(resources.files("ocppsim") / "data" / "locustfile.py")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            commands = {
                "csms": _run_csms,
                "shell": _run_shell,
                "demo": _run_demo,
                "chaos": _run_chaos,
                "fleet": _run_fleet,
                "locust-agent": _run_locust_agent,
                "locustfile": _print_locustfile,
            }
            return commands[args[0]](args[1:])
        return _run_charger(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
