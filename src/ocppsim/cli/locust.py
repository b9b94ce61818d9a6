"""`ocppsim locust-agent` (the fleet a Locust worker steers) and `ocppsim locustfile` (where the
packaged locustfile is)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources

from ocppsim.app.locust import run_locust_agent
from ocppsim.cli.arguments import Parser, ws_url
from ocppsim.cli.process import run_fast
from ocppsim.control.locust.agent import AgentOptions

__all__ = ["print_locustfile", "run_locust_agent_command"]


def run_locust_agent_command(argv: Sequence[str]) -> int:
    p = Parser(
        prog="ocppsim locust-agent",
        description="The chargers of one Locust worker (started by ocppsim's Locust users; JSON over stdio).",
    )
    p.add_argument(
        "--url",
        type=ws_url,
        required=True,
        help="CSMS base URL, ws:// or wss:// (the charger id is appended)",
    )
    p.add_argument("--conf-dir", required=True, help="data directory (one SQLite file)")
    p.add_argument("--connectors", type=int, default=1, help="connectors per charger")
    args = p.parse_args(argv)
    if args.connectors < 1:
        p.error("argument --connectors: must be >= 1")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_fast(run_locust_agent(AgentOptions(url=args.url, conf_dir=args.conf_dir, connectors=args.connectors)))
    return 0


def print_locustfile(argv: Sequence[str]) -> int:
    """The path of the packaged locustfile: `locust -f "$(ocppsim locustfile)" --host ws://...`."""
    Parser(prog="ocppsim locustfile", description=print_locustfile.__doc__).parse_args(argv)
    print(resources.files("ocppsim") / "data" / "locustfile.py")
    return 0
