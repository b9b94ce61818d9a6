"""CS->CP operations of the authorization block in 2.0.1: ClearCache (C11), SendLocalList (D01),
GetLocalListVersion (D02), on the Local Authorization List and the Authorization Cache the 1.6 block
keeps (idTokens as 1.6 idTags: the token's type is not kept)."""

from __future__ import annotations

from ocppsim.model.types import UpdateStatus, UpdateType
from ocppsim.ocpp201.convert import id_token_info
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]

# SendLocalListStatusEnumType has no NotSupported: a station without a list fails the update.
_SEND_STATUS = {
    UpdateStatus.ACCEPTED: "Accepted",
    UpdateStatus.FAILED: "Failed",
    UpdateStatus.VERSION_MISMATCH: "VersionMismatch",
    UpdateStatus.NOT_SUPPORTED: "Failed",
}


def _clear_cache(session: Session, p: Payload, now: float) -> Payload:
    return {"status": session.charger.authorization.clear_cache().value}


def _send_local_list(session: Session, p: Payload, now: float) -> Payload:
    entries = [
        (entry["idToken"]["idToken"], id_token_info(entry.get("idTokenInfo")))
        for entry in p.get("localAuthorizationList") or []
    ]
    status = session.charger.authorization.send_local_list(
        p["versionNumber"], UpdateType(p["updateType"]), entries
    )
    return {"status": _SEND_STATUS[status]}


def _get_local_list_version(session: Session, p: Payload, now: float) -> Payload:
    # D02.FR.02: 0 when no list was ever sent (or it was emptied); -1 (no list support) reads as 0.
    return {"versionNumber": max(0, session.charger.authorization.get_local_list_version())}


HANDLERS: dict[str, Handler] = {
    "ClearCache": _clear_cache,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
}
