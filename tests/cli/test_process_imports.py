"""What a fleet's processes and the sink import (docs/performance.md, "Process base"): every process of a
fleet (one process, or the parent and its workers) and `ocppsim csms --sink` load only what they use. The
REST API's stack, the live view, the text interface, httpx, websockets, cryptography come in when a run
configures or uses them; each was ~2-30 MiB of RSS in every process, and at 50,000 chargers a fleet is
five processes.

Each process here runs for real (against the built-in central system, every charger booted and
charging, MeterValues sent) and reports at its exit every module it had loaded: a library imported on
first use in the hot path shows as well as one imported at start-up."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem

# Three Python processes on a loaded machine: a bound, not a wait.
SLOW = REAL_TIMEOUT * 12

# Loaded by a process only when its run asks for what needs them: the REST API and dashboard (--http),
# the text command interface (--port), the live table (a terminal), file transfers, wss://, certificates
# and signing, the other commands (the recording central system, scenarios, replay, Locust).
NOT_WITHOUT_A_USE = (
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "prometheus_client",
    "opentelemetry",
    "rich",
    "pygments",
    "click",
    "httpx",
    "anyio",
    "websockets",
    "cryptography",
    "ocppsim.control.http",
    "ocppsim.control.text",
    "ocppsim.control.fleet.router",
    "ocppsim.control.fleet.text_router",
    "ocppsim.control.locust",
    "ocppsim.app.charger",
    "ocppsim.csms",
    "ocppsim.testing",
    "ocppsim.runtime.replay",
    "ocppsim.pki.certificates",
    "ocppsim.pki.signatures",
)

# Written into a directory on PYTHONPATH: Python imports `sitecustomize` at start-up, in the fleet's
# worker processes too (they are `python -m ocppsim fleet --shard K/N`).
SITECUSTOMIZE = """
import atexit, json, os, sys

def _report():
    path = os.path.join(os.environ["OCPPSIM_TEST_MODULES"], f"{os.getpid()}.json")
    with open(path, "w") as f:
        json.dump({"argv": sys.argv, "modules": sorted(sys.modules)}, f)

atexit.register(_report)
"""


# What runs chargers: a sharded fleet's parent runs none (app/sharded_fleet.py), and these were ~8 MiB of
# its RSS (docs/performance.md, "Process base").
CHARGERS_ONLY = (
    "ocppsim.model.charger",
    "ocppsim.runtime.station",
    "ocppsim.runtime.fleet",
    "ocppsim.app.fleet",
    "ocppsim.ocpp16",
    "ocppsim.ocpp201",
    "ocpp",
    "picows",
    "fastjsonschema",
    "orjson",
)


def _reporting_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    site, reports = tmp_path / "site", tmp_path / "modules"
    site.mkdir()
    reports.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "OCPPSIM_TEST_MODULES": str(reports)}, reports


def _reports(folder: Path) -> list[dict[str, list[str]]]:
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def _loaded(modules: list[str]) -> list[str]:
    """The modules of NOT_WITHOUT_A_USE (or under them) among `modules`."""
    return sorted(
        m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_WITHOUT_A_USE)
    )


async def _stopped(proc: asyncio.subprocess.Process) -> int:
    proc.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(proc.wait(), SLOW)


@pytest.mark.parametrize("workers", [1, 2])
async def test_a_fleets_processes_load_only_what_the_run_uses(
    csms: CentralSystem, tmp_path: Path, workers: int
) -> None:
    env, reports = _reporting_env(tmp_path)
    fleet_file = tmp_path / "fleet.toml"
    fleet_file.write_text(
        f'[fleet]\nurls = ["{csms.url}"]\nconf_dir = "{tmp_path / "data"}"\ncharging_share = 1.0\n\n'
        '[[template]]\nname = "mix"\ncount = 2\nid_pattern = "IMP{:02d}"\nmeter_values_interval = 10\n'
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ocppsim", "fleet", "--config", str(fleet_file), "--workers", str(workers),
        "--no-live", "--speed", "50",
        env=env, stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Every charger booted, charging, and its MeterValues answered: the run's whole path has run.
        await csms.wait_for(lambda _: len(csms.calls(action="MeterValues")) >= 2, SLOW)
    finally:
        code = await _stopped(proc)
    assert code == 0
    found = _reports(reports)
    assert len(found) == 1 + (workers > 1) * workers  # the fleet's process, or the parent and its workers
    assert sum("--shard" in report["argv"] for report in found) == (workers if workers > 1 else 0)
    for report in found:
        if workers == 1 or "--shard" in report["argv"]:  # a process that ran chargers
            assert "ocppsim.runtime.station" in report["modules"]
        else:  # the parent of the workers
            found_there = [
                m for m in report["modules"] if any(m == n or m.startswith(n + ".") for n in CHARGERS_ONLY)
            ]
            assert found_there == [], found_there
        assert _loaded(report["modules"]) == [], report["argv"]


async def test_the_sink_loads_only_what_it_uses(tmp_path: Path) -> None:
    env, reports = _reporting_env(tmp_path)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ocppsim", "csms", "--sink", "--port", "0",
        env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), SLOW)
        assert b"listening on ws://" in line
    finally:
        code = await _stopped(proc)
    assert code == 0
    (report,) = _reports(reports)
    # The sink's own modules, and nothing of the recording central system (its validators, `websockets`'
    # server), of certificates or of the surfaces.
    sink = {"ocppsim.csms", "ocppsim.csms.sink", "ocppsim.csms.answers", "ocppsim.csms.remote_start"}
    assert [m for m in _loaded(report["modules"]) if m not in sink | {"ocppsim.csms.ca_files"}] == []
