"""Command line entry point: `ocppsim [--config F] [--id ID] [--port P]` runs one charger exactly like
the original ocppsim; subcommands: `csms`, `shell`, `demo`, `fleet`, `chaos`, `replay`, `scenario`,
`locust-agent`, `locustfile` (their one-line summaries for `ocppsim --help`: arguments.COMMANDS). One
module per command (each has its own -h); only this package runs an event loop (`process.run_fast` or
asyncio.run).

A command's module is imported when that command runs, not before: every process of a fleet (a worker
is `python -m ocppsim fleet --shard K/N`) would otherwise carry every other command's libraries (the
REST API's fastapi and uvicorn, the scenario runner's rich, the replay's and the CSMS's servers), some
20 MiB of RSS per process (docs/performance.md, "Process base")."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["SUBCOMMANDS", "main"]

SUBCOMMANDS = ("csms", "shell", "demo", "chaos", "fleet", "replay", "scenario", "locust-agent", "locustfile")

# subcommand -> (module, function taking the arguments after the subcommand, returning the exit code)
_COMMANDS: dict[str, tuple[str, str]] = {
    "csms": ("ocppsim.cli.csms", "run_csms"),
    "shell": ("ocppsim.cli.shell", "run_shell_command"),
    "demo": ("ocppsim.cli.demo", "run_demo"),
    "chaos": ("ocppsim.cli.chaos", "run_chaos"),
    "fleet": ("ocppsim.cli.fleet", "run_fleet_command"),
    "replay": ("ocppsim.cli.replay", "run_replay"),
    "scenario": ("ocppsim.cli.scenario", "run_scenario_command"),
    "locust-agent": ("ocppsim.cli.locust", "run_locust_agent_command"),
    "locustfile": ("ocppsim.cli.locust", "print_locustfile"),
}
_CHARGER = ("ocppsim.cli.charger", "run_charger")


def _command(module: str, function: str) -> Callable[[list[str]], int]:
    command: Callable[[list[str]], int] = getattr(importlib.import_module(module), function)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return _command(*_COMMANDS[args[0]])(args[1:])
        return _command(*_CHARGER)(args)
    except KeyboardInterrupt:
        return 130
