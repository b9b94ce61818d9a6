"""`ocppsim csms`: the built-in central system (or its sink), optionally probing its chargers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ocppsim.cli.arguments import Parser
from ocppsim.cli.process import run_fast, stop_on_signals
from ocppsim.csms.ca_files import ROOT_FILE
from ocppsim.runtime.gc_policy import keep_long_lived_out_of_gc

if TYPE_CHECKING:
    from ocppsim.csms.server import CentralSystem
    from ocppsim.csms.sink import Sink

__all__ = ["run_csms"]

# What a run does not use is not imported: the sink (`--sink`, the benchmarks' central system, one per
# 15,000 chargers) runs without the recording central system's modules (its validators, `websockets`'
# server), and neither loads `cryptography` without `--ca` (docs/performance.md, "Process base").


def run_csms(argv: Sequence[str]) -> int:
    p = Parser(prog="ocppsim csms", description="Built-in OCPP 1.6J central system (accepts any charger).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    p.add_argument("--port", type=int, default=9000, help="port to listen on (0: any free port)")
    p.add_argument("--tags", help="comma-separated id tags to accept (default: accept every tag)")
    p.add_argument("--heartbeat", type=int, default=300, help="heartbeat interval sent at boot (s)")
    p.add_argument("--quiet", action="store_true", help="do not log a line for every CALL received")
    p.add_argument(
        "--sink", action="store_true", help="answer only: no recording, no validation (benchmarks)"
    )
    p.add_argument(
        "--remote-start-after",
        type=float,
        metavar="S",
        help="send RemoteStartTransaction to a connector still Preparing without a transaction after S s"
        " (default: never)",
    )
    p.add_argument(
        "--probe",
        type=float,
        metavar="RATE",
        help="send GetConfiguration / RemoteStartTransaction to random chargers RATE times a second and "
        "measure the answer latency (SIGUSR1 starts a new window; the report is printed at the end;"
        " default: off)",
    )
    p.add_argument("--probe-report", help="also write the probe's report to this JSON file (default: none)")
    p.add_argument(
        "--probe-on-signal", action="store_true", help="start probing at the first SIGUSR1, not at once"
    )
    p.add_argument(
        "--ca",
        metavar="DIR",
        type=Path,
        help="run the CPO's certificate authority kept in DIR (made there on first use): it signs the "
        f"chargers' CSRs (SignCertificate); chargers install DIR/{ROOT_FILE} as their "
        "CentralSystemRootCertificate (ca_file) (default: no CA, SignCertificate is not answered)",
    )
    args = p.parse_args(argv)
    if args.ca is not None and args.sink:
        p.error("--ca needs the central system, not --sink")
    ca = None
    try:
        if args.ca is not None:
            from ocppsim.csms.ca import CertificateAuthority  # noqa: PLC0415 - see above

            ca = CertificateAuthority.in_directory(args.ca)
    except (OSError, ValueError) as exc:
        p.error(f"--ca {args.ca}: {exc}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tags = {t for t in args.tags.split(",") if t} if args.tags else None

    async def serve() -> str | None:
        csms: CentralSystem | Sink
        if args.sink:
            from ocppsim.csms.sink import Sink  # noqa: PLC0415 - see above

            csms = Sink(
                heartbeat_interval=args.heartbeat, tags=tags, remote_start_after=args.remote_start_after
            )
        else:
            from ocppsim.csms.server import CentralSystem  # noqa: PLC0415 - see above

            csms = CentralSystem(
                heartbeat_interval=args.heartbeat,
                tags=tags,
                log_frames=not args.quiet,
                remote_start_after=args.remote_start_after,
                ca=ca,
            )
        # The signals are ours before the line that says we listen: whoever waits for it (a test, a
        # script, a supervisor) may stop us at once, and SIGTERM's default would kill us (exit -15).
        stop = asyncio.Event()
        stop_on_signals(stop.set)
        await csms.start(args.host, args.port)
        print(f"central system listening on ws://{args.host}:{csms.port}/ocpp/<charger id>", flush=True)
        if ca is not None:
            print(f"CPO root certificate (ca_file): {args.ca / ROOT_FILE}", flush=True)
        report = None
        collector = asyncio.create_task(keep_long_lived_out_of_gc())  # thousands of connections
        prober = None
        if args.probe:
            from ocppsim.csms.probe import Prober  # noqa: PLC0415 - see above

            prober = Prober(csms, rate=args.probe)
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

    report = run_fast(serve())
    if report is not None and args.probe_report:
        Path(args.probe_report).write_text(report + "\n")
    return 0
