"""`ocppsim fleet`: many chargers from a fleet file or from flags, in one process or sharded over
worker processes."""

from __future__ import annotations

import argparse
import logging
import math
import os
import resource
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace

from ocppsim.app.sharded_fleet import run_sharded
from ocppsim.cli.arguments import Parser, add_http_flags, ws_url
from ocppsim.cli.process import run_fast, stop_on_signals
from ocppsim.control.fleet.plan import FleetRun, for_shard
from ocppsim.settings.flags import fleet_spec_from_flags, http_from_flags
from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.settings.specs import FleetSpec, SettingsError

__all__ = ["run_fleet_command"]


# A worker per this many chargers, up to a worker per core (issue 20). Measured: 10,000 chargers in the
# standard mix cost one process ~0.13 cores (benchmarks/fleet_vs_transport.py) and it boots them in
# ~3.4 s (boot_storm.py); a worker per core regardless made a 1,000-charger fleet three interpreters
# (~210 MiB, twice the CPU per message of one process).
CHARGERS_PER_WORKER = 10_000
# Descriptors a worker may fill with connections (one each); the rest: its store (3), its pipes, stdio,
# the loop's own, a file transfer's. 0.75 made a 50,000-charger fleet four workers under a 20,000 limit
# where three hold them: an interpreter more (~40 MiB) and a process more on the cores (issue 20).
DESCRIPTOR_SHARE = 0.9


def default_workers(chargers: int, cores: int, descriptors: int) -> int:
    """Worker processes by load: one per CHARGERS_PER_WORKER chargers, at most one per core, but as many
    as the connections need when one process may not hold them all (its descriptor limit)."""
    by_load = min(cores, math.ceil(chargers / CHARGERS_PER_WORKER))
    by_descriptors = math.ceil(chargers / max(1, int(descriptors * DESCRIPTOR_SHARE)))
    return max(1, by_load, by_descriptors)


# When the hard limit is unlimited: Linux refuses a soft limit above fs.nr_open (2^20 by default).
UNLIMITED_DESCRIPTORS = 1 << 20


def raise_descriptor_limit(
    getrlimit: Callable[[int], tuple[int, int]] = resource.getrlimit,
    setrlimit: Callable[[int, tuple[int, int]], None] = resource.setrlimit,
) -> int:
    """Raise this process's soft limit of open files to its hard limit (an unprivileged process may),
    and return the soft limit it has then. Every connection is a descriptor: a soft limit of 1,024 under
    a hard one of a million (a common default) made a fleet start a worker per ~770 chargers, when one
    process may hold tens of thousands. Workers inherit the raised limit."""
    soft, hard = getrlimit(resource.RLIMIT_NOFILE)
    wanted = UNLIMITED_DESCRIPTORS if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # a container's own cap: keep what we have
            return soft
        return wanted
    return UNLIMITED_DESCRIPTORS if soft == resource.RLIM_INFINITY else soft


def _fleet_spec_from_file(path: str) -> FleetSpec | str:
    try:
        return load_fleet_file(path)
    except SettingsError as exc:
        return str(exc)


def run_fleet_command(argv: Sequence[str]) -> int:
    p = Parser(prog="ocppsim fleet", description="Many simulated chargers in one process against one CSMS.")
    p.add_argument(
        "--config",
        help="fleet file (TOML): templates, counts, id patterns, URLs, source addresses (default: none;"
        " use --count)",
    )
    p.add_argument("--count", type=int, default=0, help="number of chargers (without --config)")
    p.add_argument("--id-pattern", default="SIM{:05d}", help="charger ids, formatted with 1..count")
    p.add_argument(
        "--url",
        type=ws_url,
        help="CSMS base URL, ws:// or wss:// (the charger id is appended; with --count, no default)",
    )
    p.add_argument("--connectors", type=int, default=1, help="connectors per charger (without --config)")
    p.add_argument(
        "--signed-meter-values",
        metavar="FORMAT",
        help="ocmf: sign the Transaction.Begin/End energy readings, German calibration law (default:"
        " none; without --config, a fleet file says it per template)",
    )
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
    p.add_argument(
        "--stats-json", help="write the run's statistics to this JSON file at the end (default: none)"
    )
    p.add_argument(
        "--stats-csv", help="write the run's statistics to this CSV file at the end (default: none)"
    )
    add_http_flags(p)
    p.add_argument("--no-live", dest="live", action="store_false", help="plain status lines, no live table")
    p.add_argument(
        "--workers",
        type=int,
        help="processes to shard the chargers over (default: one per 10,000 chargers up to one per core, "
        "more when the descriptor limit asks for it; 1: this process only)",
    )
    p.add_argument(
        "--port", type=int, help="the fleet's text command interface (WebSocket) on this port (default: off)"
    )
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
    spec = _fleet_spec_from_file(args.config) if args.config else fleet_spec_from_flags(args)
    if isinstance(spec, str):
        print(f"ocppsim fleet: {spec}", file=sys.stderr)
        return 2
    try:
        http = http_from_flags(args, spec.http)
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
    descriptors = raise_descriptor_limit()  # before the connections, in a worker too
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            return 2
        from ocppsim.app.fleet import run_fleet  # noqa: PLC0415 - what runs chargers (app/sharded_fleet.py)

        worker = run_fleet(for_shard(run, (k, n)), on_signals=stop_on_signals)
        # The worker's run holds its own chargers only; this frame would keep every other worker's for
        # the whole run (docs/performance.md, "Process base").
        del spec, run
        run_fast(worker)
        return 0
    workers = args.workers
    if workers is None:
        workers = default_workers(len(spec.chargers), os.cpu_count() or 1, descriptors)
    workers = max(1, min(workers, len(spec.chargers)))
    if workers == 1:
        from ocppsim.app.fleet import run_fleet  # noqa: PLC0415 - what runs chargers (app/sharded_fleet.py)

        run_fast(run_fleet(run, on_signals=stop_on_signals))
        return 0
    parent = run_sharded(list(argv), run, workers=workers, on_signals=stop_on_signals)
    del spec, run  # the parent lets go of the chargers once its workers have them (app/fleet.py)
    try:
        run_fast(parent)
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"ocppsim fleet: {exc}", file=sys.stderr)
        return 1
    return 0
