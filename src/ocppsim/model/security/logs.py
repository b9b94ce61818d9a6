"""Retrieve log information (Security Whitepaper edition 2, use case N01; messages 5.9 GetLog, 5.10,
5.13 LogStatusNotification, 6.11-6.13, 6.17).

    GetLog -> Accepted with the file name (AcceptedCanceled when it replaces an upload in progress,
    N01.FR.11) -> Uploading -> (up to `retries` attempts, `retryInterval` apart) -> Uploaded |
    UploadFailure | BadMessage | PermissionDenied | NotSupportedOperation (N01.FR.10: the most precise
    reason, the runtime's classification of the last attempt)

Every LogStatusNotification carries the GetLog's requestId (N01.FR.07). Pure: building the file (the
security log or the diagnostics) and the upload are an effect the runtime carries out and reports back
with the `job` number (a newer GetLog makes older answers stale).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import LogStatusNotificationReq
from ocppsim.model.security_effects import UploadLog
from ocppsim.model.types import Timestamp

__all__ = ["DEFAULT_RETRY_INTERVAL_S", "FAILURES", "LogUploads", "log_file_name"]

# Without retryInterval "it is left to Charge Point to decide" (section 5.9).
DEFAULT_RETRY_INTERVAL_S = 30.0
# UploadLogStatusEnumType (6.17) values that end an upload unsuccessfully.
FAILURES = frozenset({"UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def log_file_name(charge_point_id: str, log_type: str, at: float) -> str:
    """`<id>-<securitylog|diagnosticslog>-<UTC time>.<log|zip>`: GetLog.conf filename (<= 255)."""
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "log" if log_type == "SecurityLog" else "zip"
    return f"{_UNSAFE.sub('_', charge_point_id)[:200]}-{log_type.lower()}-{stamp}.{suffix}"


class _Upload:
    __slots__ = ("attempts_left", "due", "effect", "request_id", "retry_interval")

    def __init__(self, request_id: int, effect: UploadLog, attempts: int, retry_interval: float) -> None:
        self.request_id = request_id
        self.effect = effect
        self.attempts_left = attempts
        self.retry_interval = retry_interval
        self.due: float | None = None  # the next attempt, while waiting to retry


class LogUploads:
    __slots__ = ("_jobs", "_s", "upload")

    def __init__(self, state: ChargerState) -> None:
        self._s = state
        self._jobs = 0
        self.upload: _Upload | None = None

    def get_log(
        self,
        log_type: str,
        request_id: int,
        location: str,
        *,
        oldest: Timestamp | None,
        latest: Timestamp | None,
        retries: int | None,
        retry_interval: int | None,
        now: float,
    ) -> tuple[str, str]:
        """GetLog.req: (status, filename), Uploading follows the answer (N01.FR.01/08)."""
        state = self._s
        state.advance(now)
        name = log_file_name(state.params.charge_point_id, log_type, float(state.ts(now)))
        self._jobs += 1
        effect = UploadLog(self._jobs, location, name, log_type, oldest, latest)
        replaced = self.upload is not None
        interval = DEFAULT_RETRY_INTERVAL_S if retry_interval is None else float(max(0, retry_interval))
        upload = self.upload = _Upload(
            request_id, effect, 1 if retries is None else max(1, retries), interval
        )
        state.emit(LogStatusNotificationReq("Uploading", request_id))
        self._attempt(upload)
        return ("AcceptedCanceled" if replaced else "Accepted"), name

    def _attempt(self, upload: _Upload) -> None:
        upload.due = None
        upload.attempts_left -= 1
        self._s.emit(upload.effect)

    def on_upload_result(self, job: int, status: str, now: float) -> None:
        """An attempt ended: "Uploaded", or one of FAILURES (the runtime's reading of what went wrong)."""
        state = self._s
        state.advance(now)
        upload = self.upload
        if upload is None or upload.effect.job != job or upload.due is not None:
            return  # stale: a newer GetLog replaced it
        if status != "Uploaded" and upload.attempts_left > 0:
            upload.due = now + upload.retry_interval
            return
        self.upload = None
        state.emit(LogStatusNotificationReq(status if status in FAILURES else "Uploaded", upload.request_id))

    def trigger_status(self) -> None:
        """ExtendedTriggerMessage(LogStatusNotification): Uploading with the requestId while an upload goes
        on (also between attempts), Idle without one otherwise (N01.FR.12, 6.17)."""
        upload = self.upload
        if upload is None:
            self._s.emit(LogStatusNotificationReq("Idle"))
        else:
            self._s.emit(LogStatusNotificationReq("Uploading", upload.request_id))

    def deadline(self) -> float | None:
        return self.upload.due if self.upload is not None else None

    def tick(self, now: float) -> None:
        upload = self.upload
        if upload is not None and upload.due is not None and now >= upload.due:
            self._attempt(upload)
