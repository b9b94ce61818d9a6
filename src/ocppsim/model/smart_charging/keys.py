"""Configuration keys owned by the smart charging block (OCPP 1.6 section 9.4)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["SMART_CHARGING_KEYS"]

_PROFILE = "SmartCharging"  # section 9.4

SMART_CHARGING_KEYS = (
    KeySpec("ChargeProfileMaxStackLevel", KeyType.INT, "8", readonly=True, profile=_PROFILE),
    KeySpec(
        "ChargingScheduleAllowedChargingRateUnit",
        KeyType.CSL,
        "Current,Power",
        readonly=True,
        profile=_PROFILE,
    ),
    KeySpec("ChargingScheduleMaxPeriods", KeyType.INT, "24", readonly=True, profile=_PROFILE),
    KeySpec("ConnectorSwitch3to1PhaseSupported", KeyType.BOOL, "false", readonly=True, profile=_PROFILE),
    KeySpec("MaxChargingProfilesInstalled", KeyType.INT, "16", readonly=True, profile=_PROFILE),
)
