"""The device model's CS->CP operations (OCPP 2.0.1 B05 SetVariables, B06 GetVariables, B07
GetBaseReport, B08 GetReport) over model/device_model/: unknown components and variables are
attributeStatus answers, never CallErrors (B06.FR.03-04). GetVariables beyond ItemsPerMessage answers
the extra items Rejected (TC_B_08); SetVariables beyond it is refused whole with CALLERROR
OccurrenceConstraintViolation (part 4 Table 8: a payload that breaks an occurrence limit)."""

from __future__ import annotations

from typing import Any

from ocppsim.model.device_model.block import ComponentRef, DeviceModel, VariableRef
from ocppsim.model.device_model.variables import AttributeType, VariableSpec
from ocppsim.model.outgoing import NotifyReportReq
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.handlers.call_error import Handler, OcppCallError, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _component(p: Payload) -> ComponentRef:
    evse = p.get("evse")
    return ComponentRef(
        p["name"],
        p.get("instance"),
        evse["id"] if evse else None,
        evse.get("connectorId") if evse else None,
    )


def _variable(p: Payload) -> VariableRef:
    return VariableRef(p["name"], p.get("instance"))


def _items_per_message(model: DeviceModel, operation: str, now: float) -> int:
    _, value = model.get_variable(
        ComponentRef("DeviceDataCtrlr"), VariableRef("ItemsPerMessage", operation), AttributeType.ACTUAL, now
    )
    return int(value or "1")


def _check_items(model: DeviceModel, operation: str, items: list[Any], now: float) -> None:
    limit = _items_per_message(model, operation, now)
    if len(items) > limit:
        raise OcppCallError(
            ErrorCode.OCCURRENCE_CONSTRAINT_VIOLATION,
            f"{len(items)} items; ItemsPerMessage[{operation}] is {limit}",
        )


def _get_variables(session: Session, p: Payload, now: float) -> Payload:
    model = session.charger.device_model(session.version.name)
    # B06.FR.05 / TC_B_08: beyond ItemsPerMessage[GetVariables] an item is Rejected (TooManyElements).
    limit = _items_per_message(model, "GetVariables", now)
    results = []
    for index, item in enumerate(p["getVariableData"]):
        attribute = AttributeType(item.get("attributeType", "Actual"))
        if index < limit:
            status, value = model.get_variable(
                _component(item["component"]), _variable(item["variable"]), attribute, now
            )
        else:
            status, value = "Rejected", None
        result: Payload = {
            "attributeStatus": status,
            "attributeType": attribute.value,
            "component": item["component"],
            "variable": item["variable"],
        }
        if index >= limit:
            result["attributeStatusInfo"] = {"reasonCode": "TooManyElements"}
        if value is not None:
            result["attributeValue"] = value[:2500]  # attributeValue is a string of at most 2500
        results.append(result)
    return {"getVariableResult": results}


def _set_variables(session: Session, p: Payload, now: float) -> Payload:
    model = session.charger.device_model(session.version.name)
    data = p["setVariableData"]
    _check_items(model, "SetVariables", data, now)
    results = []
    for item in data:
        attribute = AttributeType(item.get("attributeType", "Actual"))
        status = model.set_variable(
            _component(item["component"]), _variable(item["variable"]), attribute, item["attributeValue"], now
        )
        results.append(
            {
                "attributeStatus": status,
                "attributeType": attribute.value,
                "component": item["component"],
                "variable": item["variable"],
            }
        )
    return {"setVariableResult": results}


def _send_report(session: Session, request_id: int, specs: list[VariableSpec], now: float) -> None:
    """NotifyReport parts of ItemsPerMessage[GetReport] variables each, seqNo from 0, tbc but on the
    last (B07.FR.04-06). They are effects: they go after this CALLRESULT (B07.FR.03)."""
    charger = session.charger
    model = charger.device_model(session.version.name)
    size = _items_per_message(model, "GetReport", now)
    state = charger.state
    generated = state.ts(now)
    parts = [specs[i : i + size] for i in range(0, len(specs), size)]
    for seq_no, part in enumerate(parts):
        data = tuple(model.entry(spec, now) for spec in part)
        state.emit(NotifyReportReq(request_id, generated, seq_no, seq_no < len(parts) - 1, data))


def _get_base_report(session: Session, p: Payload, now: float) -> Payload:
    specs = session.charger.device_model(session.version.name).base_report(p["reportBase"])
    if specs is None:
        return {"status": "NotSupported"}
    _send_report(session, p["requestId"], specs, now)
    return {"status": "Accepted"}


def _get_report(session: Session, p: Payload, now: float) -> Payload:
    model = session.charger.device_model(session.version.name)
    selectors = [
        (_component(item["component"]), _variable(item["variable"]) if item.get("variable") else None)
        for item in p.get("componentVariable", [])
    ]
    specs = model.report(selectors, p.get("componentCriteria", []), now)
    if not specs:
        return {"status": "EmptyResultSet"}  # B08.FR.07
    _send_report(session, p["requestId"], specs, now)
    return {"status": "Accepted"}


HANDLERS: dict[str, Handler] = {
    "GetVariables": _get_variables,
    "SetVariables": _set_variables,
    "GetBaseReport": _get_base_report,
    "GetReport": _get_report,
}
