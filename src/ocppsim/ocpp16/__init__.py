"""ocpp16 layer."""
