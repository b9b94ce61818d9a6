"""Charging-station cases beyond the Core profile's mandatory list (cases.py) that this suite plays:
conditional Core cases that apply to this charger (part 5 section 4.2, "C": the start and stop transaction
options, since TxCtrlr.TxStartPoint / TxStopPoint are ReadWrite with ParkingBayOccupancy, EVConnected,
Authorized, PowerPathClosed, EnergyTransfer and DataSigned in their valuesList; TC_E_11, DataSigned, is
played with a charger that signs its meter values, `signed_meter_values = ocmf`),
Advanced Security cases (part 5 section 4.3; steps in part 6), and cases of the Reservation, Tariff & Cost
and Advanced User Interface profiles (part 5 sections 4.7, 4.8). Part 6 of this edition leaves sections H, I
and O blank: those ids and titles are as the OCA test tool names them (`TC_<id>_CS`), and each test follows
the use case's requirements (part 2 H01-H04, I03, O01-O06, the errata). report.py renders them in a table
of their own, "Other charging-station cases played"."""

from __future__ import annotations

from conformance_201.cases import Case

__all__ = ["OTHER_CASES", "OTHER_CASE_IDS"]

OTHER_CASES: tuple[Case, ...] = (
    Case("TC_E_01", "Start transaction options", "PowerPathClosed"),
    Case("TC_E_02", "Start transaction options", "EnergyTransfer"),
    Case("TC_E_09", "Start transaction options", "EVConnected"),
    Case("TC_E_11", "Start transaction options", "DataSigned"),
    Case("TC_E_10", "Start transaction options", "Authorized - Local"),
    Case("TC_E_13", "Start transaction options", "Authorized - Remote"),
    Case("TC_E_12", "Start transaction options", "ParkingBayOccupied"),
    Case("TC_E_14", "Stop transaction options", "EVDisconnected - Charging Station side"),
    Case("TC_E_20", "Stop transaction options", "EVDisconnected - EV side (able to charge IEC 61851-1 EV)"),
    Case("TC_E_15", "Stop transaction options", "StopAuthorized - Local"),
    Case("TC_E_21", "Stop transaction options", "StopAuthorized - Remote"),
    Case("TC_E_39", "Stop transaction options", "Deauthorized - timeout"),
    Case("TC_E_07", "Stop transaction options", "PowerPathClosed - Local stop"),
    Case("TC_E_35", "Stop transaction options", "PowerPathClosed - Remote stop"),
    Case("TC_E_37", "Stop transaction options", "PowerPathClosed - EV side disconnect"),
    Case("TC_E_08", "Stop transaction options", "EnergyTransfer stopped - StopAuthorized"),
    Case("TC_E_22", "Stop transaction options", "EnergyTransfer stopped - SuspendedEV"),
    Case("TC_E_19", "Stop transaction options", "ParkingBayUnoccupied"),
    Case(
        "TC_A_11",
        "Update Charging Station Certificate by request of CSMS",
        "Success - Charging Station Certificate",
    ),
    Case("TC_A_14", "Update Charging Station Certificate by request of CSMS", "Invalid certificate"),
    Case(
        "TC_A_15", "Update Charging Station Certificate by request of CSMS", "SignCertificateRequest Rejected"
    ),
    Case(
        "TC_A_23",
        "Update Charging Station Certificate by request of CSMS",
        "CertificateSignedRequest Timeout",
    ),
    Case("TC_A_07", "TLS - Client-side certificate", "valid certificate"),
    Case("TC_A_20", "Upgrade Charging Station Security Profile", "No valid CSMSRootCertificate installed"),
    Case(
        "TC_A_21",
        "Upgrade Charging Station Security Profile",
        "No valid ChargingStationCertificate installed",
    ),
    Case("TC_H_01", "Reserve a specific EVSE", "Accepted - Valid idToken"),
    Case("TC_H_02", "Reserve a specific EVSE", "Accepted - Different idToken"),
    Case("TC_H_03", "Reserve a specific EVSE", "Occupied - EVSE Reserved"),
    Case("TC_H_04", "Reserve a specific EVSE", "Occupied - EVSE Occupied"),
    Case("TC_H_06", "Reserve a specific EVSE", "Unavailable"),
    Case("TC_H_07", "Reserve a specific EVSE", "Reservation Ended / not used"),
    Case("TC_H_08", "Reserve an unspecified EVSE", "Accepted"),
    Case("TC_H_09", "Reserve an unspecified EVSE", "Occupied - EVSE Reserved"),
    Case("TC_H_10", "Reserve an unspecified EVSE", "Occupied - EVSE Occupied"),
    Case("TC_H_12", "Reserve an unspecified EVSE", "Unavailable"),
    Case("TC_H_13", "Reserve an unspecified EVSE", "Rejected"),
    Case(
        "TC_H_14",
        "Reserve an unspecified EVSE",
        "Amount of EVSEs available equals the amount of reservations",
    ),
    Case("TC_H_15", "Reserve a connector with a specific type", "Success"),
    Case(
        "TC_H_16",
        "Reserve a connector with a specific type",
        "Amount of available connectors equals reservations",
    ),
    Case("TC_H_17", "Cancel reservation of an EVSE", "Success"),
    Case("TC_H_18", "Cancel reservation of an EVSE", "Rejected"),
    Case("TC_H_19", "Reserve a specific EVSE", "Use a reserved EVSE with GroupId"),
    Case("TC_H_21", "Charging Station cancels reservation", "when Unavailable"),
    Case("TC_H_22", "Reserve a specific EVSE", "Configured to Reject"),
    Case("TC_H_23", "Reserve a specific EVSE", "Replace reservation"),
    Case("TC_H_24", "Reserve an unspecified EVSE", "GroupIdToken"),
    Case("TC_I_01", "Show EV Driver running total cost during charging", "costUpdatedRequest"),
    Case("TC_O_01", "Set Display Message", "Success"),
    Case("TC_O_02", "Get all Display Messages", "Success"),
    Case("TC_O_03", "Get all Display Messages", "None configured"),
    Case("TC_O_04", "Clear Display Message", "Success"),
    Case("TC_O_05", "Clear Display Message", "Unknown Key"),
    Case("TC_O_06", "Set Display Message", "Specific transaction - Success"),
    Case("TC_O_07", "Get Specific Display Message", "Id"),
    Case("TC_O_08", "Get Specific Display Message", "Priority"),
    Case("TC_O_09", "Get Specific Display Message", "State"),
    Case("TC_O_10", "Set Display Message", "Specific transaction - UnknownTransaction"),
    Case("TC_O_11", "Get Specific Display Message", "Unknown parameters"),
    Case("TC_O_12", "Set Display Message", "Replace DisplayMessage"),
    Case("TC_O_13", "Set Display Message", "Display at StartTime"),
    Case("TC_O_14", "Set Display Message", "Remove after EndTime"),
    Case("TC_O_17", "Set Display Message", "NotSupportedPriority"),
    Case("TC_O_19", "Set Display Message", "NotSupportedMessageFormat"),
    Case("TC_O_22", "Set Display Message", "Multiple In front priority"),
    Case("TC_O_24", "Set Display Message", "Second Alwaysfront priority"),
    Case("TC_O_33", "Get Specific Display Message", "No messages configured"),
    Case("TC_O_34", "Get Specific Display Message", "Known Id, not matching State"),
    Case("TC_O_35", "Get Specific Display Message", "Known Id, not matching Priority"),
    # Monitoring (part 2 N02-N08): part 6 at hand has no TC_N cases; the id is the use case or
    # requirement the test plays.
    Case("N04", "Set Variable Monitoring", "every status, replacing by id"),
    Case("N02", "Get Monitoring Report", "criteria, componentVariable, EmptyResultSet"),
    Case("N02.FR.09", "Get Monitoring Report", "parts with seqNo and tbc"),
    Case("N03", "Set Monitoring Base", "HardWiredOnly, FactoryDefault, All"),
    Case("N05", "Set Monitoring Level", "out of range, severity filter"),
    Case("N06", "Clear / Remove Monitoring", "Accepted, NotFound, Rejected, too many ids"),
    Case("N07", "Alert Event", "pre-configured and hard-wired monitors, no set-up"),
    Case("N07.FR.16", "Alert Event", "UpperThreshold exceeded and cleared"),
    Case("N08", "Periodic Event", "a Periodic monitor reports on its interval"),
    Case("N07.FR.04", "Alert Event", "offline queuing by OfflineQueuingSeverity"),
    Case("N07.FR.13", "Monitors", "persist across a restart"),
)
OTHER_CASE_IDS = frozenset(case.id for case in OTHER_CASES)
