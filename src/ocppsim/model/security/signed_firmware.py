"""Secure firmware update (Security Whitepaper edition 2, use case L01; messages 5.19-5.22, 6.6).

    SignedUpdateFirmware -> (signing certificate checked against the ManufacturerRootCertificates before
    answering, L01.FR.23: InvalidCertificate + InvalidFirmwareSigningCertificate when not, FR.02/24)
    -> Accepted (AcceptedCanceled when it replaces an update in progress, FR.26) -> wait for
    retrieveDateTime -> Downloading -> (up to `retries` attempts, `retryInterval` apart) -> Downloaded |
    DownloadFailed -> the signature over the whole image checked (FR.04, by the runtime with ocppsim.pki)
    -> SignatureVerified | InvalidSignature (+ InvalidFirmwareSignature, FR.03) -> InstallScheduled until
    installDateTime (FR.16) -> wait until no transaction runs, connectors not in use Unavailable (FR.06/07)
    -> Installing -> (reboot into the new firmware) -> Installed, and FirmwareUpdated.

Every status carries the request's requestId (FR.10). OCPP 2.0.1 L01 (`full_statuses`, its adapter asks
for them; 1.6 unchanged): DownloadScheduled while retrieveDateTime is ahead, InstallRebooting before the
reboot into the new firmware (part 6 TC_L_01/03), and after the boot FirmwareUpdated and the connectors'
statuses ahead of Installed. A simulated installation failure (ChargerParams.firmware_install_fails) ends
the update with InstallationFailed after Installing, the old firmware kept (TC_L_08).

Pure: the download and the signature check are an effect the runtime carries out and reports back with
the `job` number (a newer request makes older answers stale).
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import FirmwareVersionChanged, Reboot, SignedFirmwareStatusNotificationReq
from ocppsim.model.security.events import SecurityEvent
from ocppsim.model.security_effects import DownloadSignedFirmware
from ocppsim.model.types import ResetType

if TYPE_CHECKING:
    from ocppsim.model.security.block import Security

__all__ = ["DEFAULT_RETRY_INTERVAL_S", "SignedFirmware", "SignedUpdate"]

# Without retryInterval "it is left to Charge Point to decide" (section 5.21).
DEFAULT_RETRY_INTERVAL_S = 30.0


class Phase(Enum):
    WAITING = "waiting"  # for retrieveDateTime or the next attempt (`due`)
    DOWNLOADING = "downloading"
    VERIFIED = "verified"  # waits for installDateTime and for transactions to end
    INSTALLING = "installing"  # Installing sent: waits for its answer, then installs
    REBOOTING = "rebooting"  # installed: the next accepted boot sends Installed
    BOOTED = "booted"  # 2.0.1: Installed goes at the next tick, after the connectors' statuses


class SignedUpdate:
    """One secure firmware update (the block keeps at most one)."""

    __slots__ = (
        "attempts_left",
        "certificate",
        "due",
        "full_statuses",
        "install_at",
        "job",
        "location",
        "phase",
        "request_id",
        "retry_interval",
        "signature",
        "version",
    )

    def __init__(
        self,
        job: int,
        request_id: int,
        location: str,
        certificate: str,
        signature: str,
        *,
        due: float,
        install_at: float | None,
        attempts: int,
        retry_interval: float,
        full_statuses: bool = False,
    ) -> None:
        self.job = job
        self.full_statuses = full_statuses
        self.request_id = request_id
        self.location = location
        self.certificate = certificate  # the Firmware Signing certificate, PEM (checked already)
        self.signature = signature  # base64 (section 6.7)
        self.due: float | None = due
        self.install_at = install_at
        self.attempts_left = attempts
        self.retry_interval = retry_interval
        self.phase = Phase.WAITING
        self.version: str | None = None


class SignedFirmware:
    __slots__ = ("_jobs", "_s", "_security", "last_status", "update")

    def __init__(self, state: ChargerState, security: Security) -> None:
        self._s = state
        self._security = security
        self._jobs = 0
        self.update: SignedUpdate | None = None
        # The last status sent (ExtendedTriggerMessage, FR.28/29) and the request it belonged to.
        self.last_status: tuple[str, int | None] = ("Idle", None)

    def _notify(self, status: str, update: SignedUpdate) -> None:
        self.last_status = (status, update.request_id)
        self._s.emit(SignedFirmwareStatusNotificationReq(status, update.request_id))

    def request(
        self,
        request_id: int,
        location: str,
        certificate: str,
        signature: str,
        *,
        retrieve_at: float,
        install_at: float | None,
        retries: int | None,
        retry_interval: int | None,
        certificate_problem: str | None,
        now: float,
        full_statuses: bool = False,
    ) -> str:
        """SignedUpdateFirmware.req (5.21). `certificate_problem`: why the signing certificate is not part of
        an installed ManufacturerRootCertificate's hierarchy (None: it is). Times on the CSMS's clock."""
        state = self._s
        state.advance(now)
        if certificate_problem is not None:
            self._security.event(SecurityEvent.INVALID_FIRMWARE_SIGNING_CERTIFICATE, now, certificate_problem)
            return "InvalidCertificate"
        current = self.update
        if current is not None and current.phase is Phase.BOOTED:
            self.tick(now)  # the update is over: its Installed goes first
            current = None
        if current is not None and current.phase is Phase.REBOOTING:
            return "Rejected"  # installed already, rebooting into it: cannot be cancelled (FR.27)
        self._jobs += 1
        offset = state.clock_offset
        self.update = SignedUpdate(
            self._jobs,
            request_id,
            location,
            certificate,
            signature,
            due=max(now, retrieve_at - offset),
            install_at=None if install_at is None else install_at - offset,
            attempts=1 if retries is None else max(1, retries),
            retry_interval=DEFAULT_RETRY_INTERVAL_S
            if retry_interval is None
            else float(max(0, retry_interval)),
            full_statuses=full_statuses,
        )
        update = self.update
        if full_statuses and update.due is not None and update.due > now:
            self._notify("DownloadScheduled", update)  # 2.0.1 L01: retrieveDateTime is in the future
        if current is None:
            return "Accepted"
        self._release(now)  # the update it cancels no longer holds the connectors (FR.26)
        return "AcceptedCanceled"

    # ------------------------------------------------------------------ what the runtime reports

    def on_download_result(self, job: int, version: str | None, signature_ok: bool, now: float) -> None:
        """A download attempt ended: the image's version (None: failed) and whether its signature verified."""
        state = self._s
        state.advance(now)
        update = self.update
        if update is None or update.job != job or update.phase is not Phase.DOWNLOADING:
            return  # stale
        if version is None:
            if update.attempts_left > 0:
                update.phase, update.due = Phase.WAITING, now + update.retry_interval
                return
            self._notify("DownloadFailed", update)
            self.update = None
            return
        self._notify("Downloaded", update)
        if not signature_ok:
            self._notify("InvalidSignature", update)
            self._security.event(SecurityEvent.INVALID_FIRMWARE_SIGNATURE, now, update.location[:200])
            self.update = None
            return
        update.version = version
        update.phase = Phase.VERIFIED
        self._notify("SignatureVerified", update)
        if update.install_at is not None and update.install_at > now:
            self._notify("InstallScheduled", update)  # FR.16
        else:
            self._hold(now)

    def on_status_answered(self, status: str, now: float) -> None:
        """Installing (2.0.1: InstallRebooting) was answered (or could not be delivered): install and
        reboot, so that the status is not lost with the connection."""
        update = self.update
        if update is None or update.phase is not Phase.INSTALLING:
            return
        if status == "Installing" and self._s.params.firmware_install_fails:
            self._notify("InstallationFailed", update)  # the old firmware stays (TC_L_08)
            self.update = None
            self._release(now)
            return
        if update.full_statuses and status == "Installing":
            self._notify("InstallRebooting", update)  # 2.0.1: reboot once this one is answered
            return
        if status != ("InstallRebooting" if update.full_statuses else "Installing"):
            return
        state = self._s
        assert update.version is not None
        state.boot_info = replace(state.boot_info, firmware_version=update.version)
        state.emit(FirmwareVersionChanged(update.version))
        update.phase = Phase.REBOOTING
        state.emit(Reboot(ResetType.HARD))  # no transaction runs (tick waited for that)

    def on_boot_accepted(self, now: float) -> None:
        """The new firmware booted: Installed (FR.01) and the FirmwareUpdated security event."""
        update = self.update
        if update is None or update.phase is not Phase.REBOOTING:
            return
        self.update = None
        self._s.firmware_hold = False
        if update.full_statuses:
            # 2.0.1 TC_L_01 steps 15-19: FirmwareUpdated, the connectors' statuses (sent by the boot
            # right after this hook), then Installed (at the next tick).
            self.update = update
            update.phase = Phase.BOOTED
            self._security.event(SecurityEvent.FIRMWARE_UPDATED, now, update.version)
            return
        self._notify("Installed", update)
        self._security.event(SecurityEvent.FIRMWARE_UPDATED, now, update.version)

    def trigger_status(self) -> None:
        """ExtendedTriggerMessage(FirmwareStatusNotification): the last status sent, Idle after Installed
        or when none was (FR.28/29; requestId only while an update goes on, 5.19)."""
        status, request_id = self.last_status
        if status == "Installed" or (self.update is None and status == "Idle"):
            self._s.emit(SignedFirmwareStatusNotificationReq("Idle"))
            return
        self._s.emit(SignedFirmwareStatusNotificationReq(status, request_id))

    # ------------------------------------------------------------------ time

    def _ready_to_install(self, update: SignedUpdate, now: float) -> bool:
        if update.phase is not Phase.VERIFIED:
            return False
        if update.install_at is not None and now < update.install_at:
            return False
        return all(c.tx is None for c in self._s.connectors.values())

    def deadline(self) -> float | None:
        update = self.update
        if update is None:
            return None
        if update.phase is Phase.WAITING:
            return update.due
        if update.phase is Phase.BOOTED:
            return self._s.last
        if update.phase is Phase.VERIFIED:
            if update.install_at is not None and update.install_at > self._s.last:
                return update.install_at
            if self._ready_to_install(update, self._s.last):
                return self._s.last
        return None

    def tick(self, now: float) -> None:
        update = self.update
        if update is None:
            return
        if update.phase is Phase.BOOTED:
            self.update = None
            self._notify("Installed", update)
            return
        if update.phase is Phase.WAITING and update.due is not None and now >= update.due:
            update.due = None
            update.phase = Phase.DOWNLOADING
            if self.last_status != ("Downloading", update.request_id):
                self._notify("Downloading", update)  # once per update, not once per attempt
            update.attempts_left -= 1
            self._s.emit(
                DownloadSignedFirmware(update.job, update.location, update.certificate, update.signature)
            )
        elif update.phase is Phase.VERIFIED:
            if not self._s.firmware_hold and (update.install_at is None or now >= update.install_at):
                self._hold(now)
            if self._ready_to_install(update, now):
                update.phase = Phase.INSTALLING
                self._notify("Installing", update)

    def _hold(self, now: float) -> None:
        """FR.07: connectors not in use Unavailable until the firmware is installed."""
        self._s.firmware_hold = True
        self._s.status.settle_all(now)

    def _release(self, now: float) -> None:
        if self._s.firmware_hold:
            self._s.firmware_hold = False
            self._s.status.settle_all(now)
