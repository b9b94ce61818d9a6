"""MonitoringCtrlr (OCPP 2.0.1 part 2 appendices 3.1.11): the settings of the monitoring block, keys of
the charger's one key registry (persisted as every key is: a ConfigChanged effect).

The active base and level are changed by SetMonitoringBase / SetMonitoringLevel only (the variables are
ReadOnly); the installed custom monitors travel in one hidden key (JSON, no variable of its own) so that
they survive a reboot (N07.FR.13, N04 "all variable monitoring settings are persistent") without a table
of their own in the store."""

from __future__ import annotations

from typing import Final

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = [
    "ACTIVE_BASE",
    "ACTIVE_LEVEL",
    "ENABLED",
    "MONITORING_BASES",
    "MONITORING_KEYS",
    "MONITORS",
    "OFFLINE_QUEUING_SEVERITY",
]

ENABLED: Final = "MonitoringCtrlr.Enabled"
OFFLINE_QUEUING_SEVERITY: Final = "MonitoringCtrlr.OfflineQueuingSeverity"
ACTIVE_BASE: Final = "MonitoringCtrlr.ActiveMonitoringBase"
ACTIVE_LEVEL: Final = "MonitoringCtrlr.ActiveMonitoringLevel"
MONITORS: Final = "MonitoringCtrlr.Monitors"

# MonitoringBaseEnumType (part 2 appendices; N03).
MONITORING_BASES: Final = frozenset({"All", "FactoryDefault", "HardWiredOnly"})

MONITORING_KEYS: tuple[KeySpec, ...] = (
    KeySpec(ENABLED, KeyType.BOOL, "true"),
    # Severity 0 (Danger) .. 9 (Debug): events of a monitor at this severity or a more severe one (a
    # lower number) are queued while offline, the others dropped (N07.FR.04, N08.FR.03). 2 (Critical):
    # the hard-wired Problem monitor's events reach the CSMS after an outage.
    KeySpec(OFFLINE_QUEUING_SEVERITY, KeyType.INT, "2", maximum=9),
    KeySpec(ACTIVE_BASE, KeyType.STRING, "All", readonly=True, choices=MONITORING_BASES),
    # 9 (Debug): every event is reported until a SetMonitoringLevel narrows it (N05.FR.03).
    KeySpec(ACTIVE_LEVEL, KeyType.INT, "9", readonly=True, maximum=9),
    KeySpec(MONITORS, KeyType.STRING, "", readonly=True),
)
