"""Configuration keys owned by the configuration block, and the order GetConfiguration reports keys in:
section 9.1 (Core) in the specification's order, then the errata v4.0 additions, 9.2
(LocalAuthListManagement), 9.3 (Reservation), 9.4 (SmartCharging), the Security Whitepaper, and the
original ocppsim's vendor keys. The blocks declare the keys; this list only orders them (a test checks
the two agree)."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["CONFIGURATION_KEYS", "REPORT_ORDER"]

CONFIGURATION_KEYS = (KeySpec("GetConfigurationMaxKeys", KeyType.INT, "100", readonly=True),)

REPORT_ORDER = (
    # --- Core profile (section 9.1)
    "AllowOfflineTxForUnknownId",
    "AuthorizationCacheEnabled",
    "AuthorizeRemoteTxRequests",
    "BlinkRepeat",
    "ClockAlignedDataInterval",
    "ConnectionTimeOut",
    "ConnectorPhaseRotation",
    "ConnectorPhaseRotationMaxLength",
    "GetConfigurationMaxKeys",
    "HeartbeatInterval",
    "LightIntensity",
    "LocalAuthorizeOffline",
    "LocalPreAuthorize",
    "MaxEnergyOnInvalidId",
    "MeterValuesAlignedData",
    "MeterValuesAlignedDataMaxLength",
    "MeterValuesSampledData",
    "MeterValuesSampledDataMaxLength",
    "MeterValueSampleInterval",
    "MinimumStatusDuration",
    "NumberOfConnectors",
    "ResetRetries",
    "StopTransactionOnEVSideDisconnect",
    "StopTransactionOnInvalidId",
    "StopTxnAlignedData",
    "StopTxnAlignedDataMaxLength",
    "StopTxnSampledData",
    "StopTxnSampledDataMaxLength",
    "SupportedFeatureProfiles",
    "TransactionMessageAttempts",
    "TransactionMessageRetryInterval",
    "UnlockConnectorOnEVSideDisconnect",
    "WebSocketPingInterval",
    # --- errata v4.0 additions
    "MessageTimeout",
    "StopTransactionMaxMeterValues",
    "SupportedFileTransferProtocols",  # errata 3.88 (FirmwareManagement)
    # --- LocalAuthListManagement profile (section 9.2)
    "LocalAuthListEnabled",
    "LocalAuthListMaxLength",
    "SendLocalListMaxLength",
    # --- Reservation profile (section 9.3)
    "ReserveConnectorZeroSupported",
    # --- SmartCharging profile (section 9.4)
    "ChargeProfileMaxStackLevel",
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargingScheduleMaxPeriods",
    "ConnectorSwitch3to1PhaseSupported",
    "MaxChargingProfilesInstalled",
    # --- Security Whitepaper / OCPP-J 6.2
    "AuthorizationKey",
    "SecurityProfile",
    "AdditionalRootCertificateCheck",
    "CertificateSignedMaxChainSize",
    "CertificateStoreMaxLength",
    "CpoName",
    # --- vendor keys of the original ocppsim
    "OCPPAuthorizationEnabled",
    "voltage_V",
)
