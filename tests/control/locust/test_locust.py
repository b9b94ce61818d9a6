"""Beyond one machine on Locust: a master and two workers on loopback spawn chargers (one per Locust user)
against the built-in CSMS, and every OCPP call shows in the master's statistics under its action."""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem

# Never import locust here: it monkey-patches the standard library (gevent) in whatever imports it.
if importlib.util.find_spec("locust") is None:
    pytest.skip("locust is not installed (pip install 'ocppsim[locust]')", allow_module_level=True)

LOCUSTFILE = Path(__file__).parents[3] / "src" / "ocppsim" / "data" / "locustfile.py"
USERS = 6


async def test_master_and_two_workers(csms: CentralSystem, tmp_path: Path) -> None:
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    port = free_port()
    # No fixed run time: on a loaded machine the workers and their agents take seconds to start. The run
    # ends once the master's statistics (its CSV, rewritten every second) show every user's charger booted
    # and charging; -t is only the backstop should the test die first.
    master = await asyncio.create_subprocess_exec(
        *locust, "--master", "--headless", "--expect-workers", "2", "-u", str(USERS), "-r", str(USERS),
        "-t", "300s", "--host", csms.url, "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
        "--csv", str(tmp_path / "run"), "--only-summary", "--stop-timeout", "5",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output = asyncio.create_task(master.communicate())
    workers = []
    for _ in range(2):
        worker = [*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        workers.append(
            await asyncio.create_subprocess_exec(
                *worker, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
            )
        )
    try:
        if not await wait_for_stats(csms, tmp_path / "run_stats.csv", output, REAL_TIMEOUT * 24):
            ended = output.result()[0].decode()[-2000:] if output.done() else "(still running)"
            raise AssertionError(f"the master's statistics never showed {USERS} chargers charging: {ended}")
        master.terminate()  # Locust's SIGTERM: stop the users, take the workers' last reports, write them
        out, _ = await asyncio.wait_for(output, REAL_TIMEOUT * 12)
    finally:
        if master.returncode is None:
            master.kill()
        for worker in workers:
            if worker.returncode is None:
                worker.terminate()
            await asyncio.wait_for(worker.wait(), REAL_TIMEOUT * 2)
    assert master.returncode == 0, out.decode()[-2000:]
    booted = {f.charger_id for f in csms.calls(action="BootNotification")}
    assert len(booted) == USERS, booted  # one charger per user, ids unique across the two workers
    prefixes = {cid.split("-")[0] for cid in booted}
    assert len(prefixes) == 2  # the users were spread over both workers
    rows = read_stats(tmp_path / "run_stats.csv")
    assert int(rows["BootNotification"]["Request Count"]) == USERS
    assert int(rows["BootNotification"]["Failure Count"]) == 0
    assert rows["BootNotification"]["Type"] == "OCPP"
    assert int(rows["StatusNotification"]["Request Count"]) >= 2 * USERS
    # each user charged a session: Authorize and StartTransaction went to the CSMS and into the stats
    assert int(rows["StartTransaction"]["Request Count"]) == len(csms.calls(action="StartTransaction")) > 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_stats(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


async def wait_for_stats(
    csms: CentralSystem, path: Path, master: asyncio.Task[tuple[bytes, bytes]], timeout: float
) -> bool:
    """Until every user's charger booted and started its transaction at the CSMS, and the master's
    statistics count those calls (the workers report every few seconds); False after `timeout` or when
    the master ended first."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline and not master.done():
        started = len(csms.calls(action="StartTransaction"))
        if started >= USERS:
            try:
                rows = read_stats(path)
                if (
                    int(rows["BootNotification"]["Request Count"]) >= USERS
                    and int(rows["StatusNotification"]["Request Count"]) >= 2 * USERS
                    and int(rows["StartTransaction"]["Request Count"]) >= started
                ):
                    return True
            except (OSError, KeyError, ValueError):
                pass  # not written yet, or caught mid-rewrite
        await asyncio.sleep(0.2)
    return False
