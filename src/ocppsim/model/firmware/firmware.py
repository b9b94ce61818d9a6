"""A firmware update, from UpdateFirmware.req to Installed (OCPP 1.6 sections 4.5, 5.19, errata 3.47).

    UpdateFirmware -> wait for retrieveDate -> Downloading -> (up to `retries` download attempts,
    `retryInterval` apart) -> Downloaded | DownloadFailed
    Downloaded -> wait until no transaction runs (connectors not in use Unavailable meanwhile, as 5.19
    recommends) -> Installing -> InstallationFailed | (reboot; BootNotification carries the new
    firmwareVersion) -> Installed

Installed is sent after the boot of the new firmware, as the sequence diagram of 5.19 ("automatic reboot")
shows and its note recommends. The reboot waits until the CSMS has answered Installing (or that message
failed), so the notification is not lost with the connection. Pure: the download is an effect the runtime
carries out and reports back with its `job` number (a newer UpdateFirmware makes older answers stale).
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import (
    DownloadFirmware,
    FirmwareStatusNotificationReq,
    FirmwareVersionChanged,
    Reboot,
)
from ocppsim.model.types import FirmwareStatus, ResetType

__all__ = ["FirmwarePhase", "FirmwareUpdate"]

F = FirmwareStatus


class FirmwarePhase(Enum):
    WAITING = "waiting"  # for retrieveDate or the next attempt (`due`)
    DOWNLOADING = "downloading"  # the runtime fetches the image
    DOWNLOADED = "downloaded"  # waits for transactions to end
    INSTALLING = "installing"  # Installing sent: waits for its answer, then installs
    REBOOTING = "rebooting"  # installed: the next accepted boot sends Installed


class FirmwareUpdate:
    """One firmware update in progress (the block keeps at most one: a new UpdateFirmware replaces it)."""

    __slots__ = ("attempts_left", "due", "job", "location", "phase", "retry_interval", "status", "version")

    def __init__(self, job: int, location: str, due: float, attempts: int, retry_interval: float) -> None:
        self.job = job
        self.location = location
        self.due: float | None = due
        self.attempts_left = attempts
        self.retry_interval = retry_interval
        self.phase = FirmwarePhase.WAITING
        # The last status sent (what a TriggerMessage reports while busy); None before Downloading.
        self.status: FirmwareStatus | None = None
        self.version: str | None = None

    def _notify(self, state: ChargerState, status: FirmwareStatus) -> None:
        self.status = status
        state.emit(FirmwareStatusNotificationReq(status))

    def start_attempt(self, state: ChargerState, *, fails: bool, now: float) -> bool:
        """retrieveDate (or the retry time) reached: download. False when the update ended (a switched-on
        failure with no attempt left)."""
        self.due = None
        self.phase = FirmwarePhase.DOWNLOADING
        self.attempts_left -= 1
        if self.status is not F.DOWNLOADING:
            self._notify(state, F.DOWNLOADING)  # once per update, not once per attempt
        if fails:
            return self.download_result(state, None, now)
        state.emit(DownloadFirmware(self.job, self.location))
        return True

    def download_result(self, state: ChargerState, version: str | None, now: float) -> bool:
        """An attempt ended: `version` of the image fetched, None when it failed. False when the update
        ended (DownloadFailed)."""
        if version is None:
            if self.attempts_left > 0:
                self.phase = FirmwarePhase.WAITING
                self.due = now + self.retry_interval
                return True
            self._notify(state, F.DOWNLOAD_FAILED)
            return False
        self.version = version
        self.phase = FirmwarePhase.DOWNLOADED
        self._notify(state, F.DOWNLOADED)
        return True

    def install_ready(self, state: ChargerState) -> bool:
        """Downloaded and no transaction runs (section 5.19: transactions in progress finish first)."""
        return self.phase is FirmwarePhase.DOWNLOADED and all(c.tx is None for c in state.connectors.values())

    def install(self, state: ChargerState) -> None:
        self.phase = FirmwarePhase.INSTALLING
        self._notify(state, F.INSTALLING)

    def installing_answered(self, state: ChargerState, *, fails: bool) -> bool:
        """The CSMS answered Installing (or it could not be delivered): install. False when the
        installation failed (the old firmware stays)."""
        if fails:
            self._notify(state, F.INSTALLATION_FAILED)
            return False
        assert self.version is not None
        state.boot_info = replace(state.boot_info, firmware_version=self.version)
        state.emit(FirmwareVersionChanged(self.version))
        self.phase = FirmwarePhase.REBOOTING
        # A Hard reboot: no transaction runs (install_ready), nothing to stop first.
        state.emit(Reboot(ResetType.HARD))
        return True

    def booted(self, state: ChargerState) -> None:
        self._notify(state, F.INSTALLED)
