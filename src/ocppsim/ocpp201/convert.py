"""The shared model's CP->CS requests as OCPP 2.0.1 messages (part 2 "Messages"; the schemas of
ocpp/v201 win for fields). The model speaks in 1.6 notions; this is where they become 2.0.1's:

| model request | 2.0.1 message |
|---|---|
| StartTransactionReq | TransactionEvent eventType Started (E01-E03), seqNo 0 |
| MeterValuesReq of a transaction, periodic / aligned | TransactionEvent Updated (J02) |
| MeterValuesReq of a transaction, Transaction.Begin / End | not sent: Started / Ended carry them |
| the same, signed (signed meter values) | in Started (wire.py signed_begin) / Ended |
| StopTransactionReq | TransactionEvent Ended with stoppedReason (E06, E07, E10, B12) |
| MeterValuesReq without transaction, or triggered | MeterValues with evseId (J01, F06) |
| StatusNotificationReq, connector n | StatusNotification evseId n, connectorId 1, connectorStatus (G01) |
| StatusNotificationReq, connector 0 | not sent (2.0.1 has no station-wide connector status) |
| AuthorizeReq | Authorize with idToken {idToken, type} (C01) |
| BootNotificationReq | BootNotification {chargingStation, reason} (B01) |

EVSE n is 1.6 connector n: this station has one connector per EVSE (part 1 section 2.2).
transactionId: the station makes it (2.0.1 E01: the Charging Station assigns it), here the decimal text
of the transaction's local reference (persisted, counting up), so it is known from the start and survives
a restart; the model's int transaction_id is set to that reference once Started is answered.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from ocppsim import ocmf
from ocppsim.model.device_model.status import connector_status
from ocppsim.model.meter import MeterValue
from ocppsim.model.outgoing import (
    AuthorizeReq,
    BootNotificationReq,
    DataTransferReq,
    FirmwareStatusNotificationReq,
    HeartbeatReq,
    IdTagInfo,
    LogStatusNotificationReq,
    MeterValuesReq,
    NotifyCustomerInformationReq,
    NotifyDisplayMessagesReq,
    NotifyReportReq,
    ReportChargingProfilesReq,
    ReportedVariable,
    ReservationStatusUpdateReq,
    SecurityEventNotificationReq,
    SignCertificateReq,
    SignedFirmwareStatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.security.events import NAMES_201
from ocppsim.model.types import AuthorizationStatus, ReadingContext, Reason, ValueFormat
from ocppsim.ocpp16.convert import format_time, parse_time
from ocppsim.ocpp201.display import message_info
from ocppsim.ocpp201.monitoring_payloads import monitoring_payload
from ocppsim.ocpp201.profiles import profile_payload

__all__ = [
    "DEFAULT_ID_TOKEN_TYPE",
    "STOP_REASONS",
    "begin_value",
    "boot_payload",
    "connector_status",
    "format_time",
    "id_token_info",
    "journal_text",
    "meter_values",
    "report_data",
    "signed_meter_value",
    "simple_payload",
    "stop_reason",
    "transaction_id",
]

_SIGNED_DATA = ValueFormat.SIGNED_DATA
DEFAULT_ID_TOKEN_TYPE: Final = "ISO14443"  # a local RFID card (C01), unless the CSMS gave the token's type

# 1.6 stop reason -> (2.0.1 triggerReason, stoppedReason) (part 2 appendices TriggerReasonEnumType,
# ReasonEnumType; E06-E10, B12: a reset stops with ImmediateReset).
STOP_REASONS: Final = {
    Reason.LOCAL: ("StopAuthorized", "Local"),
    Reason.REMOTE: ("RemoteStop", "Remote"),
    Reason.EV_DISCONNECTED: ("EVCommunicationLost", "EVDisconnected"),
    Reason.DE_AUTHORIZED: ("Deauthorized", "DeAuthorized"),
    Reason.SOFT_RESET: ("ResetCommand", "ImmediateReset"),
    Reason.HARD_RESET: ("ResetCommand", "ImmediateReset"),
    Reason.REBOOT: ("ResetCommand", "Reboot"),
    Reason.POWER_LOSS: ("AbnormalCondition", "PowerLoss"),
    Reason.EMERGENCY_STOP: ("AbnormalCondition", "EmergencyStop"),
    Reason.UNLOCK_COMMAND: ("UnlockCommand", "Other"),
    Reason.OTHER: ("AbnormalCondition", "Other"),
}

# 2.0.1 AuthorizationStatusEnumType -> the 1.6 status the authorization block decides on: every refusal
# 1.6 lacks (NoCredit, NotAllowedTypeEVSE, NotAtThisLocation, NotAtThisTime, Unknown) is Invalid.
_AUTH_STATUS: Final = {
    "Accepted": AuthorizationStatus.ACCEPTED,
    "Blocked": AuthorizationStatus.BLOCKED,
    "ConcurrentTx": AuthorizationStatus.CONCURRENT_TX,
    "Expired": AuthorizationStatus.EXPIRED,
}


def transaction_id(tx_ref: int) -> str:
    return str(tx_ref)


def id_token_info(payload: dict[str, Any] | None) -> IdTagInfo | None:
    """IdTokenInfoType -> the model's IdTagInfo (groupIdToken is the 1.6 parentIdTag, C09)."""
    if not payload:
        return None
    group = payload.get("groupIdToken")
    expiry = payload.get("cacheExpiryDateTime")
    return IdTagInfo(
        status=_AUTH_STATUS.get(payload["status"], AuthorizationStatus.INVALID),
        parent_id_tag=group["idToken"] if group else None,
        expiry_date=parse_time(expiry) if expiry else None,
    )


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def meter_values(values: tuple[MeterValue, ...], public_key: str = "") -> list[dict[str, Any]]:
    """MeterValueType list: 2.0.1 values are numbers and the unit an object (unitOfMeasure). A signed
    reading (format SignedData, runtime/ocmf_signer.py) is no value of its own in 2.0.1: it becomes the
    signedMeterValue of the Raw value it signs (`signed_meter_value`), `public_key` (base64, or "" when
    OCPPCommCtrlr.PublicKeyWithSignedMeterValue says not this time) with it."""
    result = []
    for mv in values:
        if not mv.sampled_value:
            continue
        signed = {
            (sv.measurand, sv.context): sv.value for sv in mv.sampled_value if sv.format is _SIGNED_DATA
        }
        sampled = []
        for sv in mv.sampled_value:
            if sv.format is _SIGNED_DATA:
                continue
            item: dict[str, Any] = {"value": _number(sv.value), "context": str(sv.context)}
            item["measurand"] = str(sv.measurand)
            if sv.phase is not None:
                item["phase"] = str(sv.phase)
            if sv.location is not None:
                item["location"] = str(sv.location)
            document = signed.pop((sv.measurand, sv.context), None) if sv.phase is None else None
            if document is not None:
                item["signedMeterValue"] = signed_meter_value(document, public_key)
            if sv.unit is not None:
                item["unitOfMeasure"] = {"unit": str(sv.unit)}
            sampled.append(item)
        if sampled:
            result.append({"timestamp": format_time(mv.timestamp), "sampledValue": sampled})
    return result


