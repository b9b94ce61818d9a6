"""Signed meter values in OCMF (Eichrecht, runtime/ocmf.py): the public key at connection, a signed
record in StopTransaction that the test driver's helper verifies, and one that no longer verifies once
changed."""

from __future__ import annotations

import asyncio
import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, Sim, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection, verify_ocmf
from ocppsim.pki.ocmf import OcmfError
from ocppsim.runtime.clock import FakeClock


async def test_ocmf_signed_stop_transaction(csms: CentralSystem, tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path, csms), signed_meter_values="ocmf")
    app = build_charger_app(settings, clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
    sim = Sim(app, app.station.clock, conn, csms)  # type: ignore[arg-type]
    try:
        transfer = await csms.wait_for_call("CP1", "DataTransfer", REAL_TIMEOUT)
        assert (transfer.payload["vendorId"], transfer.payload["messageId"]) == (
            "generalConfiguration",
            "setMeterConfiguration",
        )
        (meter,) = json.loads(transfer.payload["data"])["meters"]
        assert meter["connectorId"] == 1 and meter["type"] == "SIGNATURE"
        key_file = tmp_path / "data" / "keys" / "CP1-ocmf.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        await sim.quiet()
        await sim.cmd("plugin")
        await sim.cmd("tag")
        await sim.advance(3600)
        await sim.cmd("unplug")
        stop = await csms.wait_for_call("CP1", "StopTransaction", REAL_TIMEOUT)
        signed = [
            sv
            for mv in stop.payload["transactionData"]
            for sv in mv["sampledValue"]
            if sv.get("format") == "SignedData"
        ]
        (value,) = signed
        assert value["measurand"] == "Energy.Active.Import.Register" and value["context"] == "Transaction.End"
        payload = verify_ocmf(value["value"], meter["publicKey"])
        begin, end = payload["RD"]
        assert (begin["TX"], end["TX"]) == ("B", "E")
        start = csms.calls("CP1", "StartTransaction")[0].payload
        assert begin["RV"] == round(start["meterStart"] / 1000, 3)
        assert end["RV"] == round(stop.payload["meterStop"] / 1000, 3) and end["RV"] > begin["RV"]
        assert payload["ID"] == start["idTag"] and payload["MS"] == meter["meterSerial"]
        tampered = value["value"].replace(f'"RV":{end["RV"]}', f'"RV":{end["RV"] + 1}')
        with pytest.raises(OcmfError):
            verify_ocmf(tampered, meter["publicKey"])
        with pytest.raises(OcmfError):
            verify_ocmf(value["value"], meter["publicKey"][:-4] + "0000")
    finally:
        await conn.disconnect()
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
