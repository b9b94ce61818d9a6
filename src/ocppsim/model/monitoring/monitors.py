"""Variable monitors (OCPP 2.0.1 part 1 section 4.4, VariableMonitoringType): what a monitor watches,
how (MonitorEnumType), how severe its events are, and who installed it (EventNotificationEnumType):
hard-wired into the station, pre-configured by the manufacturer, or set by the CSMS.

Which monitor type suits which data type is part 1's table in section 4.4: thresholds need a number,
Delta takes every type, the periodic ones every type but dateTime."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from ocppsim.model.device_model.variables import DataType, VariableSpec

__all__ = [
    "NUMERIC",
    "Monitor",
    "MonitorKind",
    "MonitorType",
    "preconfigured",
    "supports",
]


class MonitorType(StrEnum):
    UPPER_THRESHOLD = "UpperThreshold"
    LOWER_THRESHOLD = "LowerThreshold"
    DELTA = "Delta"
    PERIODIC = "Periodic"
    PERIODIC_CLOCK_ALIGNED = "PeriodicClockAligned"


class MonitorKind(StrEnum):
    """EventNotificationEnumType of the events a monitor raises."""

    HARD_WIRED = "HardWiredMonitor"
    PRECONFIGURED = "PreconfiguredMonitor"
    CUSTOM = "CustomMonitor"


NUMERIC = frozenset({DataType.INTEGER, DataType.DECIMAL})
_THRESHOLDS = frozenset({MonitorType.UPPER_THRESHOLD, MonitorType.LOWER_THRESHOLD})
_PERIODIC = frozenset({MonitorType.PERIODIC, MonitorType.PERIODIC_CLOCK_ALIGNED})


def supports(spec: VariableSpec, kind: MonitorType) -> bool:
    """Part 1 section 4.4's table of monitor types per data type."""
    if kind in _THRESHOLDS:
        return spec.data_type in NUMERIC
    if kind in _PERIODIC:
        return spec.data_type is not DataType.DATETIME
    return True


@dataclass(frozen=True, slots=True)
class Monitor:
    id: int
    spec: VariableSpec  # the watched variable (its component, EVSE, connector and instance)
    type: MonitorType
    value: float
    severity: int  # 0 Danger .. 9 Debug (SetMonitoringLevel's scale)
    kind: MonitorKind = MonitorKind.CUSTOM
    transaction: bool = False  # only active while a transaction runs (VariableMonitoringType)
    factory_default: bool = False  # a pre-configured monitor of the FactoryDefault base (N03.FR.04)

    @property
    def is_threshold(self) -> bool:
        return self.type in _THRESHOLDS

    @property
    def is_periodic(self) -> bool:
        return self.type in _PERIODIC


def _find(
    specs: tuple[VariableSpec, ...], component: str, variable: str, evse: int | None, connector: int | None
) -> VariableSpec:
    return next(
        s
        for s in specs
        if s.component == component and s.variable == variable and s.evse == evse and s.connector == connector
    )


@functools.lru_cache(maxsize=64)
def preconfigured(specs: tuple[VariableSpec, ...], evses: int) -> tuple[Monitor, ...]:
    """The monitors this station comes with (AQ-5 / AQ-6 of part 5 ask a vendor to name them):

    - id 1, hard-wired: a Delta on ChargingStation.Problem (a fault appears or goes), severity 2
      (Critical); it cannot be replaced or cleared (N04.FR.18, N06.FR.03);
    - id 2, pre-configured (All only): a Delta on ChargingStation.AvailabilityState, severity 8;
    - id 10 + n, pre-configured and factory default: a Delta on the AvailabilityState of EVSE n's
      connector, severity 8 (Informational): the device-model way of reporting a connector status
      (errata 2023-06 2.8.1, G01 / N07.FR.19), so that a CSMS sees NotifyEvent without setting
      anything up.
    """
    hard = Monitor(
        1,
        _find(specs, "ChargingStation", "Problem", None, None),
        MonitorType.DELTA,
        1.0,
        2,
        MonitorKind.HARD_WIRED,
    )
    station = Monitor(
        2,
        _find(specs, "ChargingStation", "AvailabilityState", None, None),
        MonitorType.DELTA,
        1.0,
        8,
        MonitorKind.PRECONFIGURED,
    )
    connectors = tuple(
        Monitor(
            10 + evse,
            _find(specs, "Connector", "AvailabilityState", evse, 1),
            MonitorType.DELTA,
            1.0,
            8,
            MonitorKind.PRECONFIGURED,
            factory_default=True,
        )
        for evse in range(1, evses + 1)
    )
    return (hard, station, *connectors)
