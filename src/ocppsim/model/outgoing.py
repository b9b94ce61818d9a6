"""What the charger asks the runtime to do: CP->CS requests and local effects.

Requests are frozen dataclasses; the adapter turns them into OCPP-J payloads. Requests that belong to a
transaction carry `tx_ref`, the charger's local key of that transaction: the transactionId is only known
once StartTransaction.conf arrives (offline-and-reliability.md section 4), so the runtime substitutes it
when the message is actually sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ocppsim.model.display_messages import DisplayMessage
from ocppsim.model.local_effects import (
    AvailabilityChanged,
    ConfigChanged,
    DownloadFirmware,
    FirmwareVersionChanged,
    InterruptedTransaction,
    ProfilesChanged,
    Reboot,
    Reconnect,
    Reservation,
    ReservationsChanged,
    UploadDiagnostics,
)
from ocppsim.model.meter import MeterValue
from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.security_effects import (
    CertificatesChanged,
    ChargePointCertificateChanged,
    DownloadSignedFirmware,
    MakeCsr,
    SecurityHooks,
    SecurityLogEntry,
    UploadLog,
    V2GCertificateChanged,
)
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ChargePointStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    ReadingContext,
    Reason,
    Timestamp,
)

__all__ = [
    "AuthCacheChanged",
    "AuthorizeReq",
    "AvailabilityChanged",
    "BootInfo",
    "BootNotificationReq",
    "CertificatesChanged",
    "ChargePointCertificateChanged",
    "ConfigChanged",
    "DataTransferReq",
    "DiagnosticsStatusNotificationReq",
    "DownloadFirmware",
    "Effect",
    "FirmwareStatusNotificationReq",
    "FirmwareVersionChanged",
    "HeartbeatReq",
    "IdTagInfo",
    "InterruptedTransaction",
    "LocalListChanged",
    "LogStatusNotificationReq",
    "MakeCsr",
    "MeterValuesReq",
    "NotifyCustomerInformationReq",
    "NotifyDisplayMessagesReq",
    "NotifyReportReq",
    "ProfilesChanged",
    "Reboot",
    "Reconnect",
    "ReplayedReq",
    "ReportChargingProfilesReq",
    "ReportedVariable",
    "Request",
    "Reservation",
    "ReservationStatusUpdateReq",
    "ReservationsChanged",
    "SecurityEventNotificationReq",
    "SecurityHooks",
    "SecurityLogEntry",
    "SignCertificateReq",
    "SignedFirmwareStatusNotificationReq",
    "SignedReading",
    "StartTransactionReq",
    "StatusNotificationReq",
    "StopTransactionReq",
    "TransactionUpdateReq",
    "UploadDiagnostics",
    "UploadLog",
    "V2GCertificateChanged",
]


@dataclass(frozen=True, slots=True)
class IdTagInfo:
    status: AuthorizationStatus
    parent_id_tag: str | None = None
    expiry_date: Timestamp | None = None


@dataclass(frozen=True, slots=True)
class BootInfo:
    charge_point_vendor: str = "ocppsim"
    charge_point_model: str = "ocppsim"
    charge_point_serial_number: str | None = None
    charge_box_serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None


# An enum member read through its type costs ~3x a plain attribute in Python 3.11 (the enum type's
# __getattr__ hook): a constant for the per-message path.
_TRIGGER = ReadingContext.TRIGGER


class Request:
    """Base of CP->CS requests."""

    __slots__ = ()
    ACTION: ClassVar[str]
    # Transaction-related messages are queued in order and retried (OCPP 1.6 section 4.10 / 3.6).
    TRANSACTION_RELATED: ClassVar[bool] = False

    @property
    def transaction_related(self) -> bool:
        return self.TRANSACTION_RELATED


@dataclass(frozen=True, slots=True)
class BootNotificationReq(Request):
    ACTION: ClassVar[str] = "BootNotification"
    info: BootInfo


@dataclass(frozen=True, slots=True)
class HeartbeatReq(Request):
    ACTION: ClassVar[str] = "Heartbeat"


@dataclass(frozen=True, slots=True)
class StatusNotificationReq(Request):
    ACTION: ClassVar[str] = "StatusNotification"
    connector_id: int
    status: ChargePointStatus
    error_code: ChargePointErrorCode
    timestamp: Timestamp
    info: str | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorizeReq(Request):
    ACTION: ClassVar[str] = "Authorize"
    id_tag: str
    connector_id: int  # the connector the driver stands at (not sent; routes the answer)
    remote: bool = False  # authorizing a RemoteStartTransaction (AuthorizeRemoteTxRequests)
    # A badge swipe (authorization.swipe): before the cable it does not plug in; during a transaction
    # `stop_tx_ref` names the transaction it may stop (parentIdTag match, sections 3.10, 4.1).
    swipe: bool = False
    stop_tx_ref: int | None = None
    unplugs: int = 0  # the connector's unplug count when the driver presented the tag (not sent)


@dataclass(frozen=True, slots=True)
class StartTransactionReq(Request):
    ACTION: ClassVar[str] = "StartTransaction"
    TRANSACTION_RELATED: ClassVar[bool] = True
    tx_ref: int
    connector_id: int
    id_tag: str
    meter_start: int
    timestamp: Timestamp
    reservation_id: int | None = None
    # OCPP 2.0.1 only (transactions/points.py): the Started event's triggerReason (None: Authorized, or
    # RemoteStart for a remotely started one), its chargingState, the idToken's type. `id_tag` is ""
    # for a transaction started before authorization (TxStartPoint ParkingBayOccupancy, EVConnected).
    trigger: str | None = None
    charging_state: str | None = None
    id_token_type: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionUpdateReq(Request):
    """OCPP 2.0.1 only: a TransactionEvent Updated for a change in the transaction itself (E01-E09), not
    for meter values: the cable came or went, the token authorized it after its start or stopped it
    without ending it, the chargingState changed. Emitted only while TxCtrlr points are followed."""

    ACTION: ClassVar[str] = "TransactionEvent"
    TRANSACTION_RELATED: ClassVar[bool] = True
    tx_ref: int
    connector_id: int
    trigger: str  # TriggerReasonEnumType
    timestamp: Timestamp
    charging_state: str | None = None  # ChargingStateEnumType, when it changed
    id_tag: str | None = None  # the token that authorized (or stopped) the transaction
    id_token_type: str | None = None


@dataclass(frozen=True, slots=True)
class StopTransactionReq(Request):
    ACTION: ClassVar[str] = "StopTransaction"
    TRANSACTION_RELATED: ClassVar[bool] = True
    tx_ref: int
    meter_stop: int
    timestamp: Timestamp
    reason: Reason
    id_tag: str | None = None
    transaction_data: tuple[MeterValue, ...] = ()
    # OCPP 2.0.1 only (1.6 has no such reason; `reason` is then Other): a transaction started at
    # authorization that no EV joined within EVConnectionTimeOut (E03.FR.05: stoppedReason Timeout).
    ev_connect_timeout: bool = False
    # OCPP 2.0.1 only (transactions/points.py): the Ended event's triggerReason and stoppedReason when
    # they are not those of `reason` (the stop point that ended it is not what began the stop, errata
    # 2.5.2: e.g. EVCommunicationLost with stoppedReason Local), and the idToken's type.
    trigger: str | None = None
    stopped_reason: str | None = None
    id_token_type: str | None = None
    charging_state: str | None = None  # at the end: EVConnected with the cable still in, else Idle


@dataclass(frozen=True, slots=True)
class SignedReading:
    """A fiscally relevant reading to be signed (German calibration law, OCMF): what is read, not how it
    is signed. The signing happens outside the model (runtime/ocmf_signer.py), which knows the key."""

    reason: str  # OCMF "TX": "B" Transaction.Begin, "E" Transaction.End
    wh: int  # the register in whole Wh: the very number of the Raw Energy.Active.Import.Register value
    id_tag: str | None  # the transaction's idTag (OCMF "ID")
    # OCMF time status: synchronized once a CSMS accepted the boot (its currentTime confirmed the time; the
    # simulator keeps the host's clock, taken as NTP-synchronized), unknown before.
    clock_set: bool


@dataclass(frozen=True, slots=True)
class MeterValuesReq(Request):
    ACTION: ClassVar[str] = "MeterValues"
    connector_id: int
    meter_value: tuple[MeterValue, ...]
    tx_ref: int | None = None
    context: ReadingContext = ReadingContext.SAMPLE_PERIODIC
    # Eichrecht (ChargerParams.signed_meter_values): the reading the runtime's signing component signs
    # and adds to the first meter value as a SignedData value before the message is queued.
    sign: SignedReading | None = None

    @property
    def transaction_related(self) -> bool:
        # Queue those carrying a transactionId; triggered values are "current data only" (section 5.17).
        return self.tx_ref is not None and self.context is not _TRIGGER


@dataclass(frozen=True, slots=True)
class DataTransferReq(Request):
    ACTION: ClassVar[str] = "DataTransfer"
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


@dataclass(frozen=True, slots=True)
class FirmwareStatusNotificationReq(Request):
    ACTION: ClassVar[str] = "FirmwareStatusNotification"
    status: FirmwareStatus


@dataclass(frozen=True, slots=True)
class DiagnosticsStatusNotificationReq(Request):
    ACTION: ClassVar[str] = "DiagnosticsStatusNotification"
    status: DiagnosticsStatus


@dataclass(frozen=True, slots=True)
class ReportedVariable:
    """One variable of an OCPP 2.0.1 device-model report (ReportDataType, part 2 appendices): where it
    is, its attributes as (type, value or None for WriteOnly, mutability) and its characteristics."""

    component: str
    evse: int | None
    connector: int | None
    variable: str
    instance: str | None
    attributes: tuple[tuple[str, str | None, str], ...]
    data_type: str
    unit: str | None = None
    min_limit: float | None = None
    max_limit: float | None = None
    values_list: str | None = None
    constant: bool = False


@dataclass(frozen=True, slots=True)
class NotifyReportReq(Request):
    """One part of an OCPP 2.0.1 report (B07 GetBaseReport, B08 GetReport): parts numbered from 0
    (`seq_no`), `tbc` on every part but the last."""

    ACTION: ClassVar[str] = "NotifyReport"
    request_id: int
    generated_at: Timestamp
    seq_no: int
    tbc: bool
    data: tuple[ReportedVariable, ...]


@dataclass(frozen=True, slots=True)
class NotifyCustomerInformationReq(Request):
    """OCPP 2.0.1 N09/N10: what the station holds about a customer, or that it was cleared."""

    ACTION: ClassVar[str] = "NotifyCustomerInformation"
    request_id: int
    generated_at: Timestamp
    data: str


@dataclass(frozen=True, slots=True)
class SignCertificateReq(Request):
    """Security Whitepaper (SWP) 5.17: the PEM PKCS#10 CSR of a fresh key pair (A02/A03)."""

    ACTION: ClassVar[str] = "SignCertificate"
    csr: str
    # OCPP 2.0.1 certificateType (A02/A03; a 1.6 SignCertificate.req has no such field).
    certificate_type: str = "ChargingStationCertificate"


