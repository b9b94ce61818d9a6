"""Command line entry point: `ocppsim [--config F] [--id ID] [--port P]` runs one charger exactly like
the original ocppsim; subcommands: `csms`, `shell`, `demo`, `fleet`, `chaos`, `replay`, `scenario`,
`locust-agent`, `locustfile` (their one-line summaries for `ocppsim --help`: arguments.COMMANDS). One
module per command (each has its own -h); only this package runs an event loop (`process.run_fast` or
asyncio.run)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ocppsim.cli.chaos import run_chaos
from ocppsim.cli.charger import run_charger
from ocppsim.cli.csms import run_csms
from ocppsim.cli.demo import run_demo
from ocppsim.cli.fleet import run_fleet_command
from ocppsim.cli.locust import print_locustfile, run_locust_agent_command
from ocppsim.cli.replay import run_replay
from ocppsim.cli.scenario import run_scenario_command
from ocppsim.cli.shell import run_shell_command

__all__ = ["main"]

SUBCOMMANDS = ("csms", "shell", "demo", "chaos", "fleet", "replay", "scenario", "locust-agent", "locustfile")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            commands = {
                "csms": run_csms,
                "shell": run_shell_command,
                "demo": run_demo,
                "chaos": run_chaos,
                "fleet": run_fleet_command,
                "replay": run_replay,
                "scenario": run_scenario_command,
                "locust-agent": run_locust_agent_command,
                "locustfile": print_locustfile,
            }
            return commands[args[0]](args[1:])
        return run_charger(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
