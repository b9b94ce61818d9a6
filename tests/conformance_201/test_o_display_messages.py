"""Functional block O (display message): SetDisplayMessage (O01, O02 for a transaction, O06 replace),
GetDisplayMessages answered by NotifyDisplayMessages (O03, O04), ClearDisplayMessage (O05), validity
by startDateTime / endDateTime and the priorities AlwaysFront, InFront, NormalCycle. Played end to end
against the built-in CSMS (every frame the charger sends is schema-checked); what the display shows is
read where the REST API reads it (control/http/api_views.py `display_out`). Case ids: other_cases.py."""

from __future__ import annotations

from typing import Any

import pytest

from conformance_201.steps import call, component, get_variables, local_session, variable
from conftest import Sim
from ocppsim.control.http.api_views import display_out
from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import CallError

Payload = dict[str, Any]


def _at(sim: Sim, seconds: float) -> str:
    return format_time(sim.station.charger.state.ts(sim.clock.now()) + seconds)


def _message(message_id: int, text: str = "Welcome", priority: str = "NormalCycle", **fields: Any) -> Payload:
    info: Payload = {
        "id": message_id,
        "priority": priority,
        "message": {"format": "UTF8", "content": text, "language": "en"},
    }
    info.update(fields)
    return info


async def _set(sim: Sim, info: Payload) -> str:
    status: str = (await call(sim, "SetDisplayMessage", {"message": info}))["status"]
    return status


async def _get(sim: Sim, request_id: int, **criteria: Any) -> tuple[str, list[Payload]]:
    """GetDisplayMessages: its status and the NotifyDisplayMessages parts of its requestId."""
    mark = sim.mark()
    status: str = (await call(sim, "GetDisplayMessages", {"requestId": request_id, **criteria}))["status"]
    parts = [f.payload for f in sim.calls("NotifyDisplayMessages", mark)]
    assert all(p["requestId"] == request_id for p in parts)
    return status, parts


def _ids(parts: list[Payload]) -> list[int]:
    return [m["id"] for p in parts for m in p.get("messageInfo", [])]


def _shown(sim: Sim) -> list[int]:
    messages, _ = display_out(sim.station)
    return [m.id for m in messages if m.shown]


# ---------------------------------------------------------------- O01, O03, O04, O05


@pytest.mark.octt201("TC_O_01")
async def test_o01_set_display_message(sim201: Sim) -> None:
    assert await _set(sim201, _message(1, "Welcome to the station")) == "Accepted"
    assert _shown(sim201) == [1]
    [count] = await get_variables(
        sim201, (component("DisplayMessageCtrlr"), variable("DisplayMessages"), None)
    )
    assert count["attributeValue"] == "1"


@pytest.mark.octt201("TC_O_02")
async def test_o02_get_all_display_messages(sim201: Sim) -> None:
    first = _message(1, "one", state="Idle", endDateTime=_at(sim201, 3600))
    assert await _set(sim201, first) == "Accepted"
    assert await _set(sim201, _message(2, "two", "InFront")) == "Accepted"
    status, [part] = await _get(sim201, 5)
    assert status == "Accepted"
    assert part["tbc"] is False
    assert part["messageInfo"] == [first, _message(2, "two", "InFront")]  # as the CSMS set them


async def test_o04_many_messages_come_in_parts(sim201: Sim) -> None:
    for n in range(1, 11):
        assert await _set(sim201, _message(n, f"message {n}")) == "Accepted"
    status, parts = await _get(sim201, 6)
    assert status == "Accepted"
    assert [p["tbc"] for p in parts] == [True, False]
    assert _ids(parts) == list(range(1, 11))


@pytest.mark.octt201("TC_O_03")
async def test_o03_get_all_none_configured(sim201: Sim) -> None:
    assert await _get(sim201, 7) == ("Unknown", [])


@pytest.mark.octt201("TC_O_04")
async def test_o04_clear_display_message(sim201: Sim) -> None:
    assert await _set(sim201, _message(3)) == "Accepted"
    assert await call(sim201, "ClearDisplayMessage", {"id": 3}) == {"status": "Accepted"}
    assert await _get(sim201, 8) == ("Unknown", [])
    assert _shown(sim201) == []


