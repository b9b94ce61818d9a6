"""CS->CP operations of the authorization block in 2.0.1: ClearCache (C11), SendLocalList (D01),
GetLocalListVersion (D02), CustomerInformation (N09, N10), on the Local Authorization List and the
Authorization Cache the 1.6 block keeps (idTokens as 1.6 idTags: the token's type is not kept)."""

from __future__ import annotations

from ocppsim.model.outgoing import NotifyCustomerInformationReq
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


def _customer_information(session: Session, p: Payload, now: float) -> Payload:
    """N09 (report) / N10 (clear) for an idToken: what the Authorization Cache and the Local List hold
    about it, and its cache entry cleared; the answer follows in one NotifyCustomerInformation. A
    customerIdentifier or certificate names nothing this station keeps: reported as such."""
    charger = session.charger
    token = p.get("idToken")
    if token is None and p.get("customerIdentifier") is None and p.get("customerCertificate") is None:
        return {"status": "Invalid"}  # nothing names the customer
    lines = []
    if token is not None:
        tag = token["idToken"]
        authorization = charger.authorization
        if p["report"]:
            cached = authorization.cache.get(tag.lower())
            listed = authorization.local_list.get(tag.lower())
            lines.append(f"idToken {tag}: cache {cached.status.value if cached else 'none'}")
            lines.append(f"local list {listed.status.value if listed else 'none'}")
        if p["clear"]:
            authorization.forget(tag)
            lines.append(f"idToken {tag}: cleared")
    else:
        lines.append("no data kept for this customer" + ("; cleared" if p["clear"] else ""))
    state = charger.state
    state.emit(NotifyCustomerInformationReq(p["requestId"], state.ts(now), "; ".join(lines)))
    return {"status": "Accepted"}


HANDLERS: dict[str, Handler] = {
    "CustomerInformation": _customer_information,
    "ClearCache": _clear_cache,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
}
