"""OCTT module 14 Power Failure (OCPP 1.6 sections 4.2, 4.9, 4.10, 5.2, 7.39): the text command
`powercut` (issue 17 item 7) cuts the power and brings it back; transactions end with reason PowerLoss,
sent before going down (`powercut stop`) or after the next boot; an Inoperative connector stays
Unavailable."""

from __future__ import annotations

import pytest

from conformance.steps import actions, ask, statuses
from conftest import REAL_TIMEOUT, Sim


async def _charging(sim: Sim) -> int:
    await sim.cmd("plugin")
    assert (await sim.cmd("tag T1")).startswith("Tag Accepted.")
    assert statuses(sim, 0)[-1] == "Charging"
    return int(sim.calls("StartTransaction")[-1].payload["connectorId"])


async def _booted_again(sim: Sim, mark: int) -> None:
    """The charger is back: BootNotification after `mark`, then the StatusNotification of connector 1."""
    await sim.csms.wait_for(
        lambda f: (
            f.charger_id == sim.id
            and f.direction == "in"
            and f.action == "StatusNotification"
            and f.payload["connectorId"] == 1
            and sim.csms.frames.index(f) > mark
            and any(b.action == "BootNotification" for b in sim.calls(since=mark))
        ),
        REAL_TIMEOUT,
    )
    await sim.quiet()


def _stop(sim: Sim, mark: int) -> dict[str, object]:
    (stop,) = sim.calls("StopTransaction", since=mark)
    payload: dict[str, object] = stop.payload
    return payload


@pytest.mark.octt("TC_032_1_CS")
async def test_power_failure_stop_before_going_down(sim: Sim) -> None:
    await _charging(sim)
    tx_id = sim.station.charger.view(1, sim.clock.now()).transaction_id
    mark = sim.mark()
    assert await sim.cmd("powercut stop") == "Ok. Power failure, 1 transaction(s) stopped (PowerLoss)"
    await _booted_again(sim, mark)
    sent = actions(sim, mark)
    # 4.10 / 7.39: StopTransaction reason PowerLoss, delivered before the charger went down.
    assert sent.index("StopTransaction") < sent.index("BootNotification")
    stop = _stop(sim, mark)
    assert stop["reason"] == "PowerLoss" and stop["transactionId"] == tx_id
    assert "StartTransaction" not in sent  # nothing restarts by itself


@pytest.mark.octt("TC_032_2_CS")
async def test_power_failure_stop_after_going_down(sim: Sim) -> None:
    await _charging(sim)
    tx_id = sim.station.charger.view(1, sim.clock.now()).transaction_id
    mark = sim.mark()
    assert await sim.cmd("powercut") == "Ok. Power failure, 1 transaction(s) stopped (PowerLoss)"
    await _booted_again(sim, mark)
    sent = actions(sim, mark)
    # Down at once: the first thing after the power returns is BootNotification (4.2), then the stop.
    assert sent[0] == "BootNotification"
    assert sent.index("StopTransaction") > sent.index("BootNotification")
    stop = _stop(sim, mark)
    assert stop["reason"] == "PowerLoss" and stop["transactionId"] == tx_id
    assert statuses(sim, mark)[-1] != "Charging"


@pytest.mark.octt("TC_034_CS")
async def test_power_failure_with_unavailable_status(sim: Sim) -> None:
    assert await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}) == {
        "status": "Accepted"
    }
    mark = sim.mark()
    assert await sim.cmd("powercut") == "Ok. Power failure, 0 transaction(s) stopped (PowerLoss)"
    await _booted_again(sim, mark)
    # 5.2: "Operative or Inoperative state SHALL persist a reboot": Unavailable after the boot.
    assert actions(sim, mark)[0] == "BootNotification"
    assert statuses(sim, mark) == ["Unavailable"]
    assert await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Operative"}) == {
        "status": "Accepted"
    }
    assert statuses(sim, mark) == ["Unavailable", "Available"]
