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
from ocppsim.cli.arguments import Parser, add_http_flags, commands_epilog
from ocppsim.cli.process import setup_logging, stop_on_signals
from ocppsim.settings.flags import http_from_flags
from ocppsim.settings.ini_file import DEFAULT_INI, load_settings
from ocppsim.settings.specs import Settings, SettingsError, signed_meter_values

__all__ = ["run_charger"]


def _charger_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="ocppsim",
        usage="%(prog)s [--config F] [--id ID] [--port P] [--http [HOST:]PORT] | %(prog)s COMMAND ...",
        description="OCPP 1.6J (and 2.0.1) charge point simulator. Without a command: one charger, exactly"
        " like the original ocppsim (its INI file, its text command interface).",
        epilog=commands_epilog(),
    )
    p.add_argument("--config", default=DEFAULT_INI, help="INI file")
    p.add_argument(
        "--id", dest="charger_id", help="charge point id (default: [charger] charger_id of the INI file)"
    )
    p.add_argument(
        "--port", type=int, help="text command interface port (default: [host] port of the INI file)"
    )
    p.add_argument(
        "--ocpp-version",
        help="OCPP version(s) to speak: 1.6, 2.0.1, or 2.0.1,1.6 to offer both (default: [charger]"
        " ocpp_version of the INI file, else 1.6)",
    )
    p.add_argument(
        "--signed-meter-values",
        metavar="FORMAT",
        help="sign the Transaction.Begin/End energy readings (German calibration law): ocmf or none"
        " (default: [charger] signed_meter_values of the INI file)",
    )
    add_http_flags(p)
    p.add_argument("--version", action="version", version=f"ocppsim {__version__}", help="print the version")
    return p


async def _serve_charger(settings: Settings) -> None:
    app = build_charger_app(settings)
    stop_on_signals(app.shutdown.set)
    await app.run()


def run_charger(argv: Sequence[str]) -> int:
    args = _charger_parser().parse_args(argv)
    try:
        settings = load_settings(
            args.config, charger_id=args.charger_id, port=args.port, ocpp_version=args.ocpp_version
        )
        settings = replace(settings, http=http_from_flags(args, settings.http))
        if args.signed_meter_values is not None:
            signed = signed_meter_values(args.signed_meter_values, "--signed-meter-values")
            settings = replace(settings, charger=replace(settings.charger, signed_meter_values=signed))
    except SettingsError as exc:
        print(f"ocppsim: configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_levels)
    asyncio.run(_serve_charger(settings))
    return 0
