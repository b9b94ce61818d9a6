"""Configuration values that exist only in the OCPP 2.0.1 device model (part 2 appendices, section 2
"Standardized components and variables"). Each is a key of the charger's one key registry, named
"<Component>.<Variable>[<instance>]" so that it cannot meet a 1.6 key; it is persisted as the 1.6 keys
are (a ConfigChanged effect). Variables with a 1.6 counterpart that the blocks already act on (the
heartbeat interval, ConnectionTimeOut, the measurand lists ...) are not here: the catalogue
(`variables.py`) points them at the 1.6 key, so one value drives both versions."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType
from ocppsim.model.monitoring.keys import MONITORING_KEYS

__all__ = ["DEVICE_MODEL_DEFAULTS", "DEVICE_MODEL_KEYS", "TX_START_POINTS", "TX_STOP_POINTS"]

# TxStartPoint / TxStopPoint (part 2 appendices "TxCtrlr", E01/E06): the points this charger starts and
# ends a transaction at, followed by model/transactions/points.py. The valuesList is exactly what it
# honours, so a CSMS cannot configure a point the model would not follow (SetVariables Rejected).
# DataSigned needs a signing meter (signed_meter_values): the metering block refuses it on a station
# without one (model/metering/block.py key_allowed).
TX_START_POINTS = frozenset(
    {"ParkingBayOccupancy", "EVConnected", "Authorized", "PowerPathClosed", "EnergyTransfer", "DataSigned"}
)
TX_STOP_POINTS = TX_START_POINTS

# 1.6 keys a 2.0.1 variable reads whose 1.6 default does not suit a 2.0.1 station: SecurityCtrlr.
# OrganizationName is the Whitepaper's CpoName (A02.FR.13: the O of the CSR), empty in 1.6 until the
# CPO sets it (its A02 prerequisite); 2.0.1 lists OrganizationName as a required variable with a value.
DEVICE_MODEL_DEFAULTS: dict[str, str] = {"CpoName": "ocppsim"}

DEVICE_MODEL_KEYS: tuple[KeySpec, ...] = (
    # OCPPCommCtrlr (B, part 2 appendices 2.1)
    # B09/B10: two configuration slots for network connection profiles (errata B09.FR.06). Slot 1 is the
    # connection the charger was started with until a SetNetworkProfile fills it; the priority applies
    # from the next connection (the station reads it at each attempt), announced as RebootRequired.
    KeySpec(
        "OCPPCommCtrlr.NetworkConfigurationPriority",
        KeyType.CSL,
        "1",
        choices=frozenset({"1", "2"}),
        reboot_required=True,
    ),
    KeySpec("NetworkConnectionProfile.1", KeyType.STRING, ""),  # connectionData as JSON (no variable)
    KeySpec("NetworkConnectionProfile.2", KeyType.STRING, ""),
    KeySpec("OCPPCommCtrlr.NetworkProfileConnectionAttempts", KeyType.INT, "3"),
    KeySpec("OCPPCommCtrlr.OfflineThreshold", KeyType.INT, "60"),
    KeySpec("OCPPCommCtrlr.FileTransferProtocols", KeyType.CSL, "FTP,HTTP", readonly=True),
    # The reconnect back-off (B10 / part 4 section 5.3): the first wait, how often it doubles, the random
    # share added; the station reads them at each connection loss (runtime/station.py).
    KeySpec("OCPPCommCtrlr.RetryBackOffWaitMinimum", KeyType.INT, "1"),
    KeySpec("OCPPCommCtrlr.RetryBackOffRepeatTimes", KeyType.INT, "6"),
    KeySpec("OCPPCommCtrlr.RetryBackOffRandomRange", KeyType.INT, "1"),
    # The public key with signed meter values (SignedMeterValueType.publicKey): never, with the first
    # signed value of each transaction, or with every one (ocpp201/wire.py).
    KeySpec(
        "OCPPCommCtrlr.PublicKeyWithSignedMeterValue",
        KeyType.STRING,
        "OncePerTransaction",
        choices=frozenset({"Never", "OncePerTransaction", "EveryMeterValue"}),
    ),
    # TxCtrlr (E)
    KeySpec("TxCtrlr.TxStartPoint", KeyType.CSL, "PowerPathClosed", choices=TX_START_POINTS),
    KeySpec("TxCtrlr.TxStopPoint", KeyType.CSL, "EVConnected,Authorized", choices=TX_STOP_POINTS),
    KeySpec("TxCtrlr.TxBeforeAcceptedEnabled", KeyType.BOOL, "false", readonly=True),
    # SampledDataCtrlr / AlignedDataCtrlr (J)
    KeySpec("SampledDataCtrlr.Enabled", KeyType.BOOL, "true"),
    # Sign the transaction's Begin / End register readings (J02) when the station has a signing meter
    # (ChargerParams.signed_meter_values; without one nothing is signed whatever this says).
    KeySpec("SampledDataCtrlr.SignReadings", KeyType.BOOL, "true"),
    # The values the Ended event carries are taken at intervals of their own (J02; metering block).
    KeySpec("SampledDataCtrlr.TxEndedInterval", KeyType.INT, "0"),
    KeySpec("AlignedDataCtrlr.TxEndedInterval", KeyType.INT, "0"),
    # The Started event carries the register reading at the start (ocpp201/wire.py); other measurands
    # are not sampled at that point yet, so they are not offered.
    KeySpec(
        "SampledDataCtrlr.TxStartedMeasurands",
        KeyType.MEASURANDS,
        "",
        choices=frozenset({"Energy.Active.Import.Register"}),
    ),
    KeySpec("AlignedDataCtrlr.Enabled", KeyType.BOOL, "true"),
    # AuthCtrlr, AuthCacheCtrlr (C)
    KeySpec("AuthCacheCtrlr.LifeTime", KeyType.INT, "86400"),
    KeySpec("AuthCacheCtrlr.Policy", KeyType.STRING, "LRU", choices=frozenset({"LRU"})),
    KeySpec("AuthCacheCtrlr.DisablePostAuthorize", KeyType.BOOL, "false"),
    # SmartChargingCtrlr (K)
    KeySpec("SmartChargingCtrlr.Enabled", KeyType.BOOL, "true"),
    KeySpec("SmartChargingCtrlr.LimitChangeSignificance", KeyType.FLOAT, "1.0"),
    # SecurityCtrlr (A): the HTTP Basic authentication password of security profiles 1 and 2 (A01)
    KeySpec("SecurityCtrlr.BasicAuthPassword", KeyType.PASSWORD, "", write_only=True),
    # A02.FR.17-19 / A03.FR.17-19: the wait for a CertificateSigned before the CSR is sent again (doubled
    # at each resend) and how many resends (model/security/signing_requests.py).
    KeySpec("SecurityCtrlr.CertSigningWaitMinimum", KeyType.INT, "60"),
    KeySpec("SecurityCtrlr.CertSigningRepeatTimes", KeyType.INT, "3"),
    # ClockCtrlr (B)
    KeySpec(
        "ClockCtrlr.TimeSource", KeyType.CSL, "Heartbeat", choices=frozenset({"Heartbeat", "RealTimeClock"})
    ),
    # ReservationCtrlr (H): Enabled false refuses every ReserveNow (Rejected, H01); NonEvseSpecific allows
    # a reservation without evseId (H01.FR.18/19; the 1.6 ReserveConnectorZeroSupported is not read).
    KeySpec("ReservationCtrlr.Enabled", KeyType.BOOL, "true"),
    KeySpec("ReservationCtrlr.NonEvseSpecific", KeyType.BOOL, "true"),
    # DisplayMessageCtrlr (O): what the simulated display renders: text (ASCII, UTF8), not HTML or URIs
    # (a SetDisplayMessage in those formats is NotSupportedMessageFormat); every priority. Read-only
    # facts of the hardware, seeded from the INI / fleet file like the 1.6 hardware keys.
    KeySpec("DisplayMessageCtrlr.Enabled", KeyType.BOOL, "true"),
    KeySpec(
        "DisplayMessageCtrlr.SupportedFormats",
        KeyType.CSL,
        "ASCII,UTF8",
        readonly=True,
        choices=frozenset({"ASCII", "HTML", "URI", "UTF8"}),
    ),
    KeySpec(
        "DisplayMessageCtrlr.SupportedPriorities",
        KeyType.CSL,
        "AlwaysFront,InFront,NormalCycle",
        readonly=True,
        choices=frozenset({"AlwaysFront", "InFront", "NormalCycle"}),
    ),
    # TariffCostCtrlr (I): the running cost of CostUpdated is kept and shown while Enabled[Cost].
    KeySpec("TariffCostCtrlr.Enabled[Cost]", KeyType.BOOL, "true"),
    KeySpec("TariffCostCtrlr.Currency", KeyType.STRING, "EUR"),
    KeySpec("TariffCostCtrlr.TariffFallbackMessage", KeyType.STRING, ""),
    KeySpec("TariffCostCtrlr.TotalCostFallbackMessage", KeyType.STRING, ""),
    # MonitoringCtrlr (N)
    *MONITORING_KEYS,
)
