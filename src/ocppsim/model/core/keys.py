"""Configuration keys owned by the core block (OCPP 1.6 section 9.1; errata v4.0 MessageTimeout)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["core_keys"]


def core_keys(*, number_of_connectors: int) -> tuple[KeySpec, ...]:
    n = number_of_connectors
    rotation = ",".join(f"{c}.RST" for c in range(n + 1))
    return (
        KeySpec("BlinkRepeat", KeyType.INT, "3"),
        KeySpec(
            "ConnectorPhaseRotation", KeyType.CSL, rotation, max_items_key="ConnectorPhaseRotationMaxLength"
        ),
        KeySpec("ConnectorPhaseRotationMaxLength", KeyType.INT, str(n + 1), readonly=True),
        KeySpec("HeartbeatInterval", KeyType.INT, "300"),
        KeySpec("LightIntensity", KeyType.INT, "100", maximum=100),
        KeySpec("MinimumStatusDuration", KeyType.INT, "0"),
        KeySpec("NumberOfConnectors", KeyType.INT, str(n), readonly=True),
        KeySpec("ResetRetries", KeyType.INT, "3"),
        KeySpec(
            "SupportedFeatureProfiles",
            KeyType.CSL,
            "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger",
            readonly=True,
        ),
        KeySpec("WebSocketPingInterval", KeyType.INT, "60"),
        KeySpec("MessageTimeout", KeyType.INT, "30", minimum=1),
    )
