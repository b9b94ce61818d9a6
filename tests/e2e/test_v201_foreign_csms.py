"""A 2.0.1 charger against a foreign central system: one written here with the `ocpp` library's 2.0.1
ChargePoint over plain `websockets` (its own framing, routing and schema checks, nothing of ours), as a
CSMS built on that library would run. The charger boots, a remote-started session sends meter values and
is stopped, and the foreign side accepts every message it gets."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import websockets.asyncio.server as ws_server
from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result

from conftest import REAL_TIMEOUT
from ocppsim.app.charger import build_charger_app
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock
from ocppsim.settings.ini_file import load_settings


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ForeignCsms(ChargePoint):  # type: ignore[misc]
    """Answers what a 2.0.1 station sends; keeps what it got."""

    def __init__(self, charger_id: str, connection: Any) -> None:
        super().__init__(charger_id, connection)
        self.received: list[tuple[str, dict[str, Any]]] = []

    @on("BootNotification")
    def boot(self, **payload: Any) -> Any:
        self.received.append(("BootNotification", payload))
        return call_result.BootNotification(current_time=_now(), interval=300, status="Accepted")

    @on("StatusNotification")
    def status(self, **payload: Any) -> Any:
        self.received.append(("StatusNotification", payload))
        return call_result.StatusNotification()

    @on("Heartbeat")
    def heartbeat(self, **payload: Any) -> Any:
        return call_result.Heartbeat(current_time=_now())

    @on("Authorize")
    def authorize(self, **payload: Any) -> Any:
        self.received.append(("Authorize", payload))
        return call_result.Authorize(id_token_info={"status": "Accepted"})

    @on("TransactionEvent")
    def transaction_event(self, **payload: Any) -> Any:
        self.received.append(("TransactionEvent", payload))
        return call_result.TransactionEvent()


async def test_a_foreign_2_0_1_csms(tmp_path: Path) -> None:
    stations: dict[str, ForeignCsms] = {}
    connected = asyncio.Event()

    async def handler(connection: Any) -> None:
        charger_id = connection.request.path.rstrip("/").rsplit("/", 1)[-1]
        station = stations[charger_id] = ForeignCsms(charger_id, connection)
        connected.set()
        try:
            await station.start()
        except Exception:  # the connection closed
            return

    server = await ws_server.serve(handler, "127.0.0.1", 0, subprotocols=["ocpp2.0.1"])  # type: ignore[list-item]
    port = next(iter(server.sockets)).getsockname()[1]
    ini = tmp_path / "foreign.ini"
    ini.write_text(
        f"[server]\nurl = ws://127.0.0.1:{port}/ocpp\n[host]\nport = 0\n"
        f"[charger]\ncharger_id = F201\nconf_dir = {tmp_path / 'data'}\nocpp_version = 2.0.1\n"
        "metervalues_interval = 30\n",
        encoding="utf-8",
    )
    clock = FakeClock()
    app = build_charger_app(load_settings(ini), clock=clock, strict=True)
    task = asyncio.create_task(app.run())
    try:
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        await asyncio.wait_for(connected.wait(), REAL_TIMEOUT)
        csms = stations["F201"]

        async def until(predicate: Any) -> None:
            for _ in range(int(REAL_TIMEOUT / 0.01)):
                if predicate():
                    return
                await asyncio.sleep(0.01)
            raise AssertionError(f"not seen; got {[a for a, _ in csms.received]}")

        await until(lambda: any(a == "StatusNotification" for a, _ in csms.received))
        boot = csms.received[0]
        assert boot[0] == "BootNotification" and boot[1]["reason"] == "PowerUp"

        token = {"id_token": "FOREIGN", "type": "Central"}
        started = await csms.call(
            call.RequestStartTransaction(id_token=token, remote_start_id=11, evse_id=1), suppress=False
        )
        assert started.status == "Accepted"
        async with SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT) as sim:
            assert (await sim.command("plugin")).startswith("Cable plugged")
            events = lambda: [p for a, p in csms.received if a == "TransactionEvent"]  # noqa: E731
            await until(lambda: len(events()) >= 1)
            assert events()[0]["event_type"] == "Started"
            assert events()[0]["transaction_info"]["remote_start_id"] == 11
            # Time moves only with nothing in flight: an answer still on its way when the fake clock
            # passes MessageTimeout makes the charger re-send the message (OCPP-J allows it), which this
            # CSMS would record twice.
            outbox = app.station.outbox
            for _ in range(3):
                await until(lambda: len(outbox) == 0)
                await clock.advance(31)
            await until(lambda: len(events()) >= 3)
            assert events()[1]["trigger_reason"] == "MeterValuePeriodic"
            assert events()[1]["meter_value"]
            tx_id = events()[0]["transaction_info"]["transaction_id"]
            stopped = await csms.call(call.RequestStopTransaction(transaction_id=tx_id), suppress=False)
            assert stopped.status == "Accepted"
            await until(lambda: events()[-1]["event_type"] == "Ended")
            assert events()[-1]["transaction_info"]["stopped_reason"] == "Remote"
            assert [e["seq_no"] for e in events()] == list(range(len(events())))
        assert app.station.charger.illegal_transitions == []
    finally:
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
        server.close()
        await server.wait_closed()
