"""Core rules over real sockets where the runtime is involved (issue 17): availability persists a reboot
and a restart (section 5.2), and a Hard Reset answers before it restarts (section 5.14)."""

from __future__ import annotations

from conftest import Sim, SimFactory
from ocppsim.ocpp16.framing import CallResult


async def ask(sim: Sim, action: str, payload: dict[str, object]) -> dict[str, object]:
    result = await sim.csms.call(sim.id, action, payload)
    assert isinstance(result, CallResult), result
    await sim.quiet()
    return result.payload


async def _booted_again(sim: Sim, mark: int) -> None:
    await sim.csms.wait_for(
        lambda f: (
            f.direction == "in"
            and f.action == "StatusNotification"
            and f.payload["connectorId"] == 1
            and sim.csms.frames.index(f) > mark
        )
    )
    await sim.quiet()


async def test_inoperative_connector_stays_unavailable_after_reset(sim: Sim) -> None:
    assert await ask(sim, "ChangeAvailability", {"connectorId": 1, "type": "Inoperative"}) == {
        "status": "Accepted"
    }
    mark = sim.mark()
    assert await ask(sim, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    await _booted_again(sim, mark)
    assert ("StatusNotification", (1, "Unavailable")) in sim.sent(mark)
    assert ("StatusNotification", (1, "Available")) not in sim.sent(mark)


async def test_inoperative_charge_point_stays_unavailable_after_a_restart(sim_factory: SimFactory) -> None:
    sim: Sim = await sim_factory()
    assert await ask(sim, "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}) == {
        "status": "Accepted"
    }
    mark = sim.mark()
    again: Sim = await sim_factory()  # same data directory, a new process state
    booted = again.sent(mark)
    assert ("StatusNotification", (0, "Unavailable")) in booted
    assert ("StatusNotification", (1, "Unavailable")) in booted
    assert await ask(again, "ChangeAvailability", {"connectorId": 0, "type": "Operative"}) == {
        "status": "Accepted"
    }
    mark = again.mark()
    third: Sim = await sim_factory()
    assert ("StatusNotification", (1, "Available")) in third.sent(mark)


async def test_hard_reset_answers_first_and_sends_nothing_more_before_the_restart(sim: Sim) -> None:
    await sim.cmd("plugin")
    await sim.cmd("tag")
    mark = sim.mark()
    assert await ask(sim, "Reset", {"type": "Hard"}) == {"status": "Accepted"}
    await _booted_again(sim, mark)
    frames = [f for f in sim.csms.frames[mark:] if f.charger_id == sim.id]
    conf = next(i for i, f in enumerate(frames) if f.kind == 3 and f.direction == "in")
    boot = next(i for i, f in enumerate(frames) if f.action == "BootNotification")
    assert conf < boot
    # Between the Reset.conf and the restart no CALL of the charger's (its answer would be lost).
    assert [f for f in frames[conf + 1 : boot] if f.direction == "in"] == []
    actions = [a for a, _ in sim.sent(mark)]
    assert actions.count("MeterValues") == 1  # Transaction.End, once
    assert actions.index("BootNotification") < actions.index("StopTransaction")
    assert sim.calls("StopTransaction")[-1].payload["reason"] == "HardReset"
