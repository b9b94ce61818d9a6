"""A fleet over several processes (`ocppsim fleet --workers N`): one worker process per shard of the
chargers, and this parent, which starts them, adds up what they report (counts, calls, errors, the
latency histogram), shows the live view and the summary, and serves the REST API, the dashboard and the
text command interface for every charger whichever worker holds it (by forwarding to that worker).

Why processes: one process holds at most ~19,000 chargers (20,000 file descriptors) and one core. The
shards share nothing: each has its own SQLite file (store/shards.py `shard_filename`, chosen by
`ocppsim.app.fleet`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ocppsim.control.fleet.plan import FleetRun, print_summary
from ocppsim.control.fleet.shards import ShardedFleet, Worker
from ocppsim.control.fleet.view import show_fleet
from ocppsim.settings.flags import HTTP_TOKEN_ENV

if TYPE_CHECKING:
    from ocppsim.control.http.server import HttpServer
    from ocppsim.control.text.server import TextServer

__all__ = ["run_sharded"]

log = logging.getLogger("ocppsim.fleet")

READY_TIMEOUT_S = 120.0  # a worker builds (and restores) its chargers before it says ready
STOP_TIMEOUT_S = 60.0


def _without_token(argv: list[str]) -> list[str]:
    """argv less any --http-token: a worker answers only the parent, with the parent's own token."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--http-token":
            skip = True
        elif not arg.startswith("--http-token="):
            kept.append(arg)
    return kept


def _worker_argv(argv: list[str], run: FleetRun, k: int, n: int) -> list[str]:
    """The parent's own arguments, then what makes a worker of it (argparse: the last one wins)."""
    extra = ["--shard", f"{k}/{n}", "--duration", "0", "--no-live"]
    if run.http is not None:
        # The token travels in the environment (see run_sharded), not argv: argv is world-readable in
        # the process list, and a token starting with "-" would read as a flag.
        extra += ["--http", "127.0.0.1:0"]
    if run.text_port is not None:
        extra += ["--port", "0", "--host", "127.0.0.1"]
    return [sys.executable, "-m", "ocppsim", "fleet", *_without_token(argv), *extra]


async def _read_reports(worker: Worker) -> None:
    stream = worker.process.stdout
    assert stream is not None
    try:
        while line := await stream.readline():
            try:
                message = json.loads(line)
            except ValueError:
                continue  # not ours (a library printing): ignore
            event = message.get("event")
            if event == "ready":
                worker.http_port, worker.text_port = message.get("http"), message.get("text")
                worker.chargers = int(message.get("chargers", 0))
                worker.ready.set()
            elif event in ("stats", "done"):
                worker.counts, worker.stats = message["counts"], message["stats"]
                worker.said_done = worker.said_done or event == "done"
    finally:
        await worker.process.wait()
        worker.finished.set()
        worker.ready.set()  # whoever waits for ready learns it is gone


async def run_sharded(
    argv: list[str],
    run: FleetRun,
    *,
    owners: dict[str, int],
    workers: int,
    on_signals: Callable[[Callable[[], None]], None],
) -> None:
    """Start `workers` workers (each reads the fleet file of `argv` and keeps its shard's chargers) and
    serve the fleet over them until stopped. `owners`: which worker holds which charger (shard_of), for
    the REST API's and the text interface's routes; empty when neither is served."""
    token = secrets.token_urlsafe(24)
    # Each worker has a file of its own: the caller (ocppsim.app.fleet) moved every charger's saved state
    # into its worker's file before this.
    pool: list[Worker] = []
    for k in range(workers):
        process = await asyncio.create_subprocess_exec(
            *_worker_argv(argv, run, k, workers),
            env={**os.environ, HTTP_TOKEN_ENV: token},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        pool.append(Worker(k, process))
    readers = [asyncio.create_task(_read_reports(w)) for w in pool]
    fleet = ShardedFleet(pool, owners, token)
    stop = asyncio.Event()
    on_signals(stop.set)
    http_server: HttpServer | None = None
    text_server: TextServer | None = None
    side: list[asyncio.Task[None]] = []
    try:
        await asyncio.wait_for(asyncio.gather(*(w.ready.wait() for w in pool)), READY_TIMEOUT_S)
        gone = [w.index for w in pool if w.finished.is_set()]
        if gone:
            raise RuntimeError(f"worker(s) {gone} stopped before they were ready (see above)")
        if run.http is not None:
            # The surfaces' modules when they are configured (as in a worker: run.py `_start_http`).
            from ocppsim.control.fleet.router import build_router_app  # noqa: PLC0415
            from ocppsim.control.http.server import HttpServer  # noqa: PLC0415

            http_server = HttpServer(build_router_app(fleet, token=run.http.token), run.http)
            await http_server.start()
            print(f"dashboard and REST API on {http_server.url}/ ({workers} workers)", flush=True)
        if run.text_port is not None:
            from ocppsim.control.fleet.text_router import ForwardingCommandRunner  # noqa: PLC0415
            from ocppsim.control.text.server import TextServer  # noqa: PLC0415

            text_server = TextServer(ForwardingCommandRunner(fleet))
            await text_server.start(run.text_host, run.text_port)
            print(f"fleet command interface on ws://{run.text_host}:{text_server.port}", flush=True)
        side.append(asyncio.create_task(show_fleet(fleet, live=run.live)))
        if run.duration > 0:
            asyncio.get_running_loop().call_later(run.duration, stop.set)
        # Run until told to stop, or until a worker ends (a `shutdown` command, or a crash).
        waits: list[asyncio.Task[Any]] = [asyncio.create_task(stop.wait())]
        waits += [asyncio.create_task(w.finished.wait()) for w in pool]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
    finally:
        for task in side:
            task.cancel()
        if text_server is not None:
            await text_server.stop()
        if http_server is not None:
            await http_server.stop()
        for worker in pool:
            if worker.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    worker.process.terminate()
        try:
            await asyncio.wait_for(asyncio.gather(*(w.finished.wait() for w in pool)), STOP_TIMEOUT_S)
        except TimeoutError:
            for worker in pool:
                if worker.process.returncode is None:
                    worker.process.kill()
        await asyncio.gather(*readers, return_exceptions=True)
    lost = [w.index for w in pool if not w.said_done]
    if lost:
        print(f"workers {lost} ended without their final report (counts from their last report)")
    print_summary(fleet.counts(), fleet.stats, run)
