"""The FirmwareManagement profile: firmware updates and diagnostics uploads (OCPP 1.6 sections 3.14 /
4.4, 4.5, 5.9, 5.19)."""