@dataclass(frozen=True, slots=True)
class SecurityEventNotificationReq(Request):
    """SWP 5.15 / OCPP 2.0.1 A04 (same fields in both versions): guaranteed delivery (A04.FR.02):
    journaled like a transaction message."""

    ACTION: ClassVar[str] = "SecurityEventNotification"
    TRANSACTION_RELATED: ClassVar[bool] = True
    event_type: str
    timestamp: Timestamp
    tech_info: str | None = None


@dataclass(frozen=True, slots=True)
class ReportChargingProfilesReq(Request):
    """OCPP 2.0.1 K09: the installed profiles of one EVSE (0: the station) a GetChargingProfiles asked
    for, one message per EVSE, `tbc` on all but the last."""

    ACTION: ClassVar[str] = "ReportChargingProfiles"
    request_id: int
    evse_id: int
    profiles: tuple[ChargingProfile, ...]
    tbc: bool


@dataclass(frozen=True, slots=True)
class LogStatusNotificationReq(Request):
    """SWP 5.13 (N01): the status of a GetLog upload, with its requestId."""

    ACTION: ClassVar[str] = "LogStatusNotification"
    status: str
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class SignedFirmwareStatusNotificationReq(Request):
    """SWP 5.19 (L01): the status of a SignedUpdateFirmware, with its requestId."""

    ACTION: ClassVar[str] = "SignedFirmwareStatusNotification"
    status: str
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReservationStatusUpdateReq(Request):
    """OCPP 2.0.1 H04: a reservation ended without being used: its expiryDateTime passed (Expired) or
    the station removed it (Removed: its EVSE or the station went Faulted / Unavailable). Emitted only
    by a charger that speaks 2.0.1 (1.6 has no such message: section 5.13 ends reservations silently)."""

    ACTION: ClassVar[str] = "ReservationStatusUpdate"
    reservation_id: int
    status: str  # ReservationUpdateStatusEnumType: Expired, Removed