def signed_meter_value(document: str, public_key: str) -> dict[str, str]:
    """SignedMeterValueType (part 2 2.46; the schema's fields) for an OCMF document: the document in
    base64 (signedMeterData), encodingMethod "OCMF" (the document says how the reading is encoded),
    signingMethod the OCMF signature algorithm (its SA, OCMF Table 22), publicKey base64 of the key's DER
    or "" (it is required, PublicKeyWithSignedMeterValue decides whether it is filled)."""
    return {
        "signedMeterData": ocmf.signed_meter_data(document),
        "signingMethod": ocmf.ALGORITHM,
        "encodingMethod": "OCMF",
        "publicKey": public_key,
    }


def begin_value(meter_start: int, timestamp: float) -> dict[str, Any]:
    """The register at the start (context Transaction.Begin), for TxStartedMeasurands."""
    return {
        "timestamp": format_time(timestamp),
        "sampledValue": [
            {
                "value": meter_start,
                "context": ReadingContext.TRANSACTION_BEGIN.value,
                "measurand": "Energy.Active.Import.Register",
                "unitOfMeasure": {"unit": "Wh"},
            }
        ],
    }


def boot_payload(req: BootNotificationReq, reason: str) -> dict[str, Any]:
    info = req.info
    station: dict[str, Any] = {
        # CiString20 / CiString50 (BootNotificationRequest schema)
        "model": info.charge_point_model[:20],
        "vendorName": info.charge_point_vendor[:50],
    }
    if info.charge_point_serial_number:
        station["serialNumber"] = info.charge_point_serial_number[:25]
    if info.firmware_version:
        station["firmwareVersion"] = info.firmware_version[:50]
    if info.iccid or info.imsi:
        modem = {"iccid": info.iccid, "imsi": info.imsi}
        station["modem"] = {k: v[:20] for k, v in modem.items() if v}
    return {"chargingStation": station, "reason": reason}


def report_data(entry: ReportedVariable) -> dict[str, Any]:
    component: dict[str, Any] = {"name": entry.component}
    if entry.evse is not None:
        component["evse"] = {"id": entry.evse}
        if entry.connector is not None:
            component["evse"]["connectorId"] = entry.connector
    variable: dict[str, Any] = {"name": entry.variable}
    if entry.instance is not None:
        variable["instance"] = entry.instance
    attributes = []
    for kind, value, mutability in entry.attributes:
        attribute: dict[str, Any] = {
            "type": kind,
            "mutability": mutability,
            "persistent": True,
            "constant": entry.constant,
        }
        if value is not None:
            attribute["value"] = value
        attributes.append(attribute)
    # Every variable takes at least a Delta monitor (part 1 section 4.4; model/monitoring/).
    characteristics: dict[str, Any] = {"dataType": entry.data_type, "supportsMonitoring": True}
    if entry.unit is not None:
        characteristics["unit"] = entry.unit
    if entry.min_limit is not None:
        characteristics["minLimit"] = entry.min_limit
    if entry.max_limit is not None:
        characteristics["maxLimit"] = entry.max_limit
    if entry.values_list is not None:
        characteristics["valuesList"] = entry.values_list
    return {
        "component": component,
        "variable": variable,
        "variableAttribute": attributes,
        "variableCharacteristics": characteristics,
    }


