"""A diagnostics upload, from GetDiagnostics.req to Uploaded or UploadFailed (OCPP 1.6 sections 4.4, 5.9,
errata 3.31).

    GetDiagnostics -> answered with fileName at once -> Uploading -> (up to `retries` upload attempts,
    `retryInterval` apart) -> Uploaded | UploadFailed

Pure: building and uploading the file are an effect the runtime carries out and reports back with its
`job` number (a newer GetDiagnostics makes older answers stale).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import DiagnosticsStatusNotificationReq, UploadDiagnostics
from ocppsim.model.types import DiagnosticsStatus, Timestamp

__all__ = ["DiagnosticsUpload", "diagnostics_file_name"]

D = DiagnosticsStatus
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def diagnostics_file_name(charge_point_id: str, at: float) -> str:
    """`<id>-diagnostics-<UTC time>.zip`: a name any server's file system takes (schema: <= 255)."""
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{_UNSAFE.sub('_', charge_point_id)[:200]}-diagnostics-{stamp}.zip"


class DiagnosticsUpload:
    """One upload in progress (the block keeps at most one: a new GetDiagnostics replaces it)."""

    __slots__ = ("attempts_left", "due", "file_name", "job", "location", "retry_interval", "window")

    def __init__(
        self,
        job: int,
        location: str,
        file_name: str,
        window: tuple[Timestamp | None, Timestamp | None],
        *,
        attempts: int,
        retry_interval: float,
    ) -> None:
        self.job = job
        self.location = location
        self.file_name = file_name
        self.window = window
        self.attempts_left = attempts
        self.retry_interval = retry_interval
        self.due: float | None = None  # the next attempt, while waiting to retry

    def start(self, state: ChargerState, *, fails: bool, now: float) -> bool:
        """The first attempt: Uploading, once per upload. False when it ended already (UploadFailed)."""
        state.emit(DiagnosticsStatusNotificationReq(D.UPLOADING))
        return self.attempt(state, fails=fails, now=now)

    def attempt(self, state: ChargerState, *, fails: bool, now: float) -> bool:
        self.due = None
        self.attempts_left -= 1
        if fails:
            return self.result(state, ok=False, now=now)
        start, stop = self.window
        state.emit(UploadDiagnostics(self.job, self.location, self.file_name, start, stop))
        return True

    def result(self, state: ChargerState, *, ok: bool, now: float) -> bool:
        """An attempt ended. False when the upload ended (Uploaded or UploadFailed)."""
        if ok:
            state.emit(DiagnosticsStatusNotificationReq(D.UPLOADED))
            return False
        if self.attempts_left > 0:
            self.due = now + self.retry_interval
            return True
        state.emit(DiagnosticsStatusNotificationReq(D.UPLOAD_FAILED))
        return False