@pytest.mark.octt201("TC_O_05")
async def test_o05_clear_unknown_message(sim201: Sim) -> None:
    assert await _set(sim201, _message(3)) == "Accepted"
    assert await call(sim201, "ClearDisplayMessage", {"id": 4}) == {"status": "Unknown"}
    assert _ids((await _get(sim201, 9))[1]) == [3]


# ---------------------------------------------------------------- O02: for a transaction


@pytest.mark.octt201("TC_O_06")
async def test_o06_message_for_a_transaction(sim201: Sim) -> None:
    started = await local_session(sim201)
    tx = started["transactionInfo"]["transactionId"]
    assert await _set(sim201, _message(10, "Charging at 11 kW", transactionId=tx)) == "Accepted"
    assert _shown(sim201) == [10]
    await sim201.cmd("tag 12345678")  # the driver ends the transaction: its message goes (O02)
    assert await _get(sim201, 10) == ("Unknown", [])
    assert _shown(sim201) == []


@pytest.mark.octt201("TC_O_10")
async def test_o10_message_for_an_unknown_transaction(sim201: Sim) -> None:
    assert await _set(sim201, _message(11, transactionId="999")) == "UnknownTransaction"
    assert await _get(sim201, 11) == ("Unknown", [])


# ---------------------------------------------------------------- O03: criteria


async def _three(sim: Sim) -> None:
    assert await _set(sim, _message(1, "a", "NormalCycle", state="Idle")) == "Accepted"
    assert await _set(sim, _message(2, "b", "InFront", state="Charging")) == "Accepted"
    assert await _set(sim, _message(3, "c", "InFront")) == "Accepted"


@pytest.mark.octt201("TC_O_07")
async def test_o07_get_by_id(sim201: Sim) -> None:
    await _three(sim201)
    status, parts = await _get(sim201, 12, id=[1, 3])
    assert (status, _ids(parts)) == ("Accepted", [1, 3])


@pytest.mark.octt201("TC_O_08")
async def test_o08_get_by_priority(sim201: Sim) -> None:
    await _three(sim201)
    status, parts = await _get(sim201, 13, priority="InFront")
    assert (status, _ids(parts)) == ("Accepted", [2, 3])


@pytest.mark.octt201("TC_O_09")
async def test_o09_get_by_state(sim201: Sim) -> None:
    await _three(sim201)
    status, parts = await _get(sim201, 14, state="Charging")
    assert (status, _ids(parts)) == ("Accepted", [2])


@pytest.mark.octt201("TC_O_11")
async def test_o11_get_with_unknown_parameters(sim201: Sim) -> None:
    await _three(sim201)
    assert await _get(sim201, 15, id=[7]) == ("Unknown", [])
    assert await _get(sim201, 16, priority="AlwaysFront") == ("Unknown", [])
    assert await _get(sim201, 17, state="Faulted") == ("Unknown", [])


@pytest.mark.octt201("TC_O_33")
async def test_o33_get_specific_none_configured(sim201: Sim) -> None:
    assert await _get(sim201, 18, id=[1]) == ("Unknown", [])


@pytest.mark.octt201("TC_O_34")
async def test_o34_known_id_other_state(sim201: Sim) -> None:
    await _three(sim201)
    assert await _get(sim201, 19, id=[1], state="Charging") == ("Unknown", [])


@pytest.mark.octt201("TC_O_35")
async def test_o35_known_id_other_priority(sim201: Sim) -> None:
    await _three(sim201)
    assert await _get(sim201, 20, id=[1], priority="AlwaysFront") == ("Unknown", [])


# ---------------------------------------------------------------- O06, validity, refusals


@pytest.mark.octt201("TC_O_12")
async def test_o12_replace_display_message(sim201: Sim) -> None:
    assert await _set(sim201, _message(4, "old")) == "Accepted"
    assert await _set(sim201, _message(4, "new", "InFront")) == "Accepted"
    _, [part] = await _get(sim201, 21)
    assert part["messageInfo"] == [_message(4, "new", "InFront")]


@pytest.mark.octt201("TC_O_13")
async def test_o13_display_at_start_time(sim201: Sim) -> None:
    assert await _set(sim201, _message(5, "later", startDateTime=_at(sim201, 120))) == "Accepted"
    assert _shown(sim201) == []
    await sim201.advance(121)
    assert _shown(sim201) == [5]


