"""CS->CP operations of the remote trigger block: TriggerMessage (OCPP 1.6 section 5.17). The
triggered message is an effect sent after this answer ("send the TriggerMessage.conf first")."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.types import MessageTrigger
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _trigger(ch: Charger, p: Payload, now: float) -> Payload:
    requested = MessageTrigger(p["requestedMessage"])
    status = ch.remote_trigger.trigger_message(requested, p.get("connectorId"), now)
    return {"status": status.value}


HANDLERS: dict[str, Handler] = {"TriggerMessage": _trigger}
