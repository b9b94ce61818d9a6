"""Local effects: what the charger asks the runtime to keep or do that is not a message to the Central
System (persist a value, reboot, reconnect, transfer a file). Part of `outgoing.Effect`; apart so that
outgoing.py stays with the CP->CS requests (as security_effects.py holds the security block's)."""

from __future__ import annotations

from dataclasses import dataclass

from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.types import ResetType, Timestamp

__all__ = [
    "AvailabilityChanged",
    "ConfigChanged",
    "DownloadFirmware",
    "FirmwareVersionChanged",
    "InterruptedTransaction",
    "ProfilesChanged",
    "Reboot",
    "Reconnect",
    "Reservation",
    "ReservationsChanged",
    "UploadDiagnostics",
]


@dataclass(frozen=True, slots=True)
class InterruptedTransaction:
    """A transaction that was running when the simulator stopped (crash, kill -9, power loss)."""

    tx_ref: int
    connector_id: int
    id_tag: str


@dataclass(frozen=True, slots=True)
class ConfigChanged:
    """A configuration value changed by the CSMS: persist it (section 9: accepted values survive reboots)."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class AvailabilityChanged:
    """The connectors set Inoperative changed (ChangeAvailability): persist them, 0 for the charge point
    (section 5.2: "Connector set to Unavailable shall persist a reboot"; Scheduled ones included)."""

    inoperative: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ProfilesChanged:
    """The installed charging profiles changed: persist them (errata 3.37: they survive a reboot)."""

    profiles: tuple[ChargingProfile, ...]


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reservation made by ReserveNow (OCPP 1.6 section 5.13): connector 0 = any connector;
    `expiry_date` as the CSMS sent it (its clock, seconds since the epoch)."""

    reservation_id: int
    connector_id: int
    id_tag: str
    expiry_date: Timestamp
    parent_id_tag: str | None = None


@dataclass(frozen=True, slots=True)
class ReservationsChanged:
    """The reservations changed (made, replaced, used, expired, cancelled, ended by a fault): persist the
    whole set, so that a restart keeps the connectors reserved until their expiryDate."""

    reservations: tuple[Reservation, ...]


@dataclass(frozen=True, slots=True)
class Reboot:
    """Close the connection, restart the charger application and boot again (Reset, section 5.14)."""

    reset_type: ResetType


@dataclass(frozen=True, slots=True)
class Reconnect:
    """Drop the connection and connect again with the current credentials (new AuthorizationKey or
    SecurityProfile, Security Whitepaper section 2: "respond first, then reconnect")."""


@dataclass(frozen=True, slots=True)
class DownloadFirmware:
    """Fetch the firmware image at `location` (UpdateFirmware, section 5.19); the runtime reports the
    outcome back as `charger.firmware.on_download_result(job, ...)`. `job` tells a stale answer apart."""

    job: int
    location: str


@dataclass(frozen=True, slots=True)
class UploadDiagnostics:
    """Build the diagnostics file and upload it to `location` (GetDiagnostics, section 5.9), covering
    `start_time`..`stop_time` (None: unbounded); the outcome comes back as
    `charger.firmware.on_upload_result(job, ...)`."""

    job: int
    location: str
    file_name: str
    start_time: Timestamp | None
    stop_time: Timestamp | None


@dataclass(frozen=True, slots=True)
class FirmwareVersionChanged:
    """A firmware image was installed: persist its version (the next BootNotification carries it)."""

    version: str
