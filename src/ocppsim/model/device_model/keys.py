"""Configuration values that exist only in the OCPP 2.0.1 device model (part 2 appendices, section 2
"Standardized components and variables"). Each is a key of the charger's one key registry, named
"<Component>.<Variable>[<instance>]" so that it cannot meet a 1.6 key; it is persisted as the 1.6 keys
are (a ConfigChanged effect). Variables with a 1.6 counterpart that the blocks already act on (the
heartbeat interval, ConnectionTimeOut, the measurand lists ...) are not here: the catalogue
(`variables.py`) points them at the 1.6 key, so one value drives both versions."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType
from ocppsim.model.monitoring.keys import MONITORING_KEYS

__all__ = ["DEVICE_MODEL_KEYS", "TX_START_POINTS", "TX_STOP_POINTS"]

# TxStartPoint / TxStopPoint (part 2 appendices 2.1 "TxCtrlr", E01/E06): the points this charger can
# start and end a transaction at. The shared transactions block starts a transaction once the cable is
# in and the driver is authorized (the power path closes then) and ends it when either goes: those are
# the values it offers (valuesList), so a CSMS cannot configure a point the model would not honour.
# "Authorized" (E01 / E03): the transaction starts at authorization, before the cable, and ends with
# EVConnectTimeout if no EV connects within TxCtrlr.EVConnectionTimeOut (E03.FR.05; core/status.py).
TX_START_POINTS = frozenset({"PowerPathClosed", "Authorized"})
TX_STOP_POINTS = frozenset({"EVConnected", "Authorized", "PowerPathClosed"})

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
    # TxCtrlr (E)
    KeySpec("TxCtrlr.TxStartPoint", KeyType.CSL, "PowerPathClosed", choices=TX_START_POINTS),
    KeySpec("TxCtrlr.TxStopPoint", KeyType.CSL, "EVConnected,Authorized", choices=TX_STOP_POINTS),
    KeySpec("TxCtrlr.TxBeforeAcceptedEnabled", KeyType.BOOL, "false", readonly=True),
    # SampledDataCtrlr / AlignedDataCtrlr (J)
    KeySpec("SampledDataCtrlr.Enabled", KeyType.BOOL, "true"),
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
    KeySpec("SecurityCtrlr.OrganizationName", KeyType.STRING, "ocppsim"),
    KeySpec("SecurityCtrlr.BasicAuthPassword", KeyType.PASSWORD, "", write_only=True),
    # ClockCtrlr (B)
    KeySpec(
        "ClockCtrlr.TimeSource", KeyType.CSL, "Heartbeat", choices=frozenset({"Heartbeat", "RealTimeClock"})
    ),
    # ReservationCtrlr (H)
    KeySpec("ReservationCtrlr.Enabled", KeyType.BOOL, "true"),
    # MonitoringCtrlr (N)
    *MONITORING_KEYS,
)
