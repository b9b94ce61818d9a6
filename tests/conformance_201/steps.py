"""Steps the 2.0.1 cases share: the CSMS's calls as the test tool makes them (answers checked to be
CALLRESULTs), the device model's get and set, a local session."""

from __future__ import annotations

from typing import Any

from conftest import Sim
from ocppsim.ocpp16.framing import CallResult

Payload = dict[str, Any]


async def call(sim: Sim, action: str, payload: Payload) -> Payload:
    answer = await sim.csms.call(sim.id, action, payload)
    assert isinstance(answer, CallResult), f"{action}: {answer}"
    await sim.quiet()
    return answer.payload


def component(name: str, evse: int | None = None, connector: int | None = None) -> Payload:
    result: Payload = {"name": name}
    if evse is not None:
        result["evse"] = {"id": evse} if connector is None else {"id": evse, "connectorId": connector}
    return result


def variable(name: str, instance: str | None = None) -> Payload:
    return {"name": name} if instance is None else {"name": name, "instance": instance}


async def get_variables(sim: Sim, *items: tuple[Payload, Payload, str | None]) -> list[Payload]:
    data = []
    for comp, var, attribute in items:
        item: Payload = {"component": comp, "variable": var}
        if attribute is not None:
            item["attributeType"] = attribute
        data.append(item)
    result: list[Payload] = (await call(sim, "GetVariables", {"getVariableData": data}))["getVariableResult"]
    return result


async def set_variables(sim: Sim, *items: tuple[Payload, Payload, str, str | None]) -> list[Payload]:
    data = []
    for comp, var, value, attribute in items:
        item: Payload = {"component": comp, "variable": var, "attributeValue": value}
        if attribute is not None:
            item["attributeType"] = attribute
        data.append(item)
    result: list[Payload] = (await call(sim, "SetVariables", {"setVariableData": data}))["setVariableResult"]
    return result


def events(sim: Sim, since: int = 0) -> list[Payload]:
    return [f.payload for f in sim.calls("TransactionEvent", since)]


def statuses(sim: Sim, since: int = 0) -> list[tuple[int, str]]:
    return [
        (f.payload["evseId"], f.payload["connectorStatus"]) for f in sim.calls("StatusNotification", since)
    ]


async def local_session(sim: Sim, tag: str = "12345678") -> Payload:
    """EVConnectedPreSession then Authorized (part 6 reusable states): the Started event."""
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd(f"tag {tag}")
    started = [e for e in events(sim, mark) if e["eventType"] == "Started"]
    assert len(started) == 1, events(sim, mark)
    return started[0]


def report_parts(sim: Sim, request_id: int, since: int = 0) -> list[Payload]:
    return [f.payload for f in sim.calls("NotifyReport", since) if f.payload["requestId"] == request_id]
