"""The monitoring block's requests as OCPP 2.0.1 payloads (N02 NotifyMonitoringReport, N07/N08
NotifyEvent; the schemas of ocpp/v201 win for fields)."""

from __future__ import annotations

from typing import Any

from ocppsim.model.device_model.variables import VariableSpec
from ocppsim.model.monitoring.monitors import Monitor
from ocppsim.model.monitoring.requests import EventData, NotifyEventReq, NotifyMonitoringReportReq
from ocppsim.ocpp16.convert import format_time

__all__ = ["component_payload", "monitoring_payload", "variable_payload"]

Payload = dict[str, Any]


def component_payload(spec: VariableSpec) -> Payload:
    component: Payload = {"name": spec.component}
    if spec.evse is not None:
        component["evse"] = {"id": spec.evse}
        if spec.connector is not None:
            component["evse"]["connectorId"] = spec.connector
    return component


def variable_payload(spec: VariableSpec) -> Payload:
    variable: Payload = {"name": spec.variable}
    if spec.instance is not None:
        variable["instance"] = spec.instance
    return variable


def _event(event: EventData) -> Payload:
    monitor = event.monitor
    data: Payload = {
        "eventId": event.event_id,
        "timestamp": format_time(event.timestamp),
        "trigger": event.trigger,
        "actualValue": event.actual_value,
        "component": component_payload(monitor.spec),
        "variable": variable_payload(monitor.spec),
        "variableMonitoringId": monitor.id,  # N07.FR.06
        "eventNotificationType": monitor.kind.value,
    }
    if monitor.is_threshold:
        data["cleared"] = event.cleared
    if event.tech_code is not None:
        data["techCode"] = event.tech_code[:50]
    if event.tech_info is not None:
        data["techInfo"] = event.tech_info[:500]
    if event.tx_ref is not None:
        data["transactionId"] = str(event.tx_ref)  # the station's transactionId (convert.transaction_id)
    return data


def _monitoring_data(monitors: tuple[Monitor, ...]) -> list[Payload]:
    """MonitoringDataType: the monitors of each variable together, in the order first seen."""
    grouped: dict[VariableSpec, list[Monitor]] = {}
    for monitor in monitors:
        grouped.setdefault(monitor.spec, []).append(monitor)
    return [
        {
            "component": component_payload(spec),
            "variable": variable_payload(spec),
            "variableMonitoring": [
                {
                    "id": m.id,
                    "transaction": m.transaction,
                    "value": m.value,
                    "type": m.type.value,
                    "severity": m.severity,
                }
                for m in group
            ],
        }
        for spec, group in grouped.items()
    ]


def monitoring_payload(req: object) -> tuple[str, Payload] | None:
    """Action and payload of the monitoring requests (None: not one of them)."""
    if isinstance(req, NotifyEventReq):
        return "NotifyEvent", {
            "generatedAt": format_time(req.generated_at),
            "seqNo": req.seq_no,
            "tbc": req.tbc,
            "eventData": [_event(event) for event in req.events],
        }
    if isinstance(req, NotifyMonitoringReportReq):
        payload: Payload = {
            "requestId": req.request_id,
            "generatedAt": format_time(req.generated_at),
            "seqNo": req.seq_no,
            "tbc": req.tbc,
        }
        if req.monitors:
            payload["monitor"] = _monitoring_data(req.monitors)
        return "NotifyMonitoringReport", payload
    return None
