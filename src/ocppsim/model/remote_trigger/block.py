"""Remote trigger: TriggerMessage (OCPP 1.6 sections 4.x, 5.17, errata 3.28). The CALLRESULT goes out
first; the triggered message is an effect the runtime sends after it ("send the TriggerMessage.conf
first"). Each trigger is served by the block that owns the message.
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.hardware import supports
from ocppsim.model.types import MessageTrigger, TriggerMessageStatus

__all__ = ["RemoteTrigger"]

_FIRMWARE_MESSAGES = (
    MessageTrigger.FIRMWARE_STATUS_NOTIFICATION,
    MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION,
)


class RemoteTrigger:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def trigger_message(
        self, requested: MessageTrigger, connector_id: int | None, now: float
    ) -> TriggerMessageStatus:
        state = self._s
        state.advance(now)
        if requested in _FIRMWARE_MESSAGES and not supports(state.config, "FirmwareManagement"):
            # 5.17: a message the charge point does not implement (built without the profile).
            return TriggerMessageStatus.NOT_IMPLEMENTED
        if requested is MessageTrigger.FIRMWARE_STATUS_NOTIFICATION:
            state.firmware.trigger_firmware_status(now)  # Idle when no update is going on (4.5)
            return TriggerMessageStatus.ACCEPTED
        if requested is MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION:
            state.firmware.trigger_diagnostics_status(now)  # Idle when no upload is going on (4.4)
            return TriggerMessageStatus.ACCEPTED
        if requested is MessageTrigger.BOOT_NOTIFICATION:
            # Errata 3.28 recommends rejecting a Boot trigger once Accepted.
            if state.accepted:
                return TriggerMessageStatus.REJECTED
            state.registration_hooks.boot_now()
            return TriggerMessageStatus.ACCEPTED
        if requested is MessageTrigger.HEARTBEAT:
            state.registration_hooks.heartbeat_now(now)
            return TriggerMessageStatus.ACCEPTED
        if connector_id is not None and connector_id != 0 and connector_id not in state.connectors:
            return TriggerMessageStatus.REJECTED
        if requested is MessageTrigger.STATUS_NOTIFICATION:
            status = state.status
            if connector_id is None:
                status.notify_all(now)
            elif connector_id == 0:
                state.emit(status.status_req(0, state.status0, None, now))
            else:
                status.report_now(state.connectors[connector_id], now)
            return TriggerMessageStatus.ACCEPTED
        # MeterValues: latest values of MeterValuesSampledData, context Trigger.
        state.metering.trigger(connector_id, now)
        return TriggerMessageStatus.ACCEPTED
