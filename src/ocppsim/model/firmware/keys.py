"""Configuration keys of the FirmwareManagement profile (OCPP 1.6 errata v4.0 3.88)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["FIRMWARE_KEYS"]

FIRMWARE_KEYS: tuple[KeySpec, ...] = (
    # The schemes runtime/file_transfer.py carries out for UpdateFirmware and GetDiagnostics.
    KeySpec("SupportedFileTransferProtocols", KeyType.CSL, "FTP,HTTP,HTTPS", readonly=True),
)