@pytest.mark.octt201("TC_O_14")
async def test_o14_removed_after_end_time(sim201: Sim) -> None:
    assert await _set(sim201, _message(6, "briefly", endDateTime=_at(sim201, 120))) == "Accepted"
    assert _shown(sim201) == [6]
    await sim201.advance(121)
    assert _shown(sim201) == []
    assert await _get(sim201, 22) == ("Unknown", [])


@pytest.mark.octt201("TC_O_17")
async def test_o17_not_supported_priority(sim201: Sim) -> None:
    # A display without a front position (DisplayMessageCtrlr.SupportedPriorities, read-only: the INI's).
    sim201.station.charger.config.load("DisplayMessageCtrlr.SupportedPriorities", "NormalCycle")
    assert await _set(sim201, _message(7, priority="AlwaysFront")) == "NotSupportedPriority"
    assert await _set(sim201, _message(7, priority="NormalCycle")) == "Accepted"


@pytest.mark.octt201("TC_O_19")
async def test_o19_not_supported_message_format(sim201: Sim) -> None:
    [formats] = await get_variables(
        sim201, (component("DisplayMessageCtrlr"), variable("SupportedFormats"), None)
    )
    assert formats["attributeValue"] == "ASCII,UTF8"
    html = _message(8)
    html["message"] = {"format": "HTML", "content": "<b>Welcome</b>"}
    assert await _set(sim201, html) == "NotSupportedMessageFormat"
    assert await _get(sim201, 23) == ("Unknown", [])


async def test_o01_rejected_when_disabled_or_full(sim201: Sim) -> None:
    for n in range(1, 17):
        assert await _set(sim201, _message(n)) == "Accepted"
    assert await _set(sim201, _message(17)) == "Rejected"  # DisplayMessages maxLimit
    assert await _set(sim201, _message(16, "replaced")) == "Accepted"  # replacing needs no room
    sim201.station.charger.config.load("DisplayMessageCtrlr.Enabled", "false")
    assert await _set(sim201, _message(1)) == "Rejected"


# ---------------------------------------------------------------- priorities on the display


@pytest.mark.octt201("TC_O_22")
async def test_o22_multiple_in_front(sim201: Sim) -> None:
    assert await _set(sim201, _message(1, "cycle")) == "Accepted"
    assert await _set(sim201, _message(2, "front 1", "InFront")) == "Accepted"
    assert await _set(sim201, _message(3, "front 2", "InFront")) == "Accepted"
    assert _shown(sim201) == [2, 3]  # cycled in front of the NormalCycle message


@pytest.mark.octt201("TC_O_24")
async def test_o24_second_always_front(sim201: Sim) -> None:
    assert await _set(sim201, _message(1, "front", "InFront")) == "Accepted"
    assert await _set(sim201, _message(2, "first", "AlwaysFront")) == "Accepted"
    assert _shown(sim201) == [2]
    assert await _set(sim201, _message(3, "second", "AlwaysFront")) == "Accepted"
    assert _shown(sim201) == [3]  # the newer AlwaysFront replaces the older on the display
    assert await call(sim201, "ClearDisplayMessage", {"id": 3}) == {"status": "Accepted"}
    assert _shown(sim201) == [2]


async def test_o_state_bound_message_follows_the_station(sim201: Sim) -> None:
    assert await _set(sim201, _message(1, "idle", state="Idle")) == "Accepted"
    assert await _set(sim201, _message(2, "charging", state="Charging")) == "Accepted"
    assert _shown(sim201) == [1]
    await local_session(sim201)
    assert _shown(sim201) == [2]


async def test_o_bad_set_display_message_gets_a_call_error(sim201: Sim) -> None:
    bad_time = _message(1, startDateTime="tomorrow")
    bad_priority = _message(2, priority="Loudest")
    got = []
    for info in (bad_time, bad_priority):
        answer = await sim201.csms.call(sim201.id, "SetDisplayMessage", {"message": info})
        assert isinstance(answer, CallError), answer
        got.append(answer.code)
    assert got == ["TypeConstraintViolation", "PropertyConstraintViolation"]
    assert await _get(sim201, 30) == ("Unknown", [])
