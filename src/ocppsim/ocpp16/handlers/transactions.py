"""CS->CP operations of the transactions block: RemoteStartTransaction (OCPP 1.6 section 5.11),
RemoteStopTransaction (5.12), UnlockConnector (5.18)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.types import RemoteStartStopStatus
from ocppsim.ocpp16.convert import profile_from_payload
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _remote_start(ch: Charger, p: Payload, now: float) -> Payload:
    connector = p.get("connectorId")
    profile_payload = p.get("chargingProfile")
    if connector is not None and connector <= 0:
        return {"status": RemoteStartStopStatus.REJECTED.value}
    profile = profile_from_payload(profile_payload) if profile_payload else None
    if profile is not None and profile.transaction_id is not None:
        # A RemoteStart profile must not carry a transactionId (section 5.11).
        return {"status": RemoteStartStopStatus.REJECTED.value}
    return {"status": ch.transactions.remote_start(p["idTag"], connector, profile, now).value}


def _remote_stop(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.transactions.remote_stop(p["transactionId"], now).value}


def _unlock(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.transactions.unlock_connector(p["connectorId"], now).value}


HANDLERS: dict[str, Handler] = {
    "RemoteStartTransaction": _remote_start,
    "RemoteStopTransaction": _remote_stop,
    "UnlockConnector": _unlock,
}
