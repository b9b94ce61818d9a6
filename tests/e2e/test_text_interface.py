"""The text command interface: exact replies of the contract and robustness against bad input."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from conftest import REAL_TIMEOUT, Sim, SimFactory
from ocppsim.driver import SimConnection


async def test_delay_trans_ignores_extra_words_and_keeps_the_original_reply(sim: Sim) -> None:
    """The contract fixes the reply (it names delay_notrans, the flag delay_trans clears); the original
    ignored words after a command that takes none, and so do we."""
    connector = sim.station.charger.state.conn(1)
    assert await sim.cmd("delay_notrans") == "Ok charger delay_notrans True"
    assert connector.delay_notrans is True
    assert await sim.cmd("delay_trans xyz") == "Ok charger delay_notrans False"
    assert connector.delay_notrans is False
    assert await sim.cmd("delay_notrans 1 2") == "Ok charger delay_notrans True"
    assert connector.delay_notrans is True


async def test_contract_replies(sim: Sim) -> None:
    assert await sim.cmd("unplug") == "Ok, nothing to do"
    assert await sim.cmd("full") == "Cannot full/suspend in a non current state: Available"
    assert await sim.cmd("delay") == "Ok charger delay True"
    assert await sim.cmd("nodelay") == "Ok. Status now Available"
    assert await sim.cmd("delay_notrans") == "Ok charger delay_notrans True"
    assert await sim.cmd("delay_trans") == "Ok charger delay_notrans False"
    assert await sim.cmd("max 16") == "Ok. max set to 16.0"
    assert await sim.cmd("max") == "Ok. max set to None"
    assert await sim.cmd("clock -3600") == "Offset is now -3600.0"
    assert await sim.cmd("clock") == "Offset is now 0"
    assert await sim.cmd("fullafter 5000") == "ok, full after 5000"
    assert await sim.cmd("fullafter") == "ok, full after None"
    assert await sim.cmd("plugin") == "Cable plugged. Status Preparing"
    assert await sim.cmd("plugin") == "Already plugged"
    assert await sim.cmd("tag ABC") == "Tag Accepted. Parent: , new status: Charging"
    assert await sim.cmd("suspend") == "Suspended charging. Status: SuspendedEV"
    assert await sim.cmd("resume") == "Resumed charging. Status: Charging"
    status = json.loads(await sim.cmd("jsonstatus"))
    assert list(status)[:9] == [
        "status",
        "offer",
        "usage",
        "max_usage",
        "last_id_tag",
        "transaction_id",
        "energy",
        "fullafter",
        "_delay",
    ]
    assert status["status"] == "Charging" and status["last_id_tag"] == "ABC" and status["transaction_id"] == 1
    assert (status["connected"], status["registration"], status["queued"]) == (True, "Accepted", 0)
    assert await sim.cmd("tag ABC") == "Ok, stopping transaction. Reason local"
    assert await sim.cmd("unplug") == "Ok, status change to available"


async def test_tag_rejected_by_the_central_system(sim: Sim) -> None:
    sim.csms.tags = {"good"}
    await sim.cmd("plugin")
    assert await sim.cmd("tag BAD") == "Tag not accepted. Error: Invalid"
    assert await sim.cmd("tag GOOD") == "Tag Accepted. Parent: , new status: Charging"


async def test_wait_uses_the_simulated_clock(sim: Sim) -> None:
    task = asyncio.create_task(sim.conn.command("wait 30"))
    await asyncio.sleep(0.05)
    assert not task.done()
    await sim.clock.advance(30)
    assert await asyncio.wait_for(task, REAL_TIMEOUT) == "Done waiting"


async def test_bad_input_gets_an_error_line_and_the_session_survives(sim: Sim) -> None:
    assert await sim.cmd("") == "Error: empty command"
    assert await sim.cmd("   ") == "Error: empty command"
    assert await sim.cmd("frobnicate now") == "Error: Unknown command frobnicate"
    assert (await sim.cmd("x" * 100_000)).startswith("Error: command too long")
    assert (await sim.cmd("max lots")).startswith("Error: max must be a number")
    assert (await sim.cmd("max nan")).startswith("Error:")
    assert (await sim.cmd("tag " + "T" * 21)).startswith("Error: id tag longer than 20")
    assert (await sim.cmd("wait -1")).startswith("Error:")
    assert (await sim.cmd("@9 status")) == "Error: connector 9 does not exist"
    assert (await sim.cmd("@x status")).startswith("Error: bad connector")
    async with connect(f"ws://127.0.0.1:{sim.app.text_server.port}/any/path") as raw:
        await raw.send(b"\xff\xfe")
        assert await raw.recv() == "Error: commands must be UTF-8 text"
        await raw.send(b"status")
        assert (await raw.recv()).startswith("Status: Available")
    assert (await sim.cmd("status")).startswith("Status: Available")


async def test_several_clients_and_quit(sim: Sim) -> None:
    url = f"ws://127.0.0.1:{sim.app.text_server.port}"
    async with SimConnection(url) as a, SimConnection(url + "/CP1") as b:
        assert (await a.command("status")).startswith("Status:")
        assert await b.command("exit") == "bye"
        assert (await a.command("status")).startswith("Status:")
    assert await sim.cmd("quit") == "bye"


async def test_connectors_are_addressable_without_changing_connector_one(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(number_of_connectors=2)
    assert await sim.cmd("@2 plugin") == "Cable plugged. Status Preparing"
    assert (await sim.cmd("status")).startswith("Status: Available")
    assert (await sim.cmd("@2 status")).startswith("Status: Preparing")
    assert await sim.cmd("connector 2") == "Ok. connector 2"
    assert await sim.cmd("tag") == "Tag Accepted. Parent: , new status: Charging"
    assert sim.calls("StartTransaction")[0].payload["connectorId"] == 2
    assert await sim.cmd("connector 3") == "Error: connector 3 does not exist"


async def test_shutdown_stops_the_simulator(sim: Sim) -> None:
    assert await sim.conn.command("shutdown") == "Shutting down"
    await asyncio.wait_for(sim.app.shutdown.wait(), REAL_TIMEOUT)


async def test_reset_command_reconnects(sim: Sim) -> None:
    mark = sim.mark()
    assert await sim.cmd("reset") == "Charger reset successfully - automatic reconnect"
    await sim.csms.wait_for(
        lambda f: f.direction == "in" and f.action == "BootNotification" and sim.csms.frames.index(f) >= mark
    )


async def test_data_transfer_from_the_charger(sim: Sim) -> None:
    sim.csms.responders["DataTransfer"] = lambda cid, p: {
        "status": "Accepted",
        "data": f"echo {p.get('data')}",
    }
    assert (
        await sim.cmd("datatransfer com.example ping hello world")
        == "DataTransfer status: Accepted, data: echo hello world"
    )
    sent = sim.calls("DataTransfer")[0].payload
    assert sent == {"vendorId": "com.example", "messageId": "ping", "data": "hello world"}
    assert (await sim.cmd("datatransfer")).startswith("Error: usage")


async def test_shell_drives_the_simulator(sim: Sim) -> None:
    import sys

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ocppsim",
        "shell",
        "--url",
        f"ws://127.0.0.1:{sim.app.text_server.port}",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(b"status\n\nplugin\nquit\n"), 20)
    assert out.decode().splitlines() == [
        "Status: Available, transaction_id: None, offer: 32.0 A, energy: 0 Wh, delay: False, max_usage: None",
        "Cable plugged. Status Preparing",
        "bye",
    ]
    assert proc.returncode == 0


async def test_fault_injection(sim: Sim) -> None:
    mark = sim.mark()
    assert await sim.cmd("fault GroundFailure RCD tripped") == "Ok. Status Faulted"
    sn = sim.calls("StatusNotification", since=mark)[0].payload
    assert (sn["status"], sn["errorCode"], sn["info"]) == ("Faulted", "GroundFailure", "RCD tripped")
    assert await sim.cmd("fault WeakSignal") == "Ok. Status Available"  # a warning, not a fault
    assert (await sim.cmd("fault Broken")).startswith("Error: unknown error code")
    assert await sim.cmd("nofault") == "Ok. Status Available"


async def test_profiles_command_shows_what_the_charger_understood(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory(default_profiles=True)
    shown = json.loads(await sim.cmd("profiles"))
    assert [(p["chargingProfileId"], p["stackLevel"], p["connectorId"]) for p in shown["profiles"]] == [
        (1, 0, 0),
        (2, 1, 0),
    ]
    assert shown["profiles"][0]["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 6.0}
    ]
    assert shown["composite"]["1"] == [{"startPeriod": 0, "limit": 0.0, "numberPhases": 3}]
    assert shown["duration"] == 3600 and shown["chargingRateUnit"] == "A"
    in_watts = json.loads(await sim.cmd("profiles W 60"))
    assert in_watts["composite"]["0"] == [{"startPeriod": 0, "limit": 0.0, "numberPhases": 3}]
    assert (await sim.cmd("profiles kW")).startswith("Error: usage")
