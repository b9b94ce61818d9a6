"""What the central system writes to the terminal of `make run`: one short line per CALL at INFO
(direction, action, uniqueId, size), the whole frame only at DEBUG, never the AuthorizationKey."""

from __future__ import annotations

import json
import logging

import pytest
from websockets.asyncio.client import connect

from conftest import REAL_TIMEOUT, Sim
from ocppsim.csms.server import CentralSystem

METER = {
    "connectorId": 1,
    "meterValue": [
        {
            "timestamp": "2030-01-01T00:00:00Z",
            "sampledValue": [
                {"value": str(n), "measurand": "Energy.Active.Import.Register"} for n in range(20)
            ],
        }
    ],
}


async def _send_meter_values(cs: CentralSystem) -> str:
    text = json.dumps([2, "m-1", "MeterValues", METER])
    async with connect(cs.url + "/LOG1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        await ws.send(text)
        await ws.recv()
    return text


async def test_a_call_is_one_short_line_at_info(caplog: pytest.LogCaptureFixture) -> None:
    cs = CentralSystem(log_frames=True)
    await cs.start()
    try:
        with caplog.at_level(logging.INFO, logger="ocppsim.csms"):
            text = await _send_meter_values(cs)
    finally:
        await cs.stop()
    lines = [r.getMessage() for r in caplog.records if "MeterValues" in r.getMessage()]
    assert lines == [f"LOG1 -> MeterValues id=m-1 {len(text.encode())} bytes"]
    assert len(text) > 1000  # what used to be printed in full


async def test_the_whole_frame_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    cs = CentralSystem(log_frames=True)
    await cs.start()
    try:
        with caplog.at_level(logging.DEBUG, logger="ocppsim.csms"):
            text = await _send_meter_values(cs)
    finally:
        await cs.stop()
    lines = [r for r in caplog.records if "MeterValues" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.DEBUG
    assert lines[0].getMessage() == f"LOG1 -> MeterValues {text}"
    assert cs.frames[0].payload == METER  # recorded in full, as before


async def test_the_authorization_key_is_never_logged(sim: Sim, caplog: pytest.LogCaptureFixture) -> None:
    sim.csms.log_frames = True
    secret = "0123456789abcdef0123456789abcdef"
    with caplog.at_level(logging.DEBUG):
        answer = await sim.csms.call(
            sim.id, "ChangeConfiguration", {"key": "AuthorizationKey", "value": secret}, timeout=REAL_TIMEOUT
        )
    assert answer.payload == {"status": "Accepted"}  # type: ignore[union-attr]
    messages = [r.getMessage() for r in caplog.records]
    assert any("CP1 <- ChangeConfiguration" in m and "<hidden>" in m for m in messages)
    assert not any(secret in m for m in messages)
