"""`ocppsim demo` (`make run`): the built-in central system plus one charger with its interfaces."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ocppsim.app.charger import build_charger_app
from ocppsim.cli.arguments import Parser, add_http_flags
from ocppsim.cli.process import setup_logging, stop_on_signals
from ocppsim.csms.ca import CertificateAuthority
from ocppsim.csms.server import CentralSystem
from ocppsim.settings.flags import http_from_flags
from ocppsim.settings.ini_file import load_settings
from ocppsim.settings.specs import SettingsError

__all__ = ["run_demo"]


def this_command(argv0: str | None = None) -> str:
    """How to call ocppsim again from this terminal: `ocppsim` when that is on the PATH, else the path
    this process was started by (`make run` starts .venv/bin/ocppsim, which is not on the PATH unless the
    venv is activated), `python -m ocppsim` when started so."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(argv0) == "__main__.py":
        return "python -m ocppsim"
    on_path = shutil.which("ocppsim")
    if on_path and os.path.exists(argv0) and os.path.samefile(on_path, argv0):
        return "ocppsim"
    if os.path.isabs(argv0):
        relative = os.path.relpath(argv0)
        if not relative.startswith(".."):
            return relative if os.sep in relative else os.path.join(".", relative)
    return argv0


def run_demo(argv: Sequence[str]) -> int:
    p = Parser(
        prog="ocppsim demo",
        description="The built-in central system plus one simulated charger with its command interface.",
    )
    p.add_argument("--config", help="INI file for the charger (default: the packaged ocppsim.ini)")
    p.add_argument("--csms-port", type=int, default=9000, help="port of the built-in central system")
    p.add_argument("--port", type=int, default=1234, help="the charger's text command interface port")
    p.add_argument(
        "--ca",
        metavar="DIR",
        type=Path,
        help="the central system runs the CPO's certificate authority kept in DIR (as `ocppsim csms --ca`) "
        "and the charger trusts its root, so it can get its certificate (default: no CA)",
    )
    add_http_flags(p, default="8080")
    args = p.parse_args(argv)
    try:
        ca = CertificateAuthority.in_directory(args.ca) if args.ca is not None else None
    except (OSError, ValueError) as exc:
        p.error(f"--ca {args.ca}: {exc}")
    try:
        settings = load_settings(args.config, port=args.port)
        settings = replace(settings, http=http_from_flags(args, settings.http))
        if not args.config:
            # A demo shows MeterValues arriving: every 10 s rather than the INI's 60 s.
            settings = replace(settings, charger=replace(settings.charger, meter_values_sample_interval=10))
    except SettingsError as exc:
        print(f"ocppsim: configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_levels)

    async def serve() -> None:
        csms = CentralSystem(heartbeat_interval=60, log_frames=True, ca=ca)
        await csms.start("127.0.0.1", args.csms_port)
        demo = replace(settings, server_url=csms.url)
        if args.ca is not None and demo.ca_file is None:
            # The CSMS root installed (as the INI's CentralSystemRootCertificate): CertificateSigned chains
            # must lead to it (A02.FR.06).
            demo = replace(demo, ca_file=args.ca / CertificateAuthority.ROOT_FILE)
        app = build_charger_app(demo)
        stop_on_signals(app.shutdown.set)
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
            + (f"  CPO CA         : {args.ca} (the charger trusts {demo.ca_file})\n" if ca else "")
            + f"  charger        : {settings.charger.charge_point_id} (connected to the central system)\n"
            + f"  commands       : ws://{settings.host_addr}:{settings.host_port}\n"
            f"  try            : {this_command()} shell --url ws://{settings.host_addr}:{settings.host_port}\n"
            f"                   then: plugin, tag, status, unplug   (Ctrl+C stops)\n",
            flush=True,
        )
        try:
            await runner
        finally:
            await csms.stop()

    asyncio.run(serve())
    return 0
