"""OCTT cases that need a badge swipe as the spec has it (the `swipe` command, not the contract's `tag`,
which also plugs the EV in): module 02 identification first (TC_004_1, TC_004_2: OCPP 1.6 sections 3.6,
4.1, 4.8, 4.9; ConnectionTimeOut 9.1.6) and module 03 stop by the same idTag or by one of its group
(TC_068, TC_069: sections 3.10, 4.1, 4.10, 7.36)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.steps import actions, set_key, statuses
from conftest import Sim


def _group(parents: dict[str, str]) -> Any:
    """A CSMS that answers Authorize / StartTransaction with each tag's parentIdTag (section 3.10)."""

    def info(id_tag: str) -> dict[str, Any]:
        result: dict[str, Any] = {"status": "Accepted"}
        if id_tag in parents:
            result["parentIdTag"] = parents[id_tag]
        return result

    return info


@pytest.mark.octt("TC_004_1_CS")
async def test_identification_first(sim: Sim) -> None:
    mark = sim.mark()
    assert await sim.cmd("swipe TAG0041") == "Tag Accepted. Parent: , new status: Preparing"
    # 4.1: the tag is authorized first; 4.9 A2: Preparing while the charger waits for the cable.
    assert sim.sent(mark) == [("Authorize", None), ("StatusNotification", (1, "Preparing"))]
    assert sim.calls("Authorize", since=mark)[0].payload == {"idTag": "TAG0041"}
    await sim.advance(10)
    mark = sim.mark()
    assert await sim.cmd("plugin") == "Cable plugged. Status Charging"
    # 4.8: StartTransaction once the cable is in, no second Authorize; 4.9 B3: Charging.
    assert sim.sent(mark) == [
        ("StartTransaction", None),
        ("StatusNotification", (1, "Charging")),
        ("MeterValues", "Transaction.Begin"),
    ]
    start = sim.calls("StartTransaction")[0].payload
    assert start["connectorId"] == 1 and start["idTag"] == "TAG0041"


@pytest.mark.octt("TC_004_2_CS")
async def test_identification_first_connection_timeout(sim: Sim) -> None:
    await set_key(sim, "ConnectionTimeOut", "30")
    mark = sim.mark()
    assert (await sim.cmd("swipe TAG0042")).startswith("Tag Accepted.")
    assert statuses(sim, mark) == ["Preparing"]
    await sim.advance(29)
    assert statuses(sim, mark) == ["Preparing"]
    await sim.advance(1)
    # 9.1 ConnectionTimeOut / 4.9 B1: the attempt is abandoned, Available again, no StartTransaction.
    assert statuses(sim, mark) == ["Preparing", "Available"]
    assert "StartTransaction" not in actions(sim, mark)
    mark = sim.mark()
    await sim.cmd("plugin")  # too late: the cable alone does not start
    assert sim.sent(mark) == [("StatusNotification", (1, "Preparing"))]


@pytest.mark.octt("TC_068_CS")
async def test_stop_with_the_same_id_tag(sim: Sim) -> None:
    await sim.cmd("plugin")
    assert (await sim.cmd("swipe TAG068")).startswith("Tag Accepted.")
    await sim.advance(60)
    mark = sim.mark()
    assert await sim.cmd("swipe tag068") == "Ok, stopping transaction. Reason local"
    # 4.1: no Authorize for the identifier that started the transaction (case-insensitive, CiString20).
    assert "Authorize" not in actions(sim, mark)
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["transactionId"] == 1 and stop["idTag"].upper() == "TAG068"
    assert stop.get("reason", "Local") == "Local"  # 4.10, 7.36
    assert statuses(sim, mark) == ["Finishing"]
    mark = sim.mark()
    await sim.cmd("unplug")
    assert sim.sent(mark) == [("StatusNotification", (1, "Available"))]


@pytest.mark.octt("TC_069_CS")
async def test_stop_with_an_id_tag_of_the_same_group(sim: Sim) -> None:
    info = _group({"TAG069A": "PARENT069", "TAG069B": "PARENT069", "TAG069C": "ELSE"})
    sim.csms.responders["Authorize"] = lambda cid, p: {"idTagInfo": info(p["idTag"])}
    await sim.cmd("plugin")
    assert await sim.cmd("swipe TAG069A") == "Tag Accepted. Parent: PARENT069, new status: Charging"
    await sim.advance(60)
    mark = sim.mark()
    # Another group: authorized (4.1), but it does not stop the transaction (3.10).
    assert (await sim.cmd("swipe TAG069C")).startswith("Not stopped:")
    assert actions(sim, mark) == ["Authorize"]
    mark = sim.mark()
    assert await sim.cmd("swipe TAG069B") == "Ok, stopping transaction. Reason local. Parent: PARENT069"
    # 4.1: a different identifier is authorized first; its parentIdTag matches the transaction's.
    assert actions(sim, mark)[0] == "Authorize"
    assert sim.calls("Authorize", since=mark)[0].payload == {"idTag": "TAG069B"}
    stop = sim.calls("StopTransaction", since=mark)[0].payload
    assert stop["transactionId"] == 1 and stop["idTag"] == "TAG069B"
    assert stop.get("reason", "Local") == "Local"
    assert statuses(sim, mark) == ["Finishing"]