# The security block raises the Security Whitepaper's event names (model/security/events.py); 2.0.1 renamed
# four of them (part 2 appendices "Security events"): the rest are spelled the same.
SECURITY_EVENTS: Final = NAMES_201


def _with_request_id(status: str, request_id: int | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"status": status}
    if request_id is not None:
        payload["requestId"] = request_id
    return payload


def simple_payload(req: object, id_token_type: str) -> tuple[str, dict[str, Any]] | None:
    """Action and payload of the requests that carry no transaction (None: not one of them)."""
    if isinstance(req, HeartbeatReq):
        return "Heartbeat", {}
    if isinstance(req, AuthorizeReq):
        return "Authorize", {"idToken": {"idToken": req.id_tag, "type": id_token_type}}
    if isinstance(req, MeterValuesReq):
        return "MeterValues", {"evseId": req.connector_id, "meterValue": meter_values(req.meter_value)}
    if isinstance(req, NotifyReportReq):
        payload: dict[str, Any] = {
            "requestId": req.request_id,
            "generatedAt": format_time(req.generated_at),
            "seqNo": req.seq_no,
            "tbc": req.tbc,
        }
        if req.data:
            payload["reportData"] = [report_data(entry) for entry in req.data]
        return "NotifyReport", payload
    if isinstance(req, DataTransferReq):
        payload = {"vendorId": req.vendor_id}
        if req.message_id is not None:
            payload["messageId"] = req.message_id
        if req.data is not None:
            payload["data"] = req.data
        return "DataTransfer", payload
    if isinstance(req, FirmwareStatusNotificationReq):
        return "FirmwareStatusNotification", {"status": req.status.value}
    if isinstance(req, SecurityEventNotificationReq):
        event_type = SECURITY_EVENTS.get(req.event_type, req.event_type)
        payload = {"type": event_type, "timestamp": format_time(req.timestamp)}
        if req.tech_info:
            payload["techInfo"] = req.tech_info[:255]
        return "SecurityEventNotification", payload
    if isinstance(req, SignCertificateReq):
        # A02/A03: the CSR and what it is for (ChargingStationCertificate or V2GCertificate).
        return "SignCertificate", {"csr": req.csr, "certificateType": req.certificate_type}
    if isinstance(req, LogStatusNotificationReq):
        # N01: UploadLogStatusEnumType has every 1.6 Whitepaper status.
        return "LogStatusNotification", _with_request_id(req.status, req.request_id)
    if isinstance(req, SignedFirmwareStatusNotificationReq):
        # L01: 2.0.1 has one firmware update, always signed; its statuses include the Whitepaper's.
        return "FirmwareStatusNotification", _with_request_id(req.status, req.request_id)
    if isinstance(req, NotifyCustomerInformationReq):
        return "NotifyCustomerInformation", {
            "data": req.data[:512],
            "seqNo": 0,
            "tbc": False,
            "generatedAt": format_time(req.generated_at),
            "requestId": req.request_id,
        }
    if isinstance(req, ReservationStatusUpdateReq):
        # H04: Expired / Removed (ReservationUpdateStatusEnumType)
        return "ReservationStatusUpdate", {
            "reservationId": req.reservation_id,
            "reservationUpdateStatus": req.status,
        }
    if isinstance(req, NotifyDisplayMessagesReq):
        # O04: the messages asked for, in parts of the one requestId (tbc: more parts follow)
        payload = {"requestId": req.request_id, "tbc": req.tbc}
        if req.messages:
            payload["messageInfo"] = [message_info(m) for m in req.messages]
        return "NotifyDisplayMessages", payload
    monitoring = monitoring_payload(req)  # NotifyEvent, NotifyMonitoringReport (N02, N07, N08)
    if monitoring is not None:
        return monitoring
    if isinstance(req, ReportChargingProfilesReq):
        return "ReportChargingProfiles", {
            "requestId": req.request_id,
            "chargingLimitSource": "CSO",
            "evseId": req.evse_id,
            "chargingProfile": [profile_payload(profile) for profile in req.profiles],
            "tbc": req.tbc,
        }
    return None


def stop_reason(req: StopTransactionReq) -> tuple[str, str]:
    if req.ev_connect_timeout:
        return "EVConnectTimeout", "Timeout"  # E03.FR.05, TC_F_04
    trigger, stopped = STOP_REASONS.get(req.reason, ("AbnormalCondition", "Other"))
    # TxStopPoint (model/transactions/points.py): the stop point that ended it and the event that began
    # the stop may differ (errata 2.5.2: EVCommunicationLost with stoppedReason Local).
    return req.trigger or trigger, req.stopped_reason or stopped


def journal_text(payload: dict[str, Any]) -> str:
    return orjson.dumps(payload).decode()
