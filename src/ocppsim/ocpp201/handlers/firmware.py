"""CS->CP operations of the firmware block in 2.0.1: GetLog (N01), on the 1.6 GetDiagnostics upload
(model/firmware/: a real zip of configuration, message log and journal, by HTTP or FTP, retries); its
progress goes out as LogStatusNotification with the request's requestId (ocpp201/wire.py). A security
log is the same file (this station records no security events of its own yet)."""

from __future__ import annotations

from ocppsim.ocpp16.convert import parse_time
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _get_log(session: Session, p: Payload, now: float) -> Payload:
    firmware = session.charger.firmware
    log = p["log"]
    busy = firmware.upload is not None
    oldest, latest = log.get("oldestTimestamp"), log.get("latestTimestamp")
    name = firmware.get_diagnostics(
        log["remoteLocation"],
        retries=p.get("retries"),
        retry_interval=p.get("retryInterval"),
        start_time=parse_time(oldest) if oldest is not None else None,
        stop_time=parse_time(latest) if latest is not None else None,
        now=now,
    )
    session.log_request_id = p["requestId"]
    # A second request while one uploads replaces it, and says so (AcceptedCanceled; TC_N_36).
    return {"status": "AcceptedCanceled" if busy else "Accepted", "filename": name}


HANDLERS: dict[str, Handler] = {"GetLog": _get_log}
