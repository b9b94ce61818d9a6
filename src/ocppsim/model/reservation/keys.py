"""Configuration keys owned by the reservation block (OCPP 1.6 section 9.3, Reservation profile)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["RESERVATION_KEYS"]

RESERVATION_KEYS = (
    # Section 9.3 / 5.13: ReserveNow with connectorId 0 (any connector) is only accepted when true; a
    # property of the charge point (read-only), seeded from the INI / fleet file for tests that need it.
    KeySpec("ReserveConnectorZeroSupported", KeyType.BOOL, "false", readonly=True, profile="Reservation"),
)
