"""Configuration keys owned by the transactions block (OCPP 1.6 section 9.1)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["TRANSACTION_KEYS"]

TRANSACTION_KEYS = (
    KeySpec("AuthorizeRemoteTxRequests", KeyType.BOOL, "true"),
    KeySpec("ConnectionTimeOut", KeyType.INT, "60"),
    KeySpec("MaxEnergyOnInvalidId", KeyType.INT, "0"),
    KeySpec("StopTransactionOnEVSideDisconnect", KeyType.BOOL, "true"),
    KeySpec("StopTransactionOnInvalidId", KeyType.BOOL, "true"),
    # Delivery of transaction messages (section 4.10 / 9.1): used by the runtime's outbox.
    KeySpec("TransactionMessageAttempts", KeyType.INT, "3", minimum=1),
    KeySpec("TransactionMessageRetryInterval", KeyType.INT, "60"),
    KeySpec("UnlockConnectorOnEVSideDisconnect", KeyType.BOOL, "true"),
)
