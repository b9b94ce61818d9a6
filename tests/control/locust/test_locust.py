"""Beyond one machine on Locust: a master and two workers on loopback spawn chargers (one per Locust user)
against the built-in CSMS, and every OCPP call shows in the master's statistics under its action."""

from __future__ import annotations

import asyncio
import csv
import importlib.util
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
    port = 5557 + (hash(str(tmp_path)) % 2000)
    master = await asyncio.create_subprocess_exec(
        *locust, "--master", "--headless", "--expect-workers", "2", "-u", str(USERS), "-r", str(USERS),
        "-t", "5s", "--host", csms.url, "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
        "--csv", str(tmp_path / "run"), "--only-summary", "--stop-timeout", "5",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    workers = []
    for _ in range(2):
        worker = [*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        workers.append(
            await asyncio.create_subprocess_exec(
                *worker, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
            )
        )
    try:
        out, _ = await asyncio.wait_for(master.communicate(), REAL_TIMEOUT * 12)
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.terminate()
            await asyncio.wait_for(worker.wait(), REAL_TIMEOUT * 2)
    assert master.returncode == 0, out.decode()[-2000:]
    booted = {f.charger_id for f in csms.calls(action="BootNotification")}
    assert len(booted) == USERS, booted  # one charger per user, ids unique across the two workers
    prefixes = {cid.split("-")[0] for cid in booted}
    assert len(prefixes) == 2  # the users were spread over both workers
    with (tmp_path / "run_stats.csv").open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    assert int(rows["BootNotification"]["Request Count"]) == USERS
    assert int(rows["BootNotification"]["Failure Count"]) == 0
    assert rows["BootNotification"]["Type"] == "OCPP"
    assert int(rows["StatusNotification"]["Request Count"]) >= 2 * USERS
    # each user charged a session: Authorize and StartTransaction went to the CSMS and into the stats
    assert int(rows["StartTransaction"]["Request Count"]) == len(csms.calls(action="StartTransaction")) > 0
