"""CS->CP operations of the transactions block in 2.0.1: RequestStartTransaction (F01, F02),
RequestStopTransaction (F03), UnlockConnector (F05), GetTransactionStatus (E14)."""

from __future__ import annotations

from ocppsim.model.types import RemoteStartStopStatus, UnlockStatus
from ocppsim.ocpp201 import convert
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
    connectors = charger.state.connectors.values()
    running = {c.id: c.tx.ref for c in connectors if c.tx is not None}
    status = charger.transactions.remote_start(id_tag, evse, profile, now, id_token_type=token["type"])
    if status is not RemoteStartStopStatus.ACCEPTED:
        return {"status": "Rejected"}
    session.id_types[id_tag.lower()] = token["type"]
    answer: Payload = {"status": "Accepted"}
    for c in connectors:
        if c.session is None or c.session.id_tag != id_tag or c.session.created != now:
            continue
        # The event not yet built that first names the token says RemoteStart with the remoteStartId
        # (F02.FR.01): the Started event, or the Updated event by which the token joins a transaction
        # that started before it (TxStartPoint ParkingBayOccupancy / EVConnected, E01).
        session.remote_ids[c.id] = p["remoteStartId"]
        if c.tx is not None and running.get(c.id) == c.tx.ref:
            # The transaction was running already: its id goes with the answer (RequestStartTransaction
            # Response.transactionId "when the transaction was already started ... cable plugged in
            # first"; part 6 reusable state Authorized B).
            answer["transactionId"] = convert.transaction_id(c.tx.ref)
        break
    return answer


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
    tx = charger.state.conn(evse).tx
    if tx is not None and tx.authorized:
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
