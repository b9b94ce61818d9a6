"""`ocppsim [--config F] [--id ID] [--port P]`: one charger, exactly like the original ocppsim (the
default command)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import replace

from ocppsim import __version__
from ocppsim.app.charger import build_charger_app
from ocppsim.cli.arguments import Parser, add_http_flags
from ocppsim.cli.process import setup_logging, stop_on_signals
from ocppsim.settings.flags import http_from_flags
from ocppsim.settings.ini_file import DEFAULT_INI, load_settings
from ocppsim.settings.specs import Settings, SettingsError

__all__ = ["run_charger"]


def _charger_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="ocppsim",
        description="OCPP 1.6J charge point simulator. Subcommands: csms, shell, demo (each has -h).",
    )
    p.add_argument("--config", default=DEFAULT_INI, help="INI file (default: %(default)s)")
    p.add_argument("--id", dest="charger_id", help="charge point id (overrides [charger] charger_id)")
    p.add_argument("--port", type=int, help="command interface port (overrides [host] port)")
    add_http_flags(p)
    p.add_argument("--version", action="version", version=f"ocppsim {__version__}")
    return p


async def _serve_charger(settings: Settings) -> None:
    app = build_charger_app(settings)
    stop_on_signals(app.shutdown.set)
    await app.run()


def run_charger(argv: Sequence[str]) -> int:
    args = _charger_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, charger_id=args.charger_id, port=args.port)
        settings = replace(settings, http=http_from_flags(args, settings.http))
    except SettingsError as exc:
        print(f"ocppsim: configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_levels)
    asyncio.run(_serve_charger(settings))
    return 0
