"""`ocppsim shell`: the interactive client of the text command interface."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ocppsim.cli.arguments import Parser, ws_url
from ocppsim.control.text.shell import run_shell

__all__ = ["run_shell_command"]


def run_shell_command(argv: Sequence[str]) -> int:
    p = Parser(prog="ocppsim shell", description="Interactive client for the text command interface.")
    p.add_argument(
        "--url",
        type=ws_url,
        default="ws://127.0.0.1:1234",
        help="the charger's command interface: ws://[host] addr:[host] port of its INI file",
    )
    args = p.parse_args(argv)
    return asyncio.run(run_shell(args.url))
