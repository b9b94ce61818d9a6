"""Functional block N (diagnostics), monitoring: N02 GetMonitoringReport, N03 SetMonitoringBase, N04
SetVariableMonitoring, N05 SetMonitoringLevel, N06 ClearVariableMonitoring, N07 alert events, N08
periodic events, end to end against the built-in CSMS (which checks every frame against the 2.0.1
schemas).

These use cases belong to the Advanced Device Management certification profile (part 5), whose test
cases are not in the part 6 edition at hand (Core and Advanced Security); the tests play each use case's
requirements (quoted in the model's block, model/monitoring/block.py) as an OCTT case would: the CSMS's
request, the station's answer, the messages it sends after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from conformance_201.steps import call, component, events, variable
from conftest import Sim
from ocppsim.ocpp16.framing import CallError

Payload = dict[str, Any]

POWER = (component("EVSE", 1), variable("Power"))
CONNECTOR_STATE = (component("Connector", 1, 1), variable("AvailabilityState"))


def monitor(place: tuple[Payload, Payload], kind: str, value: float, severity: int, **extra: Any) -> Payload:
    comp, var = place
    return {"component": comp, "variable": var, "type": kind, "value": value, "severity": severity, **extra}


async def set_monitoring(sim: Sim, *items: Payload) -> list[Payload]:
    answer = await call(sim, "SetVariableMonitoring", {"setMonitoringData": list(items)})
    results: list[Payload] = answer["setMonitoringResult"]
    return results


def event_data(sim: Sim, since: int) -> list[Payload]:
    return [e for f in sim.calls("NotifyEvent", since) for e in f.payload["eventData"]]


async def report(sim: Sim, request_id: int, **filters: Any) -> tuple[str, list[Payload]]:
    """GetMonitoringReport: its status and the NotifyMonitoringReport parts that followed."""
    mark = sim.mark()
    answer = await call(sim, "GetMonitoringReport", {"requestId": request_id, **filters})
    parts = [f.payload for f in sim.calls("NotifyMonitoringReport", mark)]
    return answer["status"], parts


def monitor_ids(parts: list[Payload]) -> list[int]:
    return [m["id"] for part in parts for data in part.get("monitor", []) for m in data["variableMonitoring"]]


@pytest.mark.octt201("N04")
async def test_n04_set_variable_monitoring_statuses(sim201: Sim) -> None:
    results = await set_monitoring(
        sim201,
        monitor(POWER, "UpperThreshold", 5000, 4),
        monitor((component("NoSuchCtrlr"), variable("Power")), "Delta", 1, 4),
        monitor((component("EVSE", 1), variable("NoSuchVariable")), "Delta", 1, 4),
        monitor(CONNECTOR_STATE, "UpperThreshold", 1, 4),
        monitor(POWER, "Delta", -5, 4),
        monitor(POWER, "UpperThreshold", 6000, 4),
        monitor(POWER, "Delta", 100, 4, id=999),
    )
    assert [r["status"] for r in results] == [
        "Accepted",  # N04.FR.08, with the id the station gave it (N04.FR.11)
        "UnknownComponent",  # N04.FR.03
        "UnknownVariable",  # N04.FR.04
        "UnsupportedMonitorType",  # N04.FR.05: no threshold on an OptionList
        "Rejected",  # N04.FR.14: a negative delta
        "Duplicate",  # N04.FR.10: same type and severity on the same variable
        "Rejected",  # N04.FR.13: no monitor has that id
    ]
    assert results[2]["component"] == {"name": "EVSE", "evse": {"id": 1}}  # N04.FR.02
    first = results[0]["id"]
    # N04.FR.12: the id replaces the monitor; N04.FR.18: a hard-wired one is never replaced.
    again = await set_monitoring(
        sim201,
        monitor(POWER, "UpperThreshold", 7000, 4, id=first),
        monitor((component("ChargingStation"), variable("Problem")), "Delta", 1, 1, id=1),
    )
    assert [(r["status"], r["id"]) for r in again] == [("Accepted", first), ("Rejected", 1)]


@pytest.mark.octt201("N02")
async def test_n02_monitoring_report_by_criteria_and_component(sim201: Sim) -> None:
    [upper, periodic] = await set_monitoring(
        sim201, monitor(POWER, "UpperThreshold", 5000, 4), monitor(POWER, "Periodic", 300, 7)
    )
    status, parts = await report(sim201, 7)  # N02.FR.11: every monitor
    assert status == "Accepted"
    assert monitor_ids(parts) == [1, 2, 11, upper["id"], periodic["id"]]
    assert [(p["requestId"], p["seqNo"], p.get("tbc", False)) for p in parts] == [(7, 0, False)]
    [power] = [d for d in parts[0]["monitor"] if d["variable"]["name"] == "Power"]
    assert power["component"] == {"name": "EVSE", "evse": {"id": 1}}
    assert power["variableMonitoring"][0] == {
        "id": upper["id"],
        "transaction": False,
        "value": 5000.0,
        "type": "UpperThreshold",
        "severity": 4,
    }
    status, parts = await report(sim201, 8, monitoringCriteria=["ThresholdMonitoring"])  # N02.FR.12
    assert (status, monitor_ids(parts)) == ("Accepted", [upper["id"]])
    status, parts = await report(sim201, 9, monitoringCriteria=["PeriodicMonitoring", "DeltaMonitoring"])
    assert monitor_ids(parts) == [1, 2, 11, periodic["id"]]
    # N02.FR.16 / N02.FR.19: a component without EVSE or variable selects all of them.
    status, parts = await report(sim201, 10, componentVariable=[{"component": {"name": "Connector"}}])
    assert (status, monitor_ids(parts)) == ("Accepted", [11])
    status, parts = await report(
        sim201,
        11,
        monitoringCriteria=["ThresholdMonitoring"],
        componentVariable=[{"component": {"name": "Connector"}}],
    )
    assert (status, parts) == ("EmptyResultSet", [])  # N02.FR.10


@pytest.mark.octt201("N02.FR.09")
async def test_n02_report_parts_follow_items_per_message(sim201: Sim) -> None:
    """60 monitored variables more: the report comes in parts of ItemsPerMessage[GetReport] (50)
    variables, seqNo from 0 (N02.FR.09), tbc on all but the last."""
    specs = [s for s in sim201.station.charger.device_model().specs if s.data_type.value != "dateTime"]
    places = [(component(s.component, s.evse, s.connector), variable(s.variable, s.instance)) for s in specs]
    for start in range(0, 60, 20):  # ItemsPerMessage[SetVariableMonitoring] is 20
        batch = [monitor(place, "Periodic", 3600, 5) for place in places[start : start + 20]]
        assert {r["status"] for r in await set_monitoring(sim201, *batch)} == {"Accepted"}
    status, parts = await report(sim201, 12)
    assert status == "Accepted"
    # 61 variables: ChargingStation's AvailabilityState and Problem are among the 60 and have their
    # station monitors already (one MonitoringDataType each), the connector's is the 61st.
    assert [(p["seqNo"], p["tbc"], len(p["monitor"])) for p in parts] == [(0, True, 50), (1, False, 11)]
    assert len(monitor_ids(parts)) == 63  # the three monitors the station came with, and these


@pytest.mark.octt201("N03")
async def test_n03_monitoring_bases(sim201: Sim) -> None:
    [custom] = await set_monitoring(sim201, monitor(POWER, "Delta", 500, 5))
    assert (await call(sim201, "SetMonitoringBase", {"monitoringBase": "HardWiredOnly"})) == {
        "status": "Accepted"
    }
    assert monitor_ids((await report(sim201, 1))[1]) == [1]  # N03.FR.05
    assert (await call(sim201, "SetMonitoringBase", {"monitoringBase": "FactoryDefault"})) == {
        "status": "Accepted"
    }
    assert monitor_ids((await report(sim201, 2))[1]) == [1, 11]  # N03.FR.04: custom ones removed
    [custom] = await set_monitoring(sim201, monitor(POWER, "Delta", 500, 5))
    assert (await call(sim201, "SetMonitoringBase", {"monitoringBase": "All"})) == {"status": "Accepted"}
    assert monitor_ids((await report(sim201, 3))[1]) == [1, 2, 11, custom["id"]]  # N03.FR.03
    got = await call(
        sim201,
        "GetVariables",
        {
            "getVariableData": [
                {"component": {"name": "MonitoringCtrlr"}, "variable": {"name": "ActiveMonitoringBase"}},
                {"component": {"name": "MonitoringCtrlr"}, "variable": {"name": "MonitoringBase"}},
            ]
        },
    )
    assert [r["attributeValue"] for r in got["getVariableResult"]] == ["All", "All"]


@pytest.mark.octt201("N05")
async def test_n05_monitoring_level(sim201: Sim) -> None:
    assert await call(sim201, "SetMonitoringLevel", {"severity": 10}) == {"status": "Rejected"}  # N05.FR.02
    assert await call(sim201, "SetMonitoringLevel", {"severity": 4}) == {"status": "Accepted"}
    mark = sim201.mark()
    await sim201.cmd("plugin")  # the connector's monitor is severity 8: not reported (N05.FR.03)
    assert event_data(sim201, mark) == []
    await sim201.cmd("fault GroundFailure")  # the hard-wired Problem monitor is severity 2
    assert [e["variable"]["name"] for e in event_data(sim201, mark)] == ["Problem"]
    got = await call(
        sim201,
        "GetVariables",
        {
            "getVariableData": [
                {"component": {"name": "MonitoringCtrlr"}, "variable": {"name": "ActiveMonitoringLevel"}}
            ]
        },
    )
    assert got["getVariableResult"][0]["attributeValue"] == "4"


@pytest.mark.octt201("N06")
async def test_n06_clear_variable_monitoring(sim201: Sim) -> None:
    [custom] = await set_monitoring(sim201, monitor(POWER, "Delta", 500, 5))
    answer = await call(sim201, "ClearVariableMonitoring", {"id": [custom["id"], 4242, 1, 11]})
    assert answer["clearMonitoringResult"] == [
        {"id": custom["id"], "status": "Accepted"},  # N06.FR.01
        {"id": 4242, "status": "NotFound"},  # N06.FR.02
        {"id": 1, "status": "Rejected"},  # N06.FR.03: the station's own monitors
        {"id": 11, "status": "Rejected"},
    ]
    # N06.FR.06: more ids than ItemsPerMessage[ClearVariableMonitoring] (20) is refused whole.
    too_many = await sim201.csms.call(sim201.id, "ClearVariableMonitoring", {"id": list(range(1, 22))})
    assert isinstance(too_many, CallError) and too_many.code == "OccurrenceConstraintViolation"
    items = [monitor(POWER, "Delta", 500 + i, 5) for i in range(21)]
    too_many = await sim201.csms.call(sim201.id, "SetVariableMonitoring", {"setMonitoringData": items})
    assert isinstance(too_many, CallError) and too_many.code == "OccurrenceConstraintViolation"


@pytest.mark.octt201("N07")
async def test_n07_events_without_any_set_up(sim201: Sim) -> None:
    """MonitoringBase All from the start: the pre-configured connector monitor and the hard-wired
    Problem monitor report status changes and faults (errata 2023-06 2.8.1, N07.FR.19)."""
    mark = sim201.mark()
    await sim201.cmd("plugin")
    [notify] = [f.payload for f in sim201.calls("NotifyEvent", mark)]
    assert (notify["seqNo"], notify["tbc"]) == (0, False)  # N07.FR.07
    [event] = notify["eventData"]
    assert {
        k: event[k] for k in ("trigger", "actualValue", "eventNotificationType", "variableMonitoringId")
    } == {
        "trigger": "Delta",
        "actualValue": "Occupied",
        "eventNotificationType": "PreconfiguredMonitor",
        "variableMonitoringId": 11,
    }
    assert (event["component"], event["variable"]) == (
        {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
        {"name": "AvailabilityState"},
    )  # N07.FR.06
    mark = sim201.mark()
    await sim201.cmd("fault GroundFailure RCD tripped")
    faults = {e["variable"]["name"]: e for e in event_data(sim201, mark)}
    assert faults["Problem"]["eventNotificationType"] == "HardWiredMonitor"
    assert (faults["Problem"]["actualValue"], faults["Problem"]["techCode"]) == ("true", "GroundFailure")
    assert faults["AvailabilityState"]["actualValue"] == "Faulted"
    ids = [e["eventId"] for e in event_data(sim201, 0)]
    assert len(set(ids)) == len(ids)


@pytest.mark.octt201("N07.FR.16")
async def test_n07_threshold_alert_and_clear(sim201: Sim) -> None:
    [upper] = await set_monitoring(sim201, monitor(POWER, "UpperThreshold", 1000, 3))
    mark = sim201.mark()
    await sim201.cmd("plugin")
    await sim201.cmd("tag VALID1")
    alerts = [e for e in event_data(sim201, mark) if e["variableMonitoringId"] == upper["id"]]
    assert [(e["trigger"], e["cleared"], e["eventNotificationType"]) for e in alerts] == [
        ("Alerting", False, "CustomMonitor")
    ]
    assert float(alerts[0]["actualValue"]) > 1000  # N07.FR.16: beyond the threshold
    [started] = [e for e in events(sim201, mark) if e["eventType"] == "Started"]
    assert alerts[0]["transactionId"] == started["transactionInfo"]["transactionId"]
    mark = sim201.mark()
    await sim201.cmd("unplug")
    cleared = [e for e in event_data(sim201, mark) if e["variableMonitoringId"] == upper["id"]]
    assert [(e["trigger"], e["cleared"], e["actualValue"]) for e in cleared] == [("Alerting", True, "0")]


@pytest.mark.octt201("N08")
async def test_n08_periodic_event(sim201: Sim) -> None:
    [periodic] = await set_monitoring(sim201, monitor(POWER, "Periodic", 60, 7))
    mark = sim201.mark()
    await sim201.advance(59)
    assert event_data(sim201, mark) == []
    await sim201.advance(2)
    [event] = event_data(sim201, mark)
    assert (event["trigger"], event["variableMonitoringId"], event["actualValue"]) == (
        "Periodic",
        periodic["id"],
        "0",
    )
    await sim201.advance(60)
    assert len(event_data(sim201, mark)) == 2  # N08.FR.06: every 60 s since the last


@pytest.mark.octt201("N07.FR.04")
async def test_n07_offline_events_queued_by_severity(sim201: Sim) -> None:
    """N07.FR.04: offline, events of OfflineQueuingSeverity (2) or more severe wait for the connection;
    the connector's (8) are dropped."""
    sim201.csms.charger_ids = set()  # the station's reconnects are refused for now
    await sim201.csms.disconnect(sim201.id)
    for _ in range(100):
        if not sim201.station.online:
            break
        await asyncio.sleep(0.01)
    mark = sim201.mark()
    await sim201.conn.command("plugin")
    await sim201.conn.command("fault GroundFailure")
    sim201.csms.charger_ids = None
    for _ in range(60):
        await sim201.clock.advance(1)
        await asyncio.sleep(0.01)
        if sim201.station.online:
            break
    await sim201.quiet()
    delivered = event_data(sim201, mark)
    assert [(e["variable"]["name"], e["actualValue"]) for e in delivered] == [("Problem", "true")]


