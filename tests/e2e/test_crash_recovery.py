"""SIGKILL the simulator process and start it again: nothing is lost, nothing is doubled.

These tests run the real `ocppsim` process (the only way to test kill -9); they wait for processes to
start, never for simulated time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ocppsim.csms.server import CentralSystem, Frame
from ocppsim.driver import SimConnection

WAIT = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Simulator:
    def __init__(self, tmp_path: Path, csms: CentralSystem) -> None:
        self.port = free_port()
        self.ini = tmp_path / "sim.ini"
        self.ini.write_text(
            "[logging]\nocppsim = WARNING\n"
            f"[host]\naddr = 127.0.0.1\nport = {self.port}\n"
            f"[server]\nurl = {csms.url}\nhttp_auth = False\n"
            f"[charger]\ncharger_id = KILL1\nconf_dir = {tmp_path / 'data'}\nmetervalues_interval = 0\n"
            "[command]\ntag = TAG1\n"
        )
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> SimConnection:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ocppsim", "--config", str(self.ini), stderr=asyncio.subprocess.DEVNULL
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            try:
                return await SimConnection(f"ws://127.0.0.1:{self.port}", timeout=WAIT).connect()
            except OSError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


@pytest.fixture
async def simulator(tmp_path: Path, csms: CentralSystem) -> AsyncIterator[Simulator]:
    sim = Simulator(tmp_path, csms)
    yield sim
    await sim.stop()


def tx_calls(csms: CentralSystem) -> list[Frame]:
    return [
        f for f in csms.calls("KILL1") if f.action in ("StartTransaction", "StopTransaction", "MeterValues")
    ]


async def test_queued_messages_survive_sigkill(simulator: Simulator, csms: CentralSystem) -> None:
    conn = await simulator.start()
    await csms.wait_for_call("KILL1", "StatusNotification", WAIT)
    assert await conn.command("plugin") == "Cable plugged. Status Preparing"
    assert await conn.command("tag") == "Tag Accepted. Parent: , new status: Charging"
    await csms.wait_for_call("KILL1", "MeterValues", WAIT)  # Transaction.Begin, after StartTransaction.conf
    csms.charger_ids = set()  # the CSMS refuses the charger from now on (404)
    await csms.disconnect("KILL1")
    await asyncio.sleep(0.1)
    # Offline: the stop is queued durably; there is no answer to report.
    assert await conn.command("unplug") == "Succesfully stopped transaction. id_tag_info: None"
    before = len(tx_calls(csms))
    await simulator.kill()
    assert len(tx_calls(csms)) == before  # nothing of the stop reached the CSMS before the kill

    csms.charger_ids = None
    await simulator.start()
    stop = await csms.wait_for_call("KILL1", "StopTransaction", WAIT)
    await asyncio.sleep(0.2)
    sequence = [(f.action, f.payload.get("transactionId")) for f in tx_calls(csms)]
    assert sequence == [
        ("StartTransaction", None),
        ("MeterValues", 1),  # Transaction.Begin
        ("MeterValues", 1),  # Transaction.End, from the journal
        ("StopTransaction", 1),
    ]
    assert stop.payload["reason"] == "EVDisconnected"
    start = csms.calls("KILL1", "StartTransaction")[0].payload
    assert stop.payload["meterStop"] >= start["meterStart"]


async def test_transaction_interrupted_by_sigkill_ends_with_power_loss(
    simulator: Simulator, csms: CentralSystem
) -> None:
    conn = await simulator.start()
    await csms.wait_for_call("KILL1", "StatusNotification", WAIT)
    await conn.command("plugin")
    await conn.command("tag")
    await csms.wait_for_call("KILL1", "MeterValues", WAIT)
    await asyncio.sleep(0.2)  # the answer to MeterValues is in
    await simulator.kill()

    await simulator.start()
    stop = await csms.wait_for_call("KILL1", "StopTransaction", WAIT)
    assert stop.payload["reason"] == "PowerLoss"
    assert stop.payload["transactionId"] == 1  # the id the CSMS gave before the crash
    start = csms.calls("KILL1", "StartTransaction")[0].payload
    assert stop.payload["meterStop"] >= start["meterStart"]
    boots = csms.calls("KILL1", "BootNotification")
    assert len(boots) == 2
    assert csms.frames.index(stop) > csms.frames.index(boots[1])  # only after the new boot
    assert len(csms.calls("KILL1", "StopTransaction")) == 1
