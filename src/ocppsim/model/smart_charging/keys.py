"""Configuration keys owned by the smart charging block (OCPP 1.6 section 9.4)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["SMART_CHARGING_KEYS"]

SMART_CHARGING_KEYS = (
    KeySpec("ChargeProfileMaxStackLevel", KeyType.INT, "8", readonly=True),
    KeySpec("ChargingScheduleAllowedChargingRateUnit", KeyType.CSL, "Current,Power", readonly=True),
    KeySpec("ChargingScheduleMaxPeriods", KeyType.INT, "24", readonly=True),
    KeySpec("ConnectorSwitch3to1PhaseSupported", KeyType.BOOL, "false", readonly=True),
    KeySpec("MaxChargingProfilesInstalled", KeyType.INT, "16", readonly=True),
)
