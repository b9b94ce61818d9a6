"""The monitoring CS->CP operations (OCPP 2.0.1 N02 GetMonitoringReport, N03 SetMonitoringBase, N04
SetVariableMonitoring, N05 SetMonitoringLevel, N06 ClearVariableMonitoring) over model/monitoring/.

An unknown component or variable is a per-item status (N04.FR.03-04), never a CallError. More items than
MonitoringCtrlr.ItemsPerMessage[<operation>] is refused whole with CALLERROR OccurrenceConstraintViolation,
more bytes than BytesPerMessage[<operation>] with FormatViolation (N06.FR.06-07; part 4 Table 8), as
SetVariables is (handlers/device_model.py); GetMonitoringReport's componentVariable is bounded by
DeviceDataCtrlr.ItemsPerMessage[GetReport] (N02.FR.07)."""

from __future__ import annotations

from typing import Any

import orjson

from ocppsim.model.device_model.block import ComponentRef, DeviceModel, VariableRef
from ocppsim.model.device_model.variables import AttributeType
from ocppsim.model.monitoring.block import Monitoring, MonitorRequest
from ocppsim.model.monitoring.monitors import Monitor, MonitorType
from ocppsim.model.monitoring.requests import NotifyMonitoringReportReq
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _component(p: Payload) -> ComponentRef:
    evse = p.get("evse")
    return ComponentRef(
        p["name"], p.get("instance"), evse["id"] if evse else None, evse.get("connectorId") if evse else None
    )


def _variable(p: Payload) -> VariableRef:
    return VariableRef(p["name"], p.get("instance"))


def _limit(model: DeviceModel, component: str, name: str, instance: str, now: float) -> int:
    _, value = model.get_variable(
        ComponentRef(component), VariableRef(name, instance), AttributeType.ACTUAL, now
    )
    return int(value or "1")


def _check_size(model: DeviceModel, operation: str, items: list[Any], payload: Payload, now: float) -> None:
    limit = _limit(model, "MonitoringCtrlr", "ItemsPerMessage", operation, now)
    if len(items) > limit:
        raise OcppCallError(
            ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
            f"{len(items)} items; ItemsPerMessage[{operation}] is {limit}",
        )
    size = len(orjson.dumps(payload))
    limit = _limit(model, "MonitoringCtrlr", "BytesPerMessage", operation, now)
    if size > limit:
        raise OcppCallError(
            ErrorCode.FORMAT_VIOLATION, f"{size} bytes; BytesPerMessage[{operation}] is {limit}"
        )


def _monitoring(session: Session) -> Monitoring:
    monitoring = session.charger.monitoring
    if monitoring is None:  # a charger built without the 2.0.1 device model
        raise OcppCallError(ErrorCode.NOT_SUPPORTED, "this charging station has no monitoring")
    return monitoring


def _set_variable_monitoring(session: Session, p: Payload, now: float) -> Payload:
    monitoring = _monitoring(session)
    model = session.charger.device_model(session.version.name)
    data = p["setMonitoringData"]
    _check_size(model, "SetVariableMonitoring", data, p, now)
    results = []
    for item in data:
        spec, unknown = model.find(_component(item["component"]), _variable(item["variable"]))
        monitor_id = item.get("id")
        if spec is None:
            assert unknown is not None
            status = unknown  # N04.FR.03, N04.FR.04
        else:
            request = MonitorRequest(
                spec,
                MonitorType(item["type"]),
                float(item["value"]),
                item["severity"],
                bool(item.get("transaction", False)),
                monitor_id,
            )
            status, monitor_id = monitoring.set_monitor(request)
        result: Payload = {
            "status": status,
            "type": item["type"],
            "severity": item["severity"],
            "component": item["component"],  # N04.FR.02: the same component and variable
            "variable": item["variable"],
        }
        if monitor_id is not None:
            result["id"] = monitor_id  # N04.FR.11: the id the station gave it
        results.append(result)
    return {"setMonitoringResult": results}


def _clear_variable_monitoring(session: Session, p: Payload, now: float) -> Payload:
    monitoring = _monitoring(session)
    model = session.charger.device_model(session.version.name)
    ids = p["id"]
    _check_size(model, "ClearVariableMonitoring", ids, p, now)
    # N06.FR.05: one result per id.
    return {"clearMonitoringResult": [{"id": i, "status": monitoring.clear(i)} for i in ids]}


def _set_monitoring_base(session: Session, p: Payload, now: float) -> Payload:
    return {"status": _monitoring(session).set_base(p["monitoringBase"])}


def _set_monitoring_level(session: Session, p: Payload, now: float) -> Payload:
    return {"status": _monitoring(session).set_level(p["severity"])}


def _get_monitoring_report(session: Session, p: Payload, now: float) -> Payload:
    monitoring = _monitoring(session)
    charger = session.charger
    model = charger.device_model(session.version.name)
    selectors = [
        (_component(item["component"]), _variable(item["variable"]) if item.get("variable") else None)
        for item in p.get("componentVariable", [])
    ]
    size = _limit(model, "DeviceDataCtrlr", "ItemsPerMessage", "GetReport", now)
    if len(selectors) > size:
        raise OcppCallError(
            ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
            f"{len(selectors)} componentVariable items; ItemsPerMessage[GetReport] is {size}",
        )
    monitors = monitoring.report(p.get("monitoringCriteria", []), selectors)
    if monitors is None:
        return {"status": "NotSupported"}  # N02.FR.02
    if not monitors:
        return {"status": "EmptyResultSet"}  # N02.FR.10
    _send_report(session, p["requestId"], monitors, size, now)
    return {"status": "Accepted"}


def _send_report(session: Session, request_id: int, monitors: list[Monitor], size: int, now: float) -> None:
    """NotifyMonitoringReport parts of ItemsPerMessage[GetReport] variables each (a variable's monitors
    stay together), seqNo from 0 (N02.FR.09), tbc but on the last; effects: after this CALLRESULT."""
    state = session.charger.state
    parts: list[list[Monitor]] = []
    seen: dict[object, int] = {}
    for monitor in monitors:
        index = seen.get(monitor.spec)
        if index is None:
            if not parts or len({m.spec for m in parts[-1]}) >= size:
                parts.append([])
            index = seen[monitor.spec] = len(parts) - 1
        parts[index].append(monitor)
    generated = state.ts(now)
    for seq_no, part in enumerate(parts):
        state.emit(
            NotifyMonitoringReportReq(request_id, generated, seq_no, seq_no < len(parts) - 1, tuple(part))
        )


HANDLERS: dict[str, Handler] = {
    "SetVariableMonitoring": _set_variable_monitoring,
    "ClearVariableMonitoring": _clear_variable_monitoring,
    "SetMonitoringBase": _set_monitoring_base,
    "SetMonitoringLevel": _set_monitoring_level,
    "GetMonitoringReport": _get_monitoring_report,
}
