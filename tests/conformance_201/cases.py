"""The charging-station cases of the OCPP 2.0.1 Core certification profile (part 5 section 4.2: every
case marked M in the "Conf. test for Charging Station" column) as data: id, the part 5 group and title.
Their steps and expected messages are in part 6 (`TC_<id>_CS`); each test in this folder plays one and
says which. `make conformance-201` renders this table with the outcome of each case's test in that run
into docs/conformance-201.md (report.py); pending.py says why a case has no test yet."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CASES", "CASE_IDS", "Case"]


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    group: str
    title: str


CASES: tuple[Case, ...] = (
    Case("TC_A_01", "Basic Authentication", "Valid username/password combination"),
    Case("TC_A_09", "Update Charging Station Password for HTTP Basic Authentication", "Accepted"),
    Case("TC_A_10", "Update Charging Station Password for HTTP Basic Authentication", "Rejected"),
    Case("TC_A_04", "TLS - server-side certificate", "Valid certificate"),
    Case("TC_A_05", "TLS - server-side certificate", "Invalid certificate"),
    Case("TC_A_06", "TLS - server-side certificate", "TLS version too low"),
    Case("TC_A_19", "Upgrade Charging Station Security Profile", "Accepted"),
    Case("TC_A_22", "Upgrade Charging Station Security Profile", "Downgrade security profile - Rejected"),
    Case("TC_B_01", "Cold Boot Charging Station", "Accepted"),
    Case("TC_B_02", "Cold Boot Charging Station", "Pending"),
    Case("TC_B_03", "Cold Boot Charging Station", "Rejected"),
    Case("TC_B_30", "Cold Boot Charging Station", "Pending/Rejected - SecurityError"),
    Case("TC_B_51", "Status change during offline period", "> Offline Threshold"),
    Case("TC_B_52", "Status change during offline period", "< Offline Threshold"),
    Case("TC_B_06", "Get Variables", "single value"),
    Case("TC_B_07", "Get Variables", "multiple values"),
    Case("TC_B_32", "Get Variables", "Unknown component"),
    Case("TC_B_33", "Get Variables", "Unknown variable"),
    Case("TC_B_34", "Get Variables", "Not supported attribute type"),
    Case("TC_B_09", "Set Variables", "single value"),
    Case("TC_B_10", "Set Variables", "multiple values"),
    Case("TC_B_35", "Set Variables", "Unknown component"),
    Case("TC_B_36", "Set Variables", "Unknown variable"),
    Case("TC_B_37", "Set Variables", "Not supported attribute type"),
    Case("TC_B_11", "Set Variables", "invalidly formatted values"),
    Case("TC_B_39", "Set Variables", "Read-only"),
    Case("TC_B_12", "Get Base Report", "ConfigurationInventory"),
    Case("TC_B_13", "Get Base Report", "FullInventory"),
    Case("TC_B_53", "Get Base Report", "Test mandatory DM variables via FullInventory"),
    Case("TC_B_20", "Reset Charging Station", "Without ongoing transaction - OnIdle"),
    Case("TC_B_21", "Reset Charging Station", "With Ongoing Transaction - OnIdle"),
    Case("TC_B_22", "Reset Charging Station", "With Ongoing Transaction - Immediate"),
    Case("TC_B_23", "Reset Charging Station", "Unavailable persists reset"),
    Case("TC_B_43", "Set new NetworkConnectionProfile", "Rejected"),
    Case("TC_B_45", "Migrate to new ConnectionProfile", "Success - Same CSMS Root"),
    Case("TC_B_46", "Migrate to new ConnectionProfile", "Fallback mechanism - Same CSMS Root"),
    Case("TC_B_57", "Network Reconnection", "After connection loss"),
    Case("TC_E_41", "Retry sending transaction message when failed", "Max retry count reached"),
    Case(
        "TC_E_42",
        "Retry sending transaction message when failed",
        "Success before reaching the max retry count",
    ),
    Case("TC_E_50", "Retry sending transaction message when failed", "Max retry count reached - CallError"),
    Case(
        "TC_E_51",
        "Retry sending transaction message when failed",
        "Success before reaching the max retry count - CallError",
    ),
    Case("TC_E_40", "Offline Behaviour", "Connection loss during transaction"),
    Case("TC_E_28", "Check Transaction status", "TransactionId unknown"),
    Case("TC_E_29", "Check Transaction status", "Transaction with id ongoing - with message in queue"),
    Case("TC_E_30", "Check Transaction status", "Transaction with id ongoing - without message in queue"),
    Case("TC_E_31", "Check Transaction status", "Transaction with id ended - with message in queue"),
    Case("TC_E_32", "Check Transaction status", "Transaction with id ended - without message in queue"),
    Case("TC_E_33", "Check Transaction status", "Without transactionId - with message in queue"),
    Case("TC_E_34", "Check Transaction status", "Without transactionId - without message in queue"),
    Case("TC_F_04", "Remote start transaction", "Remote start first - Cable plugin timeout"),
    Case("TC_F_08", "Remote stop transaction", "Success"),
    Case("TC_F_09", "Remote stop transaction", "Rejected"),
    Case("TC_F_20", "Trigger message", "Heartbeat"),
    Case("TC_G_01", "Connector status Notification", "Available to Occupied"),
    Case("TC_G_02", "Connector status Notification", "Occupied to Available"),
    Case("TC_G_03", "Change Availability EVSE", "Operative to inoperative"),
    Case("TC_G_09", "Change Availability EVSE", "Operative to operative"),
    Case("TC_G_04", "Change Availability EVSE", "Inoperative to operative"),
    Case("TC_G_10", "Change Availability EVSE", "Inoperative to inoperative"),
    Case("TC_G_11", "Change Availability EVSE", "With ongoing transaction"),
    Case("TC_G_18", "Change Availability EVSE", "state persists across reboot"),
    Case("TC_G_05", "Change Availability Charging Station", "Operative to inoperative"),
    Case("TC_G_12", "Change Availability Charging Station", "Operative to operative"),
    Case("TC_G_06", "Change Availability Charging Station", "Inoperative to operative"),
    Case("TC_G_13", "Change Availability Charging Station", "Inoperative to inoperative"),
    Case("TC_G_21", "Change Availability Charging Station", "state persists across reboot"),
    Case("TC_G_14", "Change Availability Charging Station", "With ongoing transaction"),
    Case("TC_G_07", "Change Availability Connector", "Operative to inoperative"),
    Case("TC_G_15", "Change Availability Connector", "Operative to operative"),
    Case("TC_G_08", "Change Availability Connector", "Inoperative to operative"),
    Case("TC_G_16", "Change Availability Connector", "Inoperative to inoperative"),
    Case("TC_G_17", "Change Availability Connector", "With ongoing transaction"),
    Case("TC_G_19", "Change Availability Connector", "state persists across reboot"),
    Case("TC_J_01", "Clock-aligned Meter Values", "No transaction ongoing"),
    Case("TC_J_02", "Clock-aligned Meter Values", "Transaction ongoing"),
    Case("TC_J_03", "Clock-aligned Meter Values", "EventType Ended"),
    Case("TC_J_07", "Sampled Meter Values", "EventType Started - EVSE known"),
    Case("TC_J_09", "Sampled Meter Values", "EventType Updated"),
    Case("TC_J_10", "Sampled Meter Values", "EventType Ended"),
    Case("TC_L_01", "Secure Firmware Update", "Installation successful"),
    Case("TC_L_02", "Secure Firmware Update", "InstallScheduled"),
    Case("TC_L_03", "Secure Firmware Update", "DownloadScheduled"),
    Case("TC_L_05", "Secure Firmware Update", "InvalidCertificate"),
    Case("TC_L_06", "Secure Firmware Update", "InvalidSignature"),
    Case("TC_L_07", "Secure Firmware Update", "DownloadFailed"),
    Case("TC_L_08", "Secure Firmware Update", "InstallVerificationFailed or InstallationFailed"),
    Case("TC_L_18", "Secure Firmware Update", "Missing firmware signing certificate and signature"),
    Case("TC_M_12", "Retrieve certificates from Charging Station", "CSMSRootCertificate"),
    Case("TC_M_13", "Retrieve certificates from Charging Station", "ManufacturerRootCertificate"),
    Case(
        "TC_M_17",
        "Retrieve certificates from Charging Station",
        "CSMSRootCertificate & ManufacturerRootCertificate",
    ),
    Case("TC_M_18", "Retrieve certificates from Charging Station", "All certificateTypes"),
    Case("TC_M_19", "Retrieve certificates from Charging Station", "No matching certificate found"),
    Case("TC_M_20", "Delete a certificate from a Charging Station", "Success"),
    Case("TC_M_22", "Delete a certificate from a Charging Station", "No matching certificate found"),
    Case(
        "TC_M_23",
        "Delete a certificate from a Charging Station",
        "Unable to delete the Charging Station Certificate",
    ),
    Case("TC_M_01", "Install CA certificate", "CSMSRootCertificate"),
    Case("TC_M_02", "Install CA certificate", "ManufacturerRootCertificate"),
    Case("TC_M_07", "Install CA certificate", "Rejected - Certificate invalid"),
    Case("TC_N_25", "Retrieve Log Information", "Diagnostics Log - Success"),
    Case("TC_N_26", "Retrieve Log Information", "Diagnostics Log - Upload failed"),
    Case("TC_N_35", "Retrieve Log Information", "Security Log - Success"),
    Case("TC_N_32", "Clear Customer Information", "Clear and no report"),
    Case(
        "TC_P_01", "Data Transfer to the Charging Station", "Rejected / Unknown VendorId / Unknown MessageId"
    ),
    Case("TC_P_03", "CustomData", "Receive custom data"),
)
CASE_IDS = frozenset(case.id for case in CASES)
