"""The charge-point cases of the OCA's OCPP 1.6 compliance test tool (OCTT) as data: module, id, title and
the OCPP 1.6 edition 2 sections each case relies on (section numbers of the spec's own table of contents).

The ids and titles are the test tool's; the steps are not published with them, so each test in this
folder derives them from the title and the sections listed here. `make conformance` renders this table,
with the outcome of each case's test in that run, into docs/conformance.md (report.py)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CASES", "CASE_IDS", "PENDING", "Case"]


@dataclass(frozen=True, slots=True)
class Case:
    module: str
    id: str
    title: str
    sections: tuple[str, ...]


def _c(module: str, case_id: str, title: str, *sections: str) -> Case:
    return Case(module, case_id, title, sections)


_BOOT = "01 Cold Boot"
_START = "02 Start Charging Session"
_STOP = "03 Stop Charging Session"
_CACHE = "04 Cache"
_REMOTE = "05 Remote Actions"
_RESET = "06 Resetting"
_UNLOCK = "07 Unlocking"
_CONF = "08 Configuration"
_METER = "09 Meter Values"
_BASIC_NH = "10-11 Basic Actions (non-happy)"
_REMOTE_NH = "12 Remote Actions (non-happy)"
_UNLOCK_NH = "13 Unlocking (non-happy)"
_POWER = "14 Power Failure"
_OFFLINE = "15 Offline Behavior"
_KEYS = "16 Configuration Keys"
_FAULT = "17 Fault Behavior"
_LIST = "18 Local Authorization List"
_FIRMWARE = "19 Firmware Management"
_DIAG = "20 Diagnostics"
_RESERVE = "21 Reservation"
_TRIGGER = "22 Remote Trigger"
_SMART = "23 Smart Charging"
_DATA = "24 Data Transfer"
_SECURITY = "25 Security"

# Security cases rely on the OCPP 1.6 Security Whitepaper edition 2 ("SWP"), not on the 1.6 text.
CASES: tuple[Case, ...] = (
    _c(_BOOT, "TC_001_CS", "Cold Boot Charge Point", "4.2", "4.9", "4.6", "7.38"),
    _c(_BOOT, "TC_002_CS", "Cold Boot Charge Point - Pending", "4.2", "4.2.1", "7.38"),
    _c(_START, "TC_003_CS", "Regular Charging Session - Plugin First", "3.6", "4.1", "4.8", "4.9", "7.7"),
    _c(_START, "TC_004_1_CS", "Regular Charging Session - Identification First", "3.6", "4.1", "4.8", "4.9"),
    _c(
        _START,
        "TC_004_2_CS",
        "Regular Charging Session - Identification First - ConnectionTimeOut",
        "4.1",
        "4.9",
        "9.1.6",
    ),
    _c(
        _STOP,
        "TC_005_1_CS",
        "EV Side Disconnected - StopTransactionOnEVSideDisconnect = true (unlock true)",
        "4.10",
        "7.36",
        "9.1.23",
        "9.1.33",
    ),
    _c(
        _STOP,
        "TC_005_2_CS",
        "EV Side Disconnected - StopTransactionOnEVSideDisconnect = true (unlock false)",
        "4.10",
        "7.36",
        "9.1.23",
        "9.1.33",
    ),
    _c(
        _STOP,
        "TC_005_3_CS",
        "EV Side Disconnected - StopTransactionOnEVSideDisconnect = false",
        "3.6",
        "4.9",
        "9.1.23",
    ),
    _c(_STOP, "TC_068_CS", "Stop transaction - IdTag matches StartTransaction IdTag", "4.10", "7.36"),
    _c(
        _STOP,
        "TC_069_CS",
        "Stop transaction - ParentIdTag matches StartTransaction ParentIdTag",
        "3.10",
        "4.1",
        "4.10",
    ),
    _c(_CACHE, "TC_007_1_CS", "Regular Start Charging Session - Cached Id", "3.5.1", "4.8", "9.1.13"),
    _c(_CACHE, "TC_007_2_CS", "Remote Start Charging Session - Cached Id", "3.5.1", "5.11", "9.1.3"),
    _c(_CACHE, "TC_061_1_CS", "Clear Authorization Data in Authorization Cache - Local", "3.5.1", "5.4"),
    _c(_CACHE, "TC_061_2_CS", "Clear Authorization Data in Authorization Cache - Remote", "3.5.1", "5.4"),
    _c(
        _REMOTE, "TC_010_CS", "Remote Start Charging Session - Cable Plugged in First", "5.11", "4.8", "9.1.3"
    ),
    _c(_REMOTE, "TC_011_1_CS", "Remote Start Charging Session - Remote Start First", "5.11", "4.8", "9.1.3"),
    _c(_REMOTE, "TC_011_2_CS", "Remote Start Charging Session - Time Out", "5.11", "9.1.6"),
    _c(_REMOTE, "TC_012_CS", "Remote Stop Charging Session", "5.12", "4.10", "7.36"),
    _c(_RESET, "TC_013_CS", "Hard Reset Without transaction", "5.14", "4.2", "7.42"),
    _c(_RESET, "TC_014_CS", "Soft Reset Without Transaction", "5.14", "4.2", "7.42"),
    _c(_RESET, "TC_015_CS", "Hard Reset With Transaction", "5.14", "4.10", "7.36"),
    _c(_RESET, "TC_016_CS", "Soft Reset With Transaction", "5.14", "4.10", "7.36"),
    _c(_UNLOCK, "TC_017_1_CS", "Unlock connector - no session (Not fixed cable)", "5.18", "7.46"),
    _c(_UNLOCK, "TC_017_2_CS", "Unlock connector - no session (Fixed cable)", "5.18", "7.46"),
    _c(_UNLOCK, "TC_018_1_CS", "Unlock Connector - With Charging Session (Not fixed cable)", "5.18", "4.10"),
    _c(_UNLOCK, "TC_018_2_CS", "Unlock Connector - With Charging Session (Fixed cable)", "5.18", "4.10"),
    _c(_CONF, "TC_019_CS", "Retrieve configuration", "5.8", "7.29", "9.1"),
    _c(_CONF, "TC_021_CS", "Change/set Configuration", "5.3", "7.22", "9.1.19"),
    _c(_METER, "TC_070_CS", "Sampled Meter Values", "3.16.1", "4.7", "7.35", "9.1.17", "9.1.19"),
    _c(_METER, "TC_071_CS", "Clock-aligned Meter Values", "3.16.2", "4.7", "7.35", "9.1.5", "9.1.15"),
    _c(_BASIC_NH, "TC_023_4_CS", "Start local Charging Session - Authorize invalid", "4.1", "7.2"),
    _c(_BASIC_NH, "TC_023_5_CS", "Start remote Charging Session - Authorize invalid", "5.11", "4.1", "9.1.3"),
    _c(_BASIC_NH, "TC_024_CS", "Start Charging Session - Lock Failure", "4.9", "7.6"),
    _c(_REMOTE_NH, "TC_026_CS", "Remote Start Charging Session - Rejected", "5.11", "7.39"),
    _c(_REMOTE_NH, "TC_027_CS", "Remote start transaction - connector id shall not be 0", "5.11", "3.8"),
    _c(_REMOTE_NH, "TC_028_CS", "Remote Stop Transaction - Rejected", "5.12", "7.39"),
    _c(_UNLOCK_NH, "TC_030_CS", "Unlock Connector - Unlock Failure", "5.18", "7.46"),
    _c(_UNLOCK_NH, "TC_031_CS", "Unlock Connector - Unknown Connector", "5.18", "7.46"),
    _c(_POWER, "TC_032_1_CS", "Power failure - stop transaction(s) before going down", "4.10", "7.36"),
    _c(_POWER, "TC_032_2_CS", "Power failure - stop transaction(s) after going down", "4.10", "7.36"),
    _c(_POWER, "TC_034_CS", "Power Failure with Unavailable Status", "5.2", "4.2", "4.9"),
    _c(_OFFLINE, "TC_036_CS", "Connection Loss During Transaction", "3.7", "4.7", "4.10"),
    _c(_OFFLINE, "TC_037_1_CS", "Offline Start Transaction - Valid IdTag", "3.5", "3.7", "4.8", "9.1.12"),
    _c(
        _OFFLINE,
        "TC_037_2_CS",
        "Offline Start Transaction - Invalid IdTag - StopTransactionOnInvalidId = false",
        "3.5.4",
        "4.8",
        "9.1.1",
        "9.1.24",
    ),
    _c(
        _OFFLINE,
        "TC_037_3_CS",
        "Offline Start Transaction - Invalid IdTag - StopTransactionOnInvalidId = true",
        "3.5.4",
        "4.8",
        "4.10",
        "9.1.1",
        "9.1.24",
    ),
    _c(_OFFLINE, "TC_038_CS", "Offline Stop Transaction", "3.7", "4.10"),
    _c(_OFFLINE, "TC_039_CS", "Offline Transaction", "3.5", "3.7", "4.8", "4.10"),
    _c(_KEYS, "TC_040_1_CS", "Configuration key - NotSupported", "5.3", "7.22"),
    _c(_KEYS, "TC_040_2_CS", "Configuration key - Invalid value", "5.3", "7.22"),
    _c(_FAULT, "TC_041_CS", "Fault Behavior", "4.9", "7.6", "7.7"),
    _c(
        _LIST,
        "TC_008_1_CS",
        "Regular Start Charging Session - Id in Local Authorization List",
        "3.5.2",
        "4.8",
        "9.1.13",
    ),
    _c(
        _LIST,
        "TC_008_2_CS",
        "Remote Start Charging Session - Id in Local Authorization List",
        "3.5.2",
        "5.11",
        "9.1.3",
    ),
    _c(_LIST, "TC_042_1_CS", "Get Local List Version (not supported)", "5.10", "3.3"),
    _c(_LIST, "TC_042_2_CS", "Get Local List Version (empty)", "5.10"),
    _c(_LIST, "TC_043_CS", "Send Local Authorization List", "3.5.2", "5.15", "7.48"),
    _c(_LIST, "TC_043_1_CS", "Send Local Authorization List - NotSupported", "5.15", "3.3"),
    _c(_LIST, "TC_043_2_CS", "Send Local Authorization List - VersionMismatch", "5.15", "7.48"),
    _c(_LIST, "TC_043_3_CS", "Send Local Authorization List - Failed", "5.15", "9.2.3"),
    _c(_FIRMWARE, "TC_044_1_CS", "Firmware Update - Download and Install", "5.19", "4.5", "7.25", "8.1"),
    _c(_FIRMWARE, "TC_044_2_CS", "Firmware Update - Download Failed", "5.19", "4.5", "7.25"),
    _c(_FIRMWARE, "TC_044_3_CS", "Firmware Update - Installation Failed", "5.19", "4.5", "7.25"),
    _c(_DIAG, "TC_045_1_CS", "Get Diagnostics", "5.9", "4.4", "7.24", "8.2"),
    _c(_DIAG, "TC_045_2_CS", "Get Diagnostics - Upload Failed", "5.9", "4.4", "7.24"),
    _c(
        _RESERVE,
        "TC_046_1_CS",
        "Reservation of a Connector - Local start transaction",
        "3.11",
        "5.13",
        "4.8",
    ),
    _c(
        _RESERVE,
        "TC_046_2_CS",
        "Reservation of a Connector - Remote start transaction",
        "3.11",
        "5.13",
        "5.11",
    ),
    _c(_RESERVE, "TC_047_CS", "Reservation of a Connector - Expire", "5.13", "4.9"),
    _c(_RESERVE, "TC_048_1_CS", "Reservation of a Connector - Faulted", "5.13", "7.40"),
    _c(_RESERVE, "TC_048_2_CS", "Reservation of a Connector - Occupied", "5.13", "7.40"),
    _c(_RESERVE, "TC_048_3_CS", "Reservation of a Connector - Unavailable", "5.13", "7.40"),
    _c(_RESERVE, "TC_048_4_CS", "Reservation of a Connector - Rejected", "5.13", "7.40"),
    _c(_RESERVE, "TC_049_CS", "Reservation of a Charge Point - Transaction", "5.13", "9.3.1", "4.8"),
    _c(_RESERVE, "TC_050_1_CS", "Reservation of a Charge Point - Faulted", "5.13", "9.3.1", "7.40"),
    _c(_RESERVE, "TC_050_2_CS", "Reservation of a Charge Point - Occupied", "5.13", "9.3.1", "7.40"),
    _c(_RESERVE, "TC_050_3_CS", "Reservation of a Charge Point - Unavailable", "5.13", "9.3.1", "7.40"),
    _c(_RESERVE, "TC_050_4_CS", "Reservation of a Charge Point - Rejected", "5.13", "9.3.1", "7.40"),
    _c(_RESERVE, "TC_051_CS", "Cancel Reservation", "5.1", "7.5", "4.9"),
    _c(_RESERVE, "TC_052_CS", "Cancel Reservation - Rejected", "5.1", "7.5"),
    _c(
        _RESERVE,
        "TC_053_1_CS",
        "Use a reserved Connector with parentIdTag - Local",
        "3.10",
        "5.13",
        "4.1",
    ),
    _c(
        _RESERVE,
        "TC_053_2_CS",
        "Use a reserved Connector with parentIdTag - Remote",
        "3.10",
        "5.13",
        "5.11",
    ),
    _c(_TRIGGER, "TC_054_CS", "Trigger Message", "5.17", "7.32", "7.44"),
    _c(_TRIGGER, "TC_055_CS", "Trigger Message - Rejected", "5.17", "7.44"),
    _c(
        _SMART,
        "TC_056_CS",
        "Central Smart Charging - TxDefaultProfile",
        "3.13.1",
        "5.16",
        "5.16.4",
        "7.8",
    ),
    _c(_SMART, "TC_057_CS", "Central Smart Charging - TxProfile", "3.13.1", "5.16", "7.8"),
    _c(_SMART, "TC_058_1_CS", "Central Smart Charging - No ongoing transaction", "5.16", "7.11"),
    _c(_SMART, "TC_058_2_CS", "Central Smart Charging - Wrong transactionId", "5.16", "7.11"),
    _c(_SMART, "TC_059_CS", "Remote Start Transaction with Charging Profile", "5.11", "5.16.2", "7.8"),
    _c(
        _SMART,
        "TC_060_CS",
        "Remote Start Transaction with Charging Profile - Rejected",
        "5.11",
        "5.16.2",
        "7.39",
    ),
    _c(_SMART, "TC_066_CS", "Get Composite Schedule", "3.13.3", "5.7", "7.26"),
    _c(_SMART, "TC_067_CS", "Clear Charging Profile", "5.5", "7.21"),
    _c(_SMART, "TC_072_CS", "Stacking Charging Profiles", "3.13.2", "5.16", "5.7"),
    _c(
        _SMART,
        "TC_082_CS",
        "Central Smart Charging - TxDefaultProfile - with ongoing transaction",
        "3.13.1",
        "5.16",
        "5.16.4",
    ),
    _c(_DATA, "TC_062_CS", "Data Transfer to a Charge Point", "3.12", "5.6", "7.23"),
    _c(
        _SECURITY,
        "TC_073_CS",
        "Update Charge Point Password for HTTP Basic Authentication",
        "SWP 2.3",
        "SWP 7.2",
    ),
    _c(
        _SECURITY,
        "TC_074_CS",
        "Update Charge Point Certificate by request of Central System",
        "SWP 2.6",
        "SWP 5.1",
        "SWP 5.17",
    ),
    _c(_SECURITY, "TC_075_1_CS", "Install certificate - ManufacturerRootCertificate", "SWP 2.6", "SWP 5.11"),
    _c(_SECURITY, "TC_075_2_CS", "Install certificate - CentralSystemRootCertificate", "SWP 2.6", "SWP 5.11"),
    _c(_SECURITY, "TC_076_CS", "Delete a specific certificate from the Charge Point", "SWP 5.3", "SWP 5.7"),
    _c(_SECURITY, "TC_077_CS", "Invalid ChargePointCertificate Security Event", "SWP 5.1", "SWP 8"),
    _c(_SECURITY, "TC_078_CS", "Invalid CentralSystemCertificate Security Event", "SWP 5.11", "SWP 8"),
    _c(_SECURITY, "TC_079_CS", "Get Security Log", "SWP 3", "SWP 5.9", "SWP 5.13"),
    _c(_SECURITY, "TC_080_CS", "Secure Firmware Update", "SWP 4", "SWP 5.19", "SWP 5.21"),
    _c(_SECURITY, "TC_081_CS", "Secure Firmware Update - Invalid Signature", "SWP 4", "SWP 5.19", "SWP 5.21"),
    _c(_SECURITY, "TC_083_CS", "Upgrade security profile", "SWP 2.1", "SWP 7.6"),
    _c(_SECURITY, "TC_084_CS", "Downgrade security profile - Rejected", "SWP 2.1", "SWP 7.6"),
    _c(_SECURITY, "TC_085_CS", "Basic Authentication - Valid username/password combination", "SWP 2.3"),
    _c(_SECURITY, "TC_086_CS", "TLS - server-side certificate - Valid certificate", "SWP 2.4"),
    _c(_SECURITY, "TC_087_CS", "TLS - Client-side certificate - valid certificate", "SWP 2.5"),
)

CASE_IDS: frozenset[str] = frozenset(c.id for c in CASES)

# Why a case has no test yet (shown in its `not yet` row); a case with a test ignores this.
PENDING: dict[str, str] = {}
