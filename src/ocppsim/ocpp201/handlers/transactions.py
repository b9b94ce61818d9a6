"""CS->CP operations of the transactions block in 2.0.1: RequestStartTransaction (F01, F02),
RequestStopTransaction (F03), UnlockConnector (F05), GetTransactionStatus (E14)."""

from __future__ import annotations

from ocppsim.model.types import RemoteStartStopStatus, UnlockStatus
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.profiles import profile_from_payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]

_UNLOCK = {
    UnlockStatus.UNLOCKED: "Unlocked",
    UnlockStatus.UNLOCK_FAILED: "UnlockFailed",
    UnlockStatus.NOT_SUPPORTED: "UnlockFailed",  # a fixed cable has no lock to open
}


def _request_start(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    token = p["idToken"]
    id_tag = token["idToken"]
    evse = p.get("evseId")
    if evse is not None and not charger.has_connector(evse):
        return {"status": "Rejected"}
    profile = None
    payload = p.get("chargingProfile")
    if payload is not None:
        # F01.FR.08 / K05: a TxProfile for the transaction to come (no transactionId yet), one schedule.
        if payload["chargingProfilePurpose"] != "TxProfile" or len(payload["chargingSchedule"]) != 1:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidProfile"}}
        if payload.get("transactionId") is not None:
            return {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidProfile"}}
        profile = profile_from_payload(payload, evse or 0)
    status = charger.transactions.remote_start(id_tag, evse, profile, now)
    if status is not RemoteStartStopStatus.ACCEPTED:
        return {"status": "Rejected"}
    session.id_types[id_tag.lower()] = token["type"]
    for c in charger.state.connectors.values():
        # With TxStartPoint Authorized a pre-authorized token has started its transaction already
        # (E03): its Started event, not yet built, still carries the remoteStartId (F02.FR.01).
        if c.session is not None and c.session.id_tag == id_tag and (c.tx is None or c.tx.awaiting_ev):
            session.remote_ids[c.id] = p["remoteStartId"]
            break
    return {"status": "Accepted"}


def _request_stop(session: Session, p: Payload, now: float) -> Payload:
    text = p["transactionId"]
    # ASCII digits only: str.isdigit() also takes "¹", which int() refuses.
    if not (text.isascii() and text.isdigit()):
        return {"status": "Rejected"}  # not an id this station gave
    return {"status": session.charger.transactions.remote_stop_ref(int(text), now).value}


def _unlock(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    evse = p["evseId"]
    if not charger.has_connector(evse) or p["connectorId"] != 1:
        return {"status": "UnknownConnector"}
    if charger.state.conn(evse).tx is not None:
        # F05.FR.02: an authorized transaction keeps the cable locked (2.0.1 does not stop it, 1.6 does).
        return {"status": "OngoingAuthorizedTransaction"}
    return {"status": _UNLOCK[charger.transactions.unlock_connector(evse, now)]}


def _transaction_status(session: Session, p: Payload, now: float) -> Payload:
    """E14: whether the transaction runs, and whether events of it (of any, without an id) wait in the
    queue; an id the station never gave is neither."""
    text = p.get("transactionId")
    if text is None:
        return {"messagesInQueue": bool(session.queued)}
    ref = int(text) if text.isascii() and text.isdigit() else None
    connectors = session.charger.state.connectors.values()
    ongoing = ref is not None and any(c.tx is not None and c.tx.ref == ref for c in connectors)
    return {"ongoingIndicator": ongoing, "messagesInQueue": ref is not None and ref in session.queued}


HANDLERS: dict[str, Handler] = {
    "GetTransactionStatus": _transaction_status,
    "RequestStartTransaction": _request_start,
    "RequestStopTransaction": _request_stop,
    "UnlockConnector": _unlock,
}
