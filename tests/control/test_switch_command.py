"""The text command `switch` (issue 17 item 7): lists every switch as JSON, sets one, refuses what it
cannot set with an `Error:` line."""

from __future__ import annotations

import json

from conftest import Sim


async def test_switch_lists_sets_and_refuses(sim: Sim) -> None:
    states = json.loads(await sim.cmd("switch"))
    assert states["fixed_cable"] is False and "Reservation" in states["feature_profiles"]
    assert await sim.cmd("switch fixed_cable on") == "Ok. fixed_cable on"
    assert await sim.cmd("switch fixed_cable off") == "Ok. fixed_cable off"
    assert await sim.cmd("switch diagnostics_upload_fails true") == "Ok. diagnostics_upload_fails on"
    assert sim.station.charger.firmware.upload_fails
    reply = await sim.cmd("switch feature_profiles core,reservation")
    assert reply == "Ok. feature_profiles Core,Reservation"
    assert json.loads(await sim.cmd("switch"))["feature_profiles"] == ["Core", "Reservation"]
    assert (await sim.cmd("switch nothing on")).startswith("Error: unknown switch 'nothing'")
    assert (await sim.cmd("switch lock_fails sometimes")).startswith("Error: expected on or off")
    assert (await sim.cmd("switch feature_profiles Reservation")).startswith("Error: the Core profile")
    assert (await sim.cmd("switch lock_fails")).startswith("Error: usage: switch")
    assert "switch" in await sim.cmd("help")
