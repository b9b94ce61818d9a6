"""The catalogue of the device model (OCPP 2.0.1 part 1 section 3, part 2 appendices section 2
"Standardized components and variables"): which components and variables this charging station has,
their characteristics (data type, unit, limits, values list), mutability and attribute types, and where
each value comes from:

- `key`: a key of the charger's one key registry. Where OCPP 1.6 has the same setting the 1.6 key is
  used (OCPPCommCtrlr.HeartbeatInterval is HeartbeatInterval, TxCtrlr.EVConnectionTimeOut is
  ConnectionTimeOut ...): the blocks act on it as they do for 1.6, and SetVariables goes through the
  same validation and owners' hooks as ChangeConfiguration. Settings 1.6 lacks are keys of `keys.py`.
- `fact`: a read-only fact the model knows (AvailabilityState, the clock, the EVSE's power ...),
  read by `block.py` at the instant asked.
- `value`: a constant (Available, SupplyPhases, ...).

Version-parameterised: `catalogue(version, ...)` gives 2.0.1's; a 2.1 catalogue adds its variables to it.
The table is built once per shape (number of EVSEs, phases) and shared by a fleet's chargers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from ocppsim.model.display_messages import DISPLAY_CAPACITY

__all__ = ["AttributeType", "DataType", "Mutability", "VariableSpec", "catalogue"]


class Mutability(StrEnum):
    READ_ONLY = "ReadOnly"
    WRITE_ONLY = "WriteOnly"
    READ_WRITE = "ReadWrite"


class DataType(StrEnum):
    STRING = "string"
    DECIMAL = "decimal"
    INTEGER = "integer"
    DATETIME = "dateTime"
    BOOLEAN = "boolean"
    OPTION_LIST = "OptionList"
    SEQUENCE_LIST = "SequenceList"
    MEMBER_LIST = "MemberList"


class AttributeType(StrEnum):
    ACTUAL = "Actual"
    TARGET = "Target"
    MIN_SET = "MinSet"
    MAX_SET = "MaxSet"


_ACTUAL = (AttributeType.ACTUAL,)


@dataclass(frozen=True, slots=True)
class VariableSpec:
    component: str
    variable: str
    data_type: DataType
    mutability: Mutability = Mutability.READ_WRITE
    key: str | None = None
    fact: str | None = None
    value: str | None = None
    instance: str | None = None
    evse: int | None = None
    connector: int | None = None
    unit: str | None = None
    min_limit: float | None = None
    max_limit: float | None = None
    values_list: str | None = None
    # Attribute types other than Actual, each with its own source: (type, fact or constant value).
    extra: tuple[tuple[AttributeType, str], ...] = ()

    @property
    def attributes(self) -> tuple[AttributeType, ...]:
        return _ACTUAL + tuple(kind for kind, _ in self.extra)

    @property
    def constant(self) -> bool:
        return self.value is not None


_MEASURANDS = (
    "Energy.Active.Import.Register,Energy.Active.Export.Register,Power.Active.Import,Power.Offered,"
    "Current.Import,Current.Offered,Voltage,SoC,Frequency,Temperature"
)
_RO = Mutability.READ_ONLY
_B = DataType.BOOLEAN
_I = DataType.INTEGER
_D = DataType.DECIMAL
_S = DataType.STRING
_ML = DataType.MEMBER_LIST
_OL = DataType.OPTION_LIST
_SL = DataType.SEQUENCE_LIST
_AVAILABILITY = "Available,Occupied,Reserved,Unavailable,Faulted"
# TxStartPoint / TxStopPoint: what the model honours (keys.py TX_START_POINTS, transactions/points.py).
# DataSigned is honoured on a station with a signing meter only (model/metering/block.py key_allowed), so
# only such a station lists it: a valuesList offers what SetVariables accepts (part 2 appendices 2.1.6).
_TX_POINTS = "ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed,EnergyTransfer"
_TX_POINTS_SIGNED = _TX_POINTS + ",DataSigned"
_BASE = "MonitoringCtrlr.ActiveMonitoringBase"
_LEVEL = "MonitoringCtrlr.ActiveMonitoringLevel"
_BASES = "All,FactoryDefault,HardWiredOnly"


def _station(version: str, phases: int, signing: bool) -> tuple[VariableSpec, ...]:
    v = VariableSpec
    tx_points = _TX_POINTS_SIGNED if signing else _TX_POINTS
    return (
        # ChargingStation (part 2 appendices 2.2): the station as a whole
        v("ChargingStation", "AvailabilityState", _OL, _RO, fact="availability", values_list=_AVAILABILITY),
        v("ChargingStation", "Available", _B, _RO, value="true"),
        # Some fault exists (a connector faulted): watched by the hard-wired monitor (model/monitoring/).
        v("ChargingStation", "Problem", _B, _RO, fact="problem"),
        v("ChargingStation", "SupplyPhases", _I, _RO, value=str(phases)),
        v("ChargingStation", "Model", _S, _RO, fact="model"),
        v("ChargingStation", "VendorName", _S, _RO, fact="vendor"),
        # OCPPCommCtrlr
        v("OCPPCommCtrlr", "HeartbeatInterval", _I, key="HeartbeatInterval", unit="s", min_limit=0),
        v("OCPPCommCtrlr", "MessageTimeout", _I, _RO, key="MessageTimeout", instance="Default", unit="s"),
        v(
            "OCPPCommCtrlr",
            "MessageAttempts",
            _I,
            key="TransactionMessageAttempts",
            instance="TransactionEvent",
        ),
        v(
            "OCPPCommCtrlr",
            "MessageAttemptInterval",
            _I,
            key="TransactionMessageRetryInterval",
            instance="TransactionEvent",
            unit="s",
        ),
        v(
            "OCPPCommCtrlr",
            "NetworkConfigurationPriority",
            _SL,
            key="OCPPCommCtrlr.NetworkConfigurationPriority",
            values_list="1,2",
        ),
        v(
            "OCPPCommCtrlr",
            "NetworkProfileConnectionAttempts",
            _I,
            key="OCPPCommCtrlr.NetworkProfileConnectionAttempts",
        ),
        v("OCPPCommCtrlr", "OfflineThreshold", _I, key="OCPPCommCtrlr.OfflineThreshold", unit="s"),
        v("OCPPCommCtrlr", "ResetRetries", _I, key="ResetRetries"),
        v(
            "OCPPCommCtrlr",
            "RetryBackOffWaitMinimum",
            _I,
            key="OCPPCommCtrlr.RetryBackOffWaitMinimum",
            unit="s",
        ),
        v("OCPPCommCtrlr", "RetryBackOffRepeatTimes", _I, key="OCPPCommCtrlr.RetryBackOffRepeatTimes"),
        v(
            "OCPPCommCtrlr",
            "RetryBackOffRandomRange",
            _I,
            key="OCPPCommCtrlr.RetryBackOffRandomRange",
            unit="s",
        ),
        v("OCPPCommCtrlr", "UnlockOnEVSideDisconnect", _B, key="UnlockConnectorOnEVSideDisconnect"),
        v("OCPPCommCtrlr", "WebSocketPingInterval", _I, key="WebSocketPingInterval", unit="s"),
        # Whether a signed meter value carries the public key (part 6 TC_J_*: OCPPCommCtrlr; ocpp201/wire.py).
        v(
            "OCPPCommCtrlr",
            "PublicKeyWithSignedMeterValue",
            _OL,
            key="OCPPCommCtrlr.PublicKeyWithSignedMeterValue",
            values_list="Never,OncePerTransaction,EveryMeterValue",
        ),
        v(
            "OCPPCommCtrlr",
            "FileTransferProtocols",
            _ML,
            _RO,
            key="OCPPCommCtrlr.FileTransferProtocols",
            max_limit=2,
            values_list="FTP,HTTP",
        ),
        # TxCtrlr
        v("TxCtrlr", "EVConnectionTimeOut", _I, key="ConnectionTimeOut", unit="s"),
        v("TxCtrlr", "StopTxOnEVSideDisconnect", _B, key="StopTransactionOnEVSideDisconnect"),
        v("TxCtrlr", "StopTxOnInvalidId", _B, key="StopTransactionOnInvalidId"),
        v("TxCtrlr", "MaxEnergyOnInvalidId", _I, key="MaxEnergyOnInvalidId", unit="Wh"),
        v("TxCtrlr", "TxBeforeAcceptedEnabled", _B, _RO, key="TxCtrlr.TxBeforeAcceptedEnabled"),
        v(
            "TxCtrlr",
            "TxStartPoint",
            _ML,
            key="TxCtrlr.TxStartPoint",
            max_limit=5,  # members: every point honoured (model/transactions/points.py) may be combined
            values_list=tx_points,
        ),
        v(
            "TxCtrlr",
            "TxStopPoint",
            _ML,
            key="TxCtrlr.TxStopPoint",
            max_limit=5,
            values_list=tx_points,
        ),
        # SampledDataCtrlr
        v("SampledDataCtrlr", "Enabled", _B, key="SampledDataCtrlr.Enabled"),
        v(
            "SampledDataCtrlr",
            "TxStartedMeasurands",
            _ML,
            key="SampledDataCtrlr.TxStartedMeasurands",
            max_limit=1,
            values_list="Energy.Active.Import.Register",
        ),
        v(
            "SampledDataCtrlr",
            "TxUpdatedMeasurands",
            _ML,
            key="MeterValuesSampledData",
            max_limit=10,
            values_list=_MEASURANDS,
        ),
        v("SampledDataCtrlr", "TxUpdatedInterval", _I, key="MeterValueSampleInterval", unit="s"),
        v(
            "SampledDataCtrlr",
            "TxEndedMeasurands",
            _ML,
            key="StopTxnSampledData",
            max_limit=10,
            values_list=_MEASURANDS,
        ),
        v("SampledDataCtrlr", "TxEndedInterval", _I, key="SampledDataCtrlr.TxEndedInterval", unit="s"),
        # Signed meter values (J01/J02, part 2 appendices 3.1.14): a station with a signing meter
        # (signed_meter_values = ocmf; model/metering/block.py) has the variable, one without does not
        # (GetVariables: UnknownVariable). AlignedDataCtrlr.SignReadings is not offered: clock-aligned
        # readings are never signed (the 1.6 signer's Begin/End pair only).
        *(
            (v("SampledDataCtrlr", "SignReadings", _B, key="SampledDataCtrlr.SignReadings"),)
            if signing
            else ()
        ),
        # AlignedDataCtrlr
        v("AlignedDataCtrlr", "Enabled", _B, key="AlignedDataCtrlr.Enabled"),
        v(
            "AlignedDataCtrlr",
            "Measurands",
            _ML,
            key="MeterValuesAlignedData",
            max_limit=10,
            values_list=_MEASURANDS,
        ),
        v("AlignedDataCtrlr", "Interval", _I, key="ClockAlignedDataInterval", unit="s"),
        v(
            "AlignedDataCtrlr",
            "TxEndedMeasurands",
            _ML,
            key="StopTxnAlignedData",
            max_limit=10,
            values_list=_MEASURANDS,
        ),
        v("AlignedDataCtrlr", "TxEndedInterval", _I, key="AlignedDataCtrlr.TxEndedInterval", unit="s"),
        # AuthCtrlr
        v("AuthCtrlr", "Enabled", _B, key="OCPPAuthorizationEnabled"),
        v("AuthCtrlr", "AuthorizeRemoteStart", _B, key="AuthorizeRemoteTxRequests"),
        v("AuthCtrlr", "LocalAuthorizeOffline", _B, key="LocalAuthorizeOffline"),
        v("AuthCtrlr", "LocalPreAuthorize", _B, key="LocalPreAuthorize"),
        v("AuthCtrlr", "OfflineTxForUnknownIdEnabled", _B, key="AllowOfflineTxForUnknownId"),
        # AuthCacheCtrlr
        v("AuthCacheCtrlr", "Available", _B, _RO, value="true"),
        v("AuthCacheCtrlr", "Enabled", _B, key="AuthorizationCacheEnabled"),
        v("AuthCacheCtrlr", "LifeTime", _I, key="AuthCacheCtrlr.LifeTime", unit="s"),
        v("AuthCacheCtrlr", "Policy", _OL, key="AuthCacheCtrlr.Policy", values_list="LRU"),
        v("AuthCacheCtrlr", "DisablePostAuthorize", _B, key="AuthCacheCtrlr.DisablePostAuthorize"),
        # LocalAuthListCtrlr
        v("LocalAuthListCtrlr", "Available", _B, _RO, value="true"),
        v("LocalAuthListCtrlr", "Enabled", _B, key="LocalAuthListEnabled"),
        v("LocalAuthListCtrlr", "Entries", _I, _RO, fact="local_list_entries", max_limit=1000),
        v("LocalAuthListCtrlr", "ItemsPerMessage", _I, _RO, key="SendLocalListMaxLength"),
        v("LocalAuthListCtrlr", "BytesPerMessage", _I, _RO, value="65536"),
        v("LocalAuthListCtrlr", "Storage", _I, _RO, key="LocalAuthListMaxLength", unit="B"),
        # SmartChargingCtrlr
        v("SmartChargingCtrlr", "Available", _B, _RO, value="true"),
        v("SmartChargingCtrlr", "Enabled", _B, key="SmartChargingCtrlr.Enabled"),
        v(
            "SmartChargingCtrlr",
            "Entries",
            _I,
            _RO,
            fact="profiles",
            instance="ChargingProfiles",
            max_limit=16,
        ),
        v(
            "SmartChargingCtrlr",
            "LimitChangeSignificance",
            _D,
            key="SmartChargingCtrlr.LimitChangeSignificance",
            unit="Percent",
        ),
        v("SmartChargingCtrlr", "PeriodsPerSchedule", _I, _RO, key="ChargingScheduleMaxPeriods"),
        v("SmartChargingCtrlr", "ProfileStackLevel", _I, _RO, key="ChargeProfileMaxStackLevel"),
        v("SmartChargingCtrlr", "RateUnit", _ML, _RO, value="A,W", values_list="A,W"),
        # SecurityCtrlr
        # SecurityCtrlr (part 2 appendices 3.1.15): the 1.6 Whitepaper keys where one exists
        v("SecurityCtrlr", "OrganizationName", _S, key="CpoName"),
        v(
            "SecurityCtrlr",
            "BasicAuthPassword",
            _S,
            Mutability.WRITE_ONLY,
            key="SecurityCtrlr.BasicAuthPassword",
            max_limit=40,
        ),
        v("SecurityCtrlr", "SecurityProfile", _I, _RO, key="SecurityProfile"),
        v("SecurityCtrlr", "CertificateEntries", _I, _RO, fact="certificates", max_limit=10),
        v("SecurityCtrlr", "Identity", _S, _RO, fact="identity"),
        v(
            "SecurityCtrlr",
            "MaxCertificateChainSize",
            _I,
            _RO,
            key="CertificateSignedMaxChainSize",
            max_limit=10000,
        ),
        v(
            "SecurityCtrlr",
            "CertSigningWaitMinimum",
            _I,
            key="SecurityCtrlr.CertSigningWaitMinimum",
            unit="s",
        ),
        v("SecurityCtrlr", "CertSigningRepeatTimes", _I, key="SecurityCtrlr.CertSigningRepeatTimes"),
        v("SecurityCtrlr", "AdditionalRootCertificateCheck", _B, _RO, key="AdditionalRootCertificateCheck"),
        # DeviceDataCtrlr (B06, B07, B08: how many items one message may hold)
        v("DeviceDataCtrlr", "ItemsPerMessage", _I, _RO, value="50", instance="GetReport"),
        v("DeviceDataCtrlr", "ItemsPerMessage", _I, _RO, value="50", instance="GetVariables"),
        v("DeviceDataCtrlr", "ItemsPerMessage", _I, _RO, value="50", instance="SetVariables"),
        v("DeviceDataCtrlr", "BytesPerMessage", _I, _RO, value="65536", instance="GetReport"),
        v("DeviceDataCtrlr", "BytesPerMessage", _I, _RO, value="65536", instance="GetVariables"),
        v("DeviceDataCtrlr", "BytesPerMessage", _I, _RO, value="65536", instance="SetVariables"),
        # ClockCtrlr
        v("ClockCtrlr", "DateTime", DataType.DATETIME, _RO, fact="datetime"),
        v(
            "ClockCtrlr",
            "TimeSource",
            _SL,
            key="ClockCtrlr.TimeSource",
            values_list="Heartbeat,RealTimeClock",
        ),
        # MonitoringCtrlr (N02-N08, model/monitoring/): Set/ClearVariableMonitoring take at most
        # ItemsPerMessage items and BytesPerMessage bytes (N04.FR.09, N06.FR.04); MonitoringBase and
        # MonitoringLevel are the ones in force (ReadOnly: SetMonitoringBase / SetMonitoringLevel set them).
        v("MonitoringCtrlr", "Available", _B, _RO, value="true"),
        v("MonitoringCtrlr", "Enabled", _B, key="MonitoringCtrlr.Enabled"),
        v("MonitoringCtrlr", "ItemsPerMessage", _I, _RO, value="20", instance="SetVariableMonitoring"),
        v("MonitoringCtrlr", "ItemsPerMessage", _I, _RO, value="20", instance="ClearVariableMonitoring"),
        v("MonitoringCtrlr", "BytesPerMessage", _I, _RO, value="8192", instance="SetVariableMonitoring"),
        v("MonitoringCtrlr", "BytesPerMessage", _I, _RO, value="8192", instance="ClearVariableMonitoring"),
        v(
            "MonitoringCtrlr",
            "OfflineQueuingSeverity",
            _I,
            key="MonitoringCtrlr.OfflineQueuingSeverity",
            min_limit=0,
            max_limit=9,
        ),
        v("MonitoringCtrlr", "MonitoringBase", _OL, _RO, key=_BASE, values_list=_BASES),
        v("MonitoringCtrlr", "ActiveMonitoringBase", _OL, _RO, key=_BASE, values_list=_BASES),
        v("MonitoringCtrlr", "MonitoringLevel", _I, _RO, key=_LEVEL, min_limit=0, max_limit=9),
        v("MonitoringCtrlr", "ActiveMonitoringLevel", _I, _RO, key=_LEVEL, min_limit=0, max_limit=9),
        # ReservationCtrlr (H01-H04): Available says whether the station supports reservations at all
        # (the Reservation feature profile, model/hardware.py), Enabled whether it takes them now.
        v("ReservationCtrlr", "Available", _B, _RO, fact="reservation_available"),
        v("ReservationCtrlr", "Enabled", _B, key="ReservationCtrlr.Enabled"),
        v("ReservationCtrlr", "NonEvseSpecific", _B, key="ReservationCtrlr.NonEvseSpecific"),
        # DisplayMessageCtrlr (O01-O06; model/display/)
        v("DisplayMessageCtrlr", "Available", _B, _RO, value="true"),
        v("DisplayMessageCtrlr", "Enabled", _B, key="DisplayMessageCtrlr.Enabled"),
        v(
            "DisplayMessageCtrlr",
            "DisplayMessages",
            _I,
            _RO,
            fact="display_messages",
            max_limit=DISPLAY_CAPACITY,
        ),
        v(
            "DisplayMessageCtrlr",
            "SupportedFormats",
            _ML,
            _RO,
            key="DisplayMessageCtrlr.SupportedFormats",
            values_list="ASCII,HTML,URI,UTF8",
        ),
        v(
            "DisplayMessageCtrlr",
            "SupportedPriorities",
            _ML,
            _RO,
            key="DisplayMessageCtrlr.SupportedPriorities",
            values_list="AlwaysFront,InFront,NormalCycle",
        ),
        # TariffCostCtrlr (I03: the running cost a CostUpdated brings); instances Tariff and Cost
        v("TariffCostCtrlr", "Available", _B, _RO, value="false", instance="Tariff"),
        v("TariffCostCtrlr", "Available", _B, _RO, value="true", instance="Cost"),
        v("TariffCostCtrlr", "Enabled", _B, key="TariffCostCtrlr.Enabled[Cost]", instance="Cost"),
        v("TariffCostCtrlr", "Currency", _S, key="TariffCostCtrlr.Currency", max_limit=3),
        v("TariffCostCtrlr", "TariffFallbackMessage", _S, key="TariffCostCtrlr.TariffFallbackMessage"),
        v(
            "TariffCostCtrlr",
            "TotalCostFallbackMessage",
            _S,
            key="TariffCostCtrlr.TotalCostFallbackMessage",
        ),
    )


def _evse(evse: int, phases: int, max_power_w: float) -> tuple[VariableSpec, ...]:
    """EVSE n and its one Connector (this station: one connector per EVSE, EVSE n = 1.6 connector n)."""
    v = VariableSpec
    return (
        v("EVSE", "AvailabilityState", _OL, _RO, fact="availability", evse=evse, values_list=_AVAILABILITY),
        v("EVSE", "Available", _B, _RO, value="true", evse=evse),
        v("EVSE", "SupplyPhases", _I, _RO, value=str(phases), evse=evse),
        v(
            "EVSE",
            "Power",
            _D,
            _RO,
            fact="power",
            evse=evse,
            unit="W",
            max_limit=max_power_w,
            extra=((AttributeType.MAX_SET, f"{max_power_w:g}"),),
        ),
        v(
            "Connector",
            "AvailabilityState",
            _OL,
            _RO,
            fact="availability",
            evse=evse,
            connector=1,
            values_list=_AVAILABILITY,
        ),
        v("Connector", "Available", _B, _RO, value="true", evse=evse, connector=1),
        v("Connector", "ConnectorType", _S, _RO, value="cType2", evse=evse, connector=1),
        v("Connector", "SupplyPhases", _I, _RO, value=str(phases), evse=evse, connector=1),
    )


@functools.lru_cache(maxsize=64)
def catalogue(
    version: str, *, evses: int, phases: int, max_power_w: float, signing: bool = False
) -> tuple[VariableSpec, ...]:
    """Every variable of the station, the station's components first, then EVSE by EVSE; `signing`: the
    station has a signing meter."""
    specs = _station(version, phases, signing)
    for evse in range(1, evses + 1):
        specs += _evse(evse, phases, max_power_w)
    return specs
