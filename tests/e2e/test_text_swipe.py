"""The `swipe` text command (an extension beside the contract's `tag`) and SimConnection.swipe(), over real
sockets against the built-in CSMS: the replies and what the CSMS receives (sections 3.10, 4.1, 4.10, 9.1)."""

from __future__ import annotations

from typing import Any

from conftest import Sim


def _group(parents: dict[str, str]) -> Any:
    def authorize(_cid: str, payload: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"status": "Accepted"}
        parent = parents.get(payload["idTag"])
        if parent is not None:
            info["parentIdTag"] = parent
        return {"idTagInfo": info}

    return authorize


async def test_swipe_waits_for_the_cable_then_starts(sim: Sim) -> None:
    assert await sim.cmd("swipe CARD1") == "Tag Accepted. Parent: , new status: Preparing"
    assert sim.calls("StartTransaction") == []
    assert (await sim.conn.json_status())["status"] == "Preparing"
    assert await sim.cmd("plugin") == "Cable plugged. Status Charging"
    assert sim.calls("StartTransaction")[0].payload["idTag"] == "CARD1"
    assert await sim.conn.swipe("card1") == "Ok, stopping transaction. Reason local"
    await sim.quiet()
    stop = sim.calls("StopTransaction")[0].payload
    assert stop["idTag"] == "card1" and stop.get("reason", "Local") == "Local"


async def test_swipe_times_out_and_cancels(sim: Sim) -> None:
    assert (await sim.cmd("swipe CARD1")).startswith("Tag Accepted.")
    assert (
        await sim.cmd("swipe OTHER")
        == "Nothing done: the connector waits for another idTag. Status Preparing"
    )
    assert await sim.cmd("swipe CARD1") == "Ok, cancelled before the cable. Status Available"
    assert (await sim.cmd("swipe CARD1")).startswith("Tag Accepted.")
    await sim.advance(60)  # ConnectionTimeOut of the built-in defaults
    assert (await sim.conn.json_status())["status"] == "Available"
    assert sim.calls("StartTransaction") == []


async def test_swipe_of_another_tag_stops_only_in_the_same_group(sim: Sim) -> None:
    sim.csms.responders["Authorize"] = _group({"CARD1": "FAMILY", "CARD2": "FAMILY", "CARD3": "OTHER"})
    await sim.cmd("plugin")
    assert await sim.cmd("swipe CARD1") == "Tag Accepted. Parent: FAMILY, new status: Charging"
    assert await sim.cmd("swipe CARD4") == "Not stopped: parent '' is not the transaction's. Status Charging"
    assert (
        await sim.cmd("swipe CARD3")
        == "Not stopped: parent 'OTHER' is not the transaction's. Status Charging"
    )
    assert sim.calls("StopTransaction") == []
    assert (
        await sim.conn.swipe("CARD2", connector=1) == "Ok, stopping transaction. Reason local. Parent: FAMILY"
    )
    await sim.quiet()
    stop = sim.calls("StopTransaction")[0].payload
    assert stop["idTag"] == "CARD2" and stop.get("reason", "Local") == "Local"
    assert [c.payload["idTag"] for c in sim.calls("Authorize")] == ["CARD1", "CARD4", "CARD3", "CARD2"]


async def test_swipe_rejected_and_bad_input(sim: Sim) -> None:
    sim.csms.tags = {"good"}
    assert await sim.cmd("swipe BAD") == "Tag not accepted. Error: Invalid"
    assert (await sim.cmd("swipe " + "X" * 21)).startswith("Error: id tag longer than 20")
    assert (await sim.cmd("@9 swipe GOOD")).startswith("Error: connector 9 does not exist")
    assert "swipe [id]" in await sim.cmd("help")
    # The contract's `tag` is unchanged: it charges without plugin.
    assert (await sim.cmd("tag GOOD")).endswith("new status: Charging")
