"""Feed the answers to our CP->CS requests back into the model."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    AuthorizeReq,
    BootNotificationReq,
    DataTransferReq,
    DiagnosticsStatusNotificationReq,
    FirmwareStatusNotificationReq,
    HeartbeatReq,
    LogStatusNotificationReq,
    MeterValuesReq,
    ReplayedReq,
    Request,
    SecurityEventNotificationReq,
    SignedFirmwareStatusNotificationReq,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.convert import id_tag_info

__all__ = ["apply_failure", "apply_result", "result_changes_model"]

# Requests whose answer the model does not take (apply_result returns the payload untouched): after
# their answer there is nothing for the model to say, so the runtime need not ask it (the fleet's
# MeterValues, Heartbeats and StatusNotifications are nearly all its messages).
_ANSWER_NOT_TAKEN = (
    MeterValuesReq,
    HeartbeatReq,
    StatusNotificationReq,
    DataTransferReq,
    DiagnosticsStatusNotificationReq,
    SecurityEventNotificationReq,
    LogStatusNotificationReq,
)


def result_changes_model(req: Request) -> bool:
    """Whether `apply_result` or `apply_failure` for `req` may change the model."""
    return not isinstance(req, _ANSWER_NOT_TAKEN)


def apply_result(charger: Charger, req: Request, payload: dict[str, Any], now: float) -> object:
    """A schema-valid CALLRESULT payload for `req`; returns what the model answered (e.g. a TagOutcome)."""
    if isinstance(req, ReplayedReq):
        # A message from before a restart: its transaction is no longer running, only ids matter.
        if req.action == "StartTransaction" and req.tx_ref is not None:
            info = id_tag_info(payload["idTagInfo"])
            assert info is not None
            charger.transactions.on_start_transaction_result(
                req.tx_ref, int(payload["transactionId"]), info, now
            )
        elif req.action == "StopTransaction" and req.tx_ref is not None:
            charger.transactions.forget_transaction(req.tx_ref)
        return payload
    if isinstance(req, BootNotificationReq):
        charger.boot.on_boot_result(RegistrationStatus(payload["status"]), int(payload["interval"]), now)
        return payload["status"]
    if isinstance(req, AuthorizeReq):
        return charger.authorization.on_authorize_result(req, id_tag_info(payload["idTagInfo"]), now)
    if isinstance(req, StartTransactionReq):
        info = id_tag_info(payload["idTagInfo"])
        assert info is not None
        charger.transactions.on_start_transaction_result(req.tx_ref, int(payload["transactionId"]), info, now)
        return payload["transactionId"]
    if isinstance(req, StopTransactionReq):
        info = id_tag_info(payload.get("idTagInfo"))
        charger.transactions.on_stop_transaction_result(req.id_tag, info)
        charger.transactions.forget_transaction(req.tx_ref)
        return payload.get("idTagInfo")
    if isinstance(req, FirmwareStatusNotificationReq):
        # Installing answered: install and reboot now (model/firmware/firmware.py).
        charger.firmware.on_firmware_status_answered(req.status, now)
    elif isinstance(req, SignedFirmwareStatusNotificationReq):
        charger.security.signed_firmware.on_status_answered(req.status, now)  # the same, signed (L01)
    return payload


def apply_failure(charger: Charger, req: Request, now: float) -> object:
    """No usable answer (CALLERROR, timeout, invalid result, connection lost) and no retry left."""
    if isinstance(req, ReplayedReq) and req.tx_ref is not None:
        if req.action == "StartTransaction":
            charger.transactions.on_start_transaction_failed(req.tx_ref)
        elif req.action == "StopTransaction":
            charger.transactions.forget_transaction(req.tx_ref)
        return None
    if isinstance(req, BootNotificationReq):
        charger.boot.on_boot_failed(now)
    elif isinstance(req, AuthorizeReq):
        return charger.authorization.on_authorize_result(req, None, now)
    elif isinstance(req, StartTransactionReq):
        charger.transactions.on_start_transaction_failed(req.tx_ref)
    elif isinstance(req, StopTransactionReq):
        charger.transactions.forget_transaction(req.tx_ref)
    elif isinstance(req, FirmwareStatusNotificationReq):
        # Installing could not be delivered: the installation goes on regardless (section 5.19).
        charger.firmware.on_firmware_status_answered(req.status, now)
    elif isinstance(req, SignedFirmwareStatusNotificationReq):
        charger.security.signed_firmware.on_status_answered(req.status, now)
    return None