@pytest.mark.octt201("N07.FR.13")
async def test_n04_monitors_survive_a_restart(sim201_factory: Any) -> None:
    """Variable monitoring settings persist across a reboot (N04 use case, N07.FR.13)."""
    sim: Sim = await sim201_factory()
    [custom] = await set_monitoring(sim, monitor(POWER, "UpperThreshold", 4000, 3, transaction=True))
    assert await call(sim, "SetMonitoringLevel", {"severity": 6}) == {"status": "Accepted"}
    again: Sim = await sim201_factory()  # same store, new process state
    status, parts = await report(again, 5, monitoringCriteria=["ThresholdMonitoring"])
    assert status == "Accepted"
    [data] = parts[0]["monitor"]
    assert data["variableMonitoring"] == [
        {"id": custom["id"], "transaction": True, "value": 4000.0, "type": "UpperThreshold", "severity": 3}
    ]
    got = await call(
        again,
        "GetVariables",
        {
            "getVariableData": [
                {"component": {"name": "MonitoringCtrlr"}, "variable": {"name": "MonitoringLevel"}}
            ]
        },
    )
    assert got["getVariableResult"][0]["attributeValue"] == "6"


async def test_a_charger_offering_both_versions_speaks_1_6_without_notify_event(sim_factory: Any) -> None:
    """A charger offering 1.6 first keeps its device-model monitors, but 1.6 has no NotifyEvent: a status
    change goes out as the 1.6 StatusNotification only (ocpp16/wire.py)."""
    sim: Sim = await sim_factory(ocpp_versions=("1.6", "2.0.1"))
    assert sim.csms.version_of(sim.id) == "ocpp1.6"
    assert sim.station.charger.monitoring is not None
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd("fault GroundFailure")
    assert [a for a, _ in sim.sent(mark)] == ["StatusNotification", "StatusNotification"]
