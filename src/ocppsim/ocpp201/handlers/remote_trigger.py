"""TriggerMessage in 2.0.1 (F06), served by the blocks that own each message as in 1.6: a triggered
StatusNotification goes even when the status did not change (F06: the requested message is sent);
TransactionEvent answers with an Updated event (triggerReason Trigger) of each transaction asked for."""

from __future__ import annotations

from ocppsim.model.security.signing_requests import SIGN_TRIGGERS
from ocppsim.model.types import MessageTrigger, TriggerMessageStatus
from ocppsim.ocpp201.handlers.call_error import Handler, Payload, evse_connector
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]

_SERVED = {
    "BootNotification": MessageTrigger.BOOT_NOTIFICATION,
    "Heartbeat": MessageTrigger.HEARTBEAT,
    "StatusNotification": MessageTrigger.STATUS_NOTIFICATION,
    "MeterValues": MessageTrigger.METER_VALUES,
}


def _trigger(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    requested = p["requestedMessage"]
    connector = evse_connector(session, p.get("evse"))
    if connector is None:
        return {"status": "Rejected"}
    evses = [connector] if connector else charger.connector_ids
    if requested == "TransactionEvent":
        running = [c for c in evses if charger.state.conn(c).tx is not None]
        if not running:
            return {"status": "Rejected"}
        for c in running:
            session.trigger_tx.add(c)
            charger.remote_trigger.trigger_message(MessageTrigger.METER_VALUES, c, now)
        return {"status": "Accepted"}
    if requested == "LogStatusNotification":
        # The GetLog upload's status (N01.FR.12): Uploading with its requestId, else Idle.
        charger.security.logs.trigger_status()
        return {"status": "Accepted"}
    if requested == "FirmwareStatusNotification":
        # 2.0.1's one firmware update is the secure one (L01): its last status with the requestId,
        # Idle after Installed or when none was sent (L01.FR.28/29 of the Whitepaper, same statuses).
        charger.security.signed_firmware.trigger_status()
        return {"status": "Accepted"}
    kinds = SIGN_TRIGGERS.get(requested)
    if kinds is not None:
        # A02 step 1 (F06.FR.04/05): a fresh key pair and CSR per certificate type; Rejected while
        # SecurityCtrlr.OrganizationName (the CSR's O, A02.FR.13) is empty.
        return {"status": charger.security.requests.request(*kinds).value}
    trigger = _SERVED.get(requested)
    if trigger is None:
        return {"status": "NotImplemented"}
    if trigger is MessageTrigger.STATUS_NOTIFICATION:
        for c in evses:
            session.statuses.pop(c, None)  # a triggered status goes, changed or not
    status = charger.remote_trigger.trigger_message(trigger, connector or None, now)
    if trigger is MessageTrigger.BOOT_NOTIFICATION and status is TriggerMessageStatus.ACCEPTED:
        session.boot_reason = "Triggered"
    return {"status": "NotImplemented" if status is TriggerMessageStatus.NOT_IMPLEMENTED else status.value}


HANDLERS: dict[str, Handler] = {"TriggerMessage": _trigger}
