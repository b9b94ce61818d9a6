"""The FirmwareManagement profile (OCPP 1.6 sections 3.14 / 4.4 DiagnosticsStatusNotification, 4.5
FirmwareStatusNotification, 5.9 GetDiagnostics, 5.19 UpdateFirmware, 5.17 TriggerMessage of both
notifications; errata 3.12, 3.31, 3.47).

The block keeps at most one firmware update (`firmware.py`) and one diagnostics upload (`diagnostics.py`),
each made on its request and dropped when it ends: a fleet's idle chargers carry two empty slots. The
transfers themselves are effects (DownloadFirmware, UploadDiagnostics) that the runtime carries out; their
outcomes come back as inputs with `now`. Failures can be switched on per charger (OCTT TC_044_2, TC_044_3,
TC_045_2): an attempt then fails without any transfer, with the same retries and notifications.
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.firmware.diagnostics import DiagnosticsUpload, diagnostics_file_name
from ocppsim.model.firmware.firmware import FirmwarePhase, FirmwareUpdate
from ocppsim.model.outgoing import DiagnosticsStatusNotificationReq, FirmwareStatusNotificationReq
from ocppsim.model.types import DiagnosticsStatus, FirmwareStatus, Timestamp

__all__ = ["DEFAULT_RETRY_INTERVAL_S", "FirmwareManagement", "attempts"]

# Without retryInterval "it is left to Charge Point to decide how long to wait between attempts"
# (sections 6.33, 6.51): long enough not to hammer a server, short enough for a test run.
DEFAULT_RETRY_INTERVAL_S = 30.0


def attempts(retries: int | None) -> int:
    """`retries`: "how many times Charge Point must try to ... before giving up" (sections 6.33, 6.51),
    read as the number of attempts (at least one). Absent, "it is left to Charge Point": one attempt, so
    that a failure is reported without delay."""
    return 1 if retries is None else max(1, retries)


def _interval(retry_interval: int | None) -> float:
    return DEFAULT_RETRY_INTERVAL_S if retry_interval is None else float(max(0, retry_interval))


class FirmwareManagement:
    __slots__ = ("_jobs", "_s", "download_fails", "install_fails", "update", "upload", "upload_fails")

    def __init__(self, state: ChargerState) -> None:
        self._s = state
        self._jobs = 0
        self.update: FirmwareUpdate | None = None
        self.upload: DiagnosticsUpload | None = None
        # The switchable failures (ChargerParams gives the initial values; surfaces may flip them).
        params = state.params
        self.download_fails = params.firmware_download_fails
        self.install_fails = params.firmware_install_fails
        self.upload_fails = params.diagnostics_upload_fails

    def _job(self) -> int:
        self._jobs += 1
        return self._jobs

    # ------------------------------------------------------------------ CS->CP requests

    def update_firmware(
        self,
        location: str,
        retrieve_date: Timestamp,
        *,
        retries: int | None,
        retry_interval: int | None,
        now: float,
    ) -> None:
        """UpdateFirmware.req (section 5.19; the .conf carries nothing). Download from `retrieve_date` on
        (the CSMS's time); a newer request replaces one not yet installing."""
        state = self._s
        state.advance(now)
        current = self.update
        if current is not None and current.phase in (FirmwarePhase.INSTALLING, FirmwarePhase.REBOOTING):
            return  # installing already: the image in flight is the one installed
        due = max(now, retrieve_date - state.clock_offset)
        self.update = FirmwareUpdate(self._job(), location, due, attempts(retries), _interval(retry_interval))
        if current is not None and current.phase is FirmwarePhase.DOWNLOADED:
            self._release(now)  # it no longer waits to install

    def get_diagnostics(
        self,
        location: str,
        *,
        retries: int | None,
        retry_interval: int | None,
        start_time: Timestamp | None,
        stop_time: Timestamp | None,
        now: float,
    ) -> str:
        """GetDiagnostics.req (section 5.9): the name of the file that will be uploaded; Uploading follows
        the answer. A newer request replaces an upload still in progress."""
        state = self._s
        state.advance(now)
        name = diagnostics_file_name(state.params.charge_point_id, float(state.ts(now)))
        upload = DiagnosticsUpload(
            self._job(),
            location,
            name,
            (start_time, stop_time),
            attempts=attempts(retries),
            retry_interval=_interval(retry_interval),
        )
        self.upload = upload
        if not upload.start(state, fails=self.upload_fails, now=now):
            self.upload = None
        return name

    # ------------------------------------------------------------------ what the runtime reports

    def on_download_result(self, job: int, version: str | None, now: float) -> None:
        """A download attempt ended: the image's version, or None when it failed."""
        state = self._s
        state.advance(now)
        update = self.update
        if update is None or update.job != job or update.phase is not FirmwarePhase.DOWNLOADING:
            return  # stale: a newer UpdateFirmware replaced it
        if not update.download_result(state, version, now):
            self.update = None
        elif version is not None:  # Downloaded
            self._hold(now)
            self.tick(now)

    def on_upload_result(self, job: int, ok: bool, now: float) -> None:
        state = self._s
        state.advance(now)
        upload = self.upload
        if upload is None or upload.job != job or upload.due is not None:
            return  # stale
        if not upload.result(state, ok=ok, now=now):
            self.upload = None

    def on_firmware_status_answered(self, status: FirmwareStatus, now: float) -> None:
        """The CSMS answered a FirmwareStatusNotification, or it could not be delivered: after Installing,
        install (and reboot) now that the notification is not lost with the connection."""
        update = self.update
        if status is not FirmwareStatus.INSTALLING or update is None:
            return
        if update.phase is not FirmwarePhase.INSTALLING:
            return
        self._s.advance(now)
        if not update.installing_answered(self._s, fails=self.install_fails):
            self.update = None
            self._release(now)

    # ------------------------------------------------------------------ hooks (charger_state.FirmwareHooks)

    def on_boot_accepted(self, now: float) -> None:
        """The boot of the new firmware was accepted: Installed (section 5.19, automatic reboot)."""
        update = self.update
        if update is not None and update.phase is FirmwarePhase.REBOOTING:
            self.update = None
            self._s.firmware_hold = False  # the caller settles every connector next
            update.booted(self._s)
            # Security Whitepaper section 8: FirmwareUpdated (critical).
            self._s.security.security_event("FirmwareUpdated", now, update.version)

    def trigger_firmware_status(self, now: float) -> None:
        """TriggerMessage FirmwareStatusNotification (section 4.5): the last status of the update in
        progress (Installing until the new firmware has booted), Idle when none is downloading or
        installing (also before retrieveDate and after the update ended)."""
        update = self.update
        status = update.status if update is not None else None  # None: retrieveDate not reached yet
        self._s.emit(FirmwareStatusNotificationReq(status or FirmwareStatus.IDLE))

    def trigger_diagnostics_status(self, now: float) -> None:
        """TriggerMessage DiagnosticsStatusNotification (section 4.4): Uploading while an upload is in
        progress (also between attempts), Idle otherwise."""
        busy = self.upload is not None
        status = DiagnosticsStatus.UPLOADING if busy else DiagnosticsStatus.IDLE
        self._s.emit(DiagnosticsStatusNotificationReq(status))

    # ------------------------------------------------------------------ time

    def deadline(self) -> float | None:
        """When `tick` has work: retrieveDate or a retry, or now when the image may be installed."""
        update, upload = self.update, self.upload
        due = None
        if update is not None:
            if update.phase is FirmwarePhase.WAITING:
                due = update.due
            elif update.install_ready(self._s):
                due = self._s.last
        if upload is not None and upload.due is not None:
            due = upload.due if due is None else min(due, upload.due)
        return due

    def tick(self, now: float) -> None:
        state = self._s
        update = self.update
        if (
            update is not None
            and update.phase is FirmwarePhase.WAITING
            and update.due is not None
            and now >= update.due
            and not update.start_attempt(state, fails=self.download_fails, now=now)
        ):
            self.update = None
        if self.update is not None and self.update.install_ready(state):
            self.update.install(state)
        upload = self.upload
        if (
            upload is not None
            and upload.due is not None
            and now >= upload.due
            and not upload.attempt(state, fails=self.upload_fails, now=now)
        ):
            self.upload = None

    def _hold(self, now: float) -> None:
        """Downloaded: connectors not in use go Unavailable until the installation (5.19 recommends it)."""
        self._s.firmware_hold = True
        self._s.status.settle_all(now)

    def _release(self, now: float) -> None:
        self._s.firmware_hold = False
        self._s.status.settle_all(now)