@dataclass(frozen=True, slots=True)
class NotifyDisplayMessagesReq(Request):
    """OCPP 2.0.1 O04: one part of the answer to GetDisplayMessages (requestId, tbc); the messages as
    the display block keeps them (model/display/), converted by the 2.0.1 adapter."""

    ACTION: ClassVar[str] = "NotifyDisplayMessages"
    request_id: int
    messages: tuple[DisplayMessage, ...]
    tbc: bool


@dataclass(frozen=True, slots=True)
class ReplayedReq(Request):
    """A transaction-related message read back from the journal after a restart: its payload as sent
    (JSON text, opaque to the model), the transactionId still to be filled in from `tx_ref`."""

    TRANSACTION_RELATED: ClassVar[bool] = True
    action: str
    body: str
    tx_ref: int | None
    journal_seq: int

    @property
    def ACTION(self) -> str:  # type: ignore[override]  # noqa: N802 - mirrors the ClassVar of requests
        return self.action


@dataclass(frozen=True, slots=True)
class AuthCacheChanged:
    """An Authorization Cache entry was stored (info), removed (info None) or the whole cache cleared
    (id_tag None); persist (offline-and-reliability.md section 5: the cache survives reboot and reset)."""

    id_tag: str | None
    info: IdTagInfo | None


@dataclass(frozen=True, slots=True)
class LocalListChanged:
    """The Local Authorization List changed (SendLocalList): persist it with its version (section 3.5)."""

    version: int
    entries: tuple[tuple[str, IdTagInfo], ...]


Effect = (
    Request
    | ConfigChanged
    | ProfilesChanged
    | AuthCacheChanged
    | LocalListChanged
    | AvailabilityChanged
    | ReservationsChanged
    | Reboot
    | Reconnect
    | DownloadFirmware
    | UploadDiagnostics
    | FirmwareVersionChanged
    | MakeCsr
    | DownloadSignedFirmware
    | CertificatesChanged
    | ChargePointCertificateChanged
    | SecurityLogEntry
    | UploadLog
    | V2GCertificateChanged
)
