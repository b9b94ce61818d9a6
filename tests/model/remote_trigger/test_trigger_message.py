"""TriggerMessage (remote_trigger/block.py), on the Charger."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.outgoing import (
    DiagnosticsStatusNotificationReq,
    FirmwareStatusNotificationReq,
    HeartbeatReq,
    MeterValuesReq,
    StatusNotificationReq,
)
from ocppsim.model.types import (
    DiagnosticsStatus,
    FirmwareStatus,
    MessageTrigger,
    ReadingContext,
    TriggerMessageStatus,
)


def test_trigger_messages() -> None:
    ch = booted(number_of_connectors=2)
    t = ch.remote_trigger.trigger_message
    assert t(MessageTrigger.BOOT_NOTIFICATION, None, T0) is TriggerMessageStatus.REJECTED  # already Accepted
    assert t(MessageTrigger.STATUS_NOTIFICATION, 7, T0) is TriggerMessageStatus.REJECTED
    assert ch.drain() == []
    # Nothing going on: Idle (sections 4.4, 4.5).
    assert t(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.ACCEPTED
    assert ch.drain() == [FirmwareStatusNotificationReq(FirmwareStatus.IDLE)]
    assert t(MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.ACCEPTED
    assert ch.drain() == [DiagnosticsStatusNotificationReq(DiagnosticsStatus.IDLE)]
    assert t(MessageTrigger.HEARTBEAT, None, T0) is TriggerMessageStatus.ACCEPTED
    assert ch.drain() == [HeartbeatReq()]
    assert t(MessageTrigger.STATUS_NOTIFICATION, None, T0) is TriggerMessageStatus.ACCEPTED
    assert len(ch.drain()) == 3
    assert t(MessageTrigger.STATUS_NOTIFICATION, 0, T0) is TriggerMessageStatus.ACCEPTED
    assert [e.connector_id for e in ch.drain() if isinstance(e, StatusNotificationReq)] == [0]
    assert t(MessageTrigger.METER_VALUES, 2, T0) is TriggerMessageStatus.ACCEPTED
    mv = ch.drain()
    assert len(mv) == 1
    assert isinstance(mv[0], MeterValuesReq)
    assert mv[0].context is ReadingContext.TRIGGER
    assert not mv[0].transaction_related
