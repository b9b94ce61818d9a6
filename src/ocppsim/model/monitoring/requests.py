"""The monitoring block's CP->CS requests (OCPP 2.0.1 N02 NotifyMonitoringReport, N07/N08 NotifyEvent);
the 2.0.1 adapter turns them into payloads (ocpp201/monitoring_payloads.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ocppsim.model.monitoring.monitors import Monitor
from ocppsim.model.outgoing import Request
from ocppsim.model.types import Timestamp

__all__ = ["EventData", "NotifyEventReq", "NotifyMonitoringReportReq"]


@dataclass(frozen=True, slots=True)
class EventData:
    """One event (EventDataType): the monitor that raised it and the value it saw."""

    event_id: int
    timestamp: Timestamp
    trigger: str  # EventTriggerEnumType: Alerting (thresholds), Delta, Periodic
    actual_value: str
    monitor: Monitor
    cleared: bool = False  # a threshold's value is back within it (N07.FR.02)
    tech_code: str | None = None
    tech_info: str | None = None
    tx_ref: int | None = None  # the transaction running on the monitored EVSE, if any


@dataclass(frozen=True, slots=True)
class NotifyEventReq(Request):
    """One part of a notification (seqNo from 0, tbc on all but the last: N07.FR.07, N08.FR.04).
    `queued`: raised by a monitor of OfflineQueuingSeverity or more severe, so it is kept through an
    outage and sent when the station is back online (N07.FR.04, N08.FR.03), journaled as the
    transaction messages are."""

    ACTION: ClassVar[str] = "NotifyEvent"
    generated_at: Timestamp
    seq_no: int
    tbc: bool
    events: tuple[EventData, ...]
    queued: bool = False

    @property
    def transaction_related(self) -> bool:
        return self.queued


@dataclass(frozen=True, slots=True)
class NotifyMonitoringReportReq(Request):
    """One part of a monitoring report (N02): parts numbered from 0, `tbc` on all but the last."""

    ACTION: ClassVar[str] = "NotifyMonitoringReport"
    request_id: int
    generated_at: Timestamp
    seq_no: int
    tbc: bool
    monitors: tuple[Monitor, ...]
