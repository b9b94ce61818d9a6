"""`ocppsim chaos`: the TCP fault-injection proxy between chargers and a CSMS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from ocppsim.cli.arguments import Parser, host_port
from ocppsim.cli.process import stop_on_signals
from ocppsim.runtime.chaos import ChaosProxy

__all__ = ["run_chaos"]


def run_chaos(argv: Sequence[str]) -> int:
    p = Parser(
        prog="ocppsim chaos",
        description="TCP fault-injection proxy between chargers and a CSMS: random cuts, stalls, delays, "
        "blackholes from a seed. Point the chargers' [server] url at the proxy.",
    )
    p.add_argument(
        "--listen", type=host_port, default="127.0.0.1:9100", help="HOST:PORT to accept chargers on"
    )
    p.add_argument("--target", type=host_port, default="127.0.0.1:9000", help="HOST:PORT of the CSMS")
    p.add_argument("--seed", type=int, default=1, help="seed of the fault sequence: same seed, same faults")
    p.add_argument("--mean-interval", type=float, default=30.0, help="mean seconds between faults")
    p.add_argument(
        "--actions",
        default="cut_one=3,cut=1,stall=1,delay=1,blackhole=1",
        help="weighted faults, e.g. cut_one=3,stall=1",
    )
    args = p.parse_args(argv)
    (lhost, lport), (thost, tport) = args.listen, args.target
    try:
        weights = {name: float(w) for name, w in (item.split("=") for item in args.actions.split(","))}
    except ValueError:
        p.error(f"argument --actions: {args.actions!r}: expected NAME=WEIGHT,..., e.g. cut_one=3,stall=1")
    unknown = set(weights) - {"cut", "cut_one", "stall", "delay", "blackhole"}
    if unknown:
        p.error(
            f"argument --actions: unknown {sorted(unknown)}; known: cut, cut_one, stall, delay, blackhole"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def serve() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop.set)  # before the line that says we are there (see cli/csms.py)
        proxy = ChaosProxy(target=(thost, tport), listen=(lhost, lport))
        await proxy.start()
        print(f"chaos proxy on {lhost}:{proxy.port} -> {thost}:{tport} (seed {args.seed})", flush=True)
        proxy.start_random(seed=args.seed, mean_interval=args.mean_interval, actions=weights)
        await stop.wait()
        await proxy.stop()
        print(f"chaos: {proxy.stats}", flush=True)

    asyncio.run(serve())
    return 0
