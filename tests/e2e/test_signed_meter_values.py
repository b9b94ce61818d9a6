"""Signed meter values (German calibration law) end to end: a charger with `signed_meter_values = ocmf`
against the built-in central system, which receives the public key by DataTransfer setMeterConfiguration
after the boot and SignedData values in the Transaction.Begin / End MeterValues; the CSMS side checks
them with the helper a CSMS developer would use (ocppsim.ocmf.verify). The csms fixture checks every
frame against the official schemas."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import stat
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Sim, SimFactory
from ocppsim import ocmf
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection

WAIT = 15.0  # real seconds for a process to start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def signed_values(sim: Sim, since: int = 0) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(MeterValues payload, its SignedData sampled value) of every signed MeterValues since `since`."""
    out = []
    for frame in sim.calls("MeterValues", since=since):
        for mv in frame.payload["meterValue"]:
            out.extend((frame.payload, sv) for sv in mv["sampledValue"] if sv.get("format") == "SignedData")
    return out


def raw_register(payload: dict[str, Any], context: str) -> str:
    (value,) = [
        sv["value"]
        for mv in payload["meterValue"]
        for sv in mv["sampledValue"]
        if sv["measurand"] == "Energy.Active.Import.Register"
        and sv.get("format", "Raw") == "Raw"
        and sv["context"] == context
    ]
    return str(value)


async def test_key_after_boot_and_signed_begin_and_end(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(signed_meter_values="ocmf")
    # The public key after the accepted boot, in the form German CSMSs read (DataTransfer).
    (announce,) = sim.calls("DataTransfer")
    assert announce.payload["vendorId"] == "generalConfiguration"
    assert announce.payload["messageId"] == "setMeterConfiguration"
    (meter,) = json.loads(announce.payload["data"])["meters"]
    assert meter["connectorId"] == 1
    assert meter["type"] == "SIGNATURE"
    key = meter["publicKey"]
    assert sim.csms.meter_keys[sim.id] == {1: key}
    # The announcement came after the acceptance, never before it.
    actions = [a for a, _ in sim.sent()]
    assert actions.index("DataTransfer") > actions.index("BootNotification")

    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd("tag 04A1B2C3")
    await sim.advance(600)
    await sim.cmd("unplug")
    signed = signed_values(sim, mark)
    assert [sv["context"] for _, sv in signed] == ["Transaction.Begin", "Transaction.End"]

    start = sim.calls("StartTransaction", since=mark)[0].payload
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    readings = []
    for payload, sv in signed:
        assert sv["measurand"] == "Energy.Active.Import.Register"
        assert sv["unit"] == "Wh"
        assert sv["value"].startswith("OCMF|")
        document = ocmf.verify(sv["value"], key)
        (reading,) = document["RD"]
        # The signed number is the register the same message reports Raw.
        assert str(reading["RV"]) == raw_register(payload, sv["context"])
        assert document["ID"] == "04A1B2C3"
        assert document["IT"] == "ISO14443"
        assert document["IS"] is True
        assert document["CI"] == f"{sim.id} 1"
        assert payload["transactionId"] == 1
        readings.append((document["PG"], reading))
    (pg_begin, begin), (pg_end, end) = readings
    assert (begin["TX"], end["TX"]) == ("B", "E")
    assert begin["RV"] == start["meterStart"]
    assert end["RV"] == stop["meterStop"] > begin["RV"]
    assert begin["RU"] == end["RU"] == "Wh"
    assert begin["TM"].endswith(" S")  # after an accepted boot the time counts as synchronized
    assert int(pg_end[1:]) == int(pg_begin[1:]) + 1 and pg_begin.startswith("T")
    assert isinstance(end["RV"], int | Decimal)


async def test_a_tampered_value_or_another_key_fails(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(signed_meter_values="ocmf")
    key = sim.csms.meter_keys[sim.id][1]
    await sim.cmd("plugin")
    await sim.cmd("tag")
    (_, sv) = signed_values(sim)[0]
    document = sv["value"]
    assert ocmf.verify(document, key)["RD"][0]["TX"] == "B"
    with pytest.raises(ocmf.OcmfError):
        ocmf.verify(document.replace('"RV":0', '"RV":1'), key)
    other = ocmf.public_key_hex(
        __import__(
            "cryptography.hazmat.primitives.asymmetric.ec"
        ).hazmat.primitives.asymmetric.ec.generate_private_key(
            __import__(
                "cryptography.hazmat.primitives.asymmetric.ec"
            ).hazmat.primitives.asymmetric.ec.SECP256R1()
        )
    )
    with pytest.raises(ocmf.OcmfError):
        ocmf.verify(document, other)


async def test_without_the_option_nothing_is_signed(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    await sim.cmd("unplug")
    assert sim.calls("DataTransfer") == []
    assert signed_values(sim) == []


async def test_the_real_process_keeps_its_key_across_a_kill(tmp_path: Path, csms: CentralSystem) -> None:
    """`ocppsim --signed-meter-values ocmf` as a user runs it: the key made on the first start is the one
    announced after a SIGKILL and a new start, signs the values of the next session, and its file is
    owner-only."""
    port = free_port()
    ini = tmp_path / "sim.ini"
    ini.write_text(
        "[logging]\nocppsim = WARNING\n"
        f"[host]\naddr = 127.0.0.1\nport = {port}\n"
        f"[server]\nurl = {csms.url}\n"
        f"[charger]\ncharger_id = EICH1\nconf_dir = {tmp_path / 'data'}\nmetervalues_interval = 0\n"
    )

    async def start() -> tuple[asyncio.subprocess.Process, SimConnection]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "ocppsim", "--config", str(ini), "--signed-meter-values", "ocmf"),
            stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = asyncio.get_running_loop().time() + WAIT
        while True:
            try:
                return proc, await SimConnection(f"ws://127.0.0.1:{port}", timeout=WAIT).connect()
            except OSError:
                if asyncio.get_running_loop().time() > deadline:
                    proc.kill()
                    raise
                await asyncio.sleep(0.05)

    proc, conn = await start()
    try:
        first = await csms.wait_for_call("EICH1", "DataTransfer", WAIT)
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
        await conn.disconnect()
        db = tmp_path / "data" / "ocppsim.sqlite3"
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        proc, conn = await start()
        await csms.wait_for(
            lambda f: f.charger_id == "EICH1" and f.action == "DataTransfer" and f is not first, WAIT
        )
        second = csms.calls("EICH1", "DataTransfer")[-1]
        assert second.payload["data"] == first.payload["data"]  # the same key, announced again
        key = csms.meter_keys["EICH1"][1]
        await conn.command("plugin")
        await conn.command("tag")
        frame = await csms.wait_for(
            lambda f: f.charger_id == "EICH1" and f.action == "MeterValues" and f.direction == "in", WAIT
        )
        (signed,) = [sv for sv in frame.payload["meterValue"][0]["sampledValue"] if sv.get("format")]
        assert ocmf.verify(signed["value"], key)["RD"][0]["TX"] == "B"
        await conn.disconnect()
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
