"""What the built-in central system answers each charger CALL with, when no test or demo says otherwise:
shared by the recording central system (server.py) and the sink (sink.py)."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import CallError, ErrorCode

__all__ = ["DefaultAnswers", "Payload"]

Payload = dict[str, Any]

# CP -> CS notifications whose .conf has no fields (OCPP 1.6 sections 6.x; security whitepaper).
_EMPTY_CONF = frozenset(
    (
        "StatusNotification",
        "MeterValues",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "SecurityEventNotification",
        "LogStatusNotification",
        "SignedFirmwareStatusNotification",
    )
)


# OCPP 2.0.1 CP -> CS messages whose response has no required field.
_EMPTY_CONF_201 = frozenset(
    (
        "StatusNotification",
        "MeterValues",
        "NotifyReport",
        "NotifyEvent",
        "FirmwareStatusNotification",
        "LogStatusNotification",
        "SecurityEventNotification",
        "NotifyMonitoringReport",
        "ReportChargingProfiles",
        "NotifyChargingLimit",
        "ClearedChargingLimit",
        "ReservationStatusUpdate",
        "NotifyDisplayMessages",
    )
)


class DefaultAnswers:
    """Accept every charger at boot (or `boot_status`), authorize every tag (or only `tags`, compared
    case-insensitively as OCPP compares idTokens), number transactions from 1."""

    def __init__(
        self,
        *,
        heartbeat_interval: int = 300,
        boot_status: str = "Accepted",
        tags: set[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.heartbeat_interval = heartbeat_interval
        self.boot_status = boot_status
        self.tags = {t.lower() for t in tags} if tags is not None else None
        self.clock = clock
        self._tx_ids = itertools.count(1)
        # Signed meter values (German calibration law): the public keys (hex of DER) each charger
        # announced by DataTransfer generalConfiguration / setMeterConfiguration, per connector; check
        # a SignedData value with ocppsim.ocmf.verify(value, key). A 2.0.1 charger sends its key with
        # the signed values (SignedMeterValueType.publicKey, base64 of DER; `_signed_meter_keys`): kept
        # here the same way, per EVSE, as sent.
        self.meter_keys: dict[str, dict[int, str]] = {}
        self._evse_of_tx: dict[tuple[str, str], int] = {}

    def _id_tag_info(self, id_tag: str) -> Payload:
        ok = self.tags is None or id_tag.lower() in self.tags
        return {"status": "Accepted" if ok else "Invalid"}

    def transaction_started(self, charger_id: str, transaction_id: int, payload: Payload) -> None:
        """Called for each StartTransaction answered (the recording central system keeps them)."""

    def default_answer(self, charger_id: str, action: str, payload: Payload) -> Payload | CallError:
        if action in _EMPTY_CONF:
            return {}
        if action == "Heartbeat":
            return {"currentTime": format_time(self.clock())}
        if action == "BootNotification":
            return {
                "status": self.boot_status,
                "currentTime": format_time(self.clock()),
                "interval": self.heartbeat_interval,
            }
        if action == "Authorize":
            return {"idTagInfo": self._id_tag_info(payload["idTag"])}
        if action == "StartTransaction":
            tx_id = next(self._tx_ids)
            self.transaction_started(charger_id, tx_id, payload)
            return {"transactionId": tx_id, "idTagInfo": self._id_tag_info(payload["idTag"])}
        if action == "StopTransaction":
            tag = payload.get("idTag")
            return {"idTagInfo": self._id_tag_info(tag)} if tag else {}
        if action == "DataTransfer":
            return self._data_transfer(charger_id, payload)
        return CallError("", ErrorCode.NOT_IMPLEMENTED, f"{action} is not handled by this central system", {})

    def transaction_event(self, charger_id: str, payload: Payload) -> None:
        """Called for each 2.0.1 TransactionEvent answered (the recording central system keeps them)."""

    def default_answer_v201(self, charger_id: str, action: str, payload: Payload) -> Payload | CallError:
        """OCPP 2.0.1 (part 2 "Messages"): the station names its transactions (E01), so a
        TransactionEvent is answered with the idToken's status when it carries one, and recorded."""
        if action in _EMPTY_CONF_201:
            return {}
        if action == "Heartbeat":
            return {"currentTime": format_time(self.clock())}
        if action == "BootNotification":
            return {
                "status": self.boot_status,
                "currentTime": format_time(self.clock()),
                "interval": self.heartbeat_interval,
            }
        if action == "Authorize":
            return {"idTokenInfo": self._id_tag_info(payload["idToken"]["idToken"])}
        if action == "TransactionEvent":
            self.transaction_event(charger_id, payload)
            # Unvalidated and malformed (validate=False): no key to learn from it.
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                self._signed_meter_keys(charger_id, payload)
            token = payload.get("idToken")
            return {"idTokenInfo": self._id_tag_info(token["idToken"])} if token else {}
        if action == "DataTransfer":
            return {"status": "UnknownVendorId"}
        return CallError("", ErrorCode.NOT_IMPLEMENTED, f"{action} is not handled by this central system", {})

    def _signed_meter_keys(self, charger_id: str, payload: Payload) -> None:
        """The public keys a 2.0.1 TransactionEvent's signed values carry (an empty publicKey: the
        charger sends it only once per transaction or never, OCPPCommCtrlr.PublicKeyWithSignedMeterValue),
        under the EVSE of its transaction (the Started event names it; later ones may not)."""
        tx = (charger_id, str(payload["transactionInfo"]["transactionId"]))
        evse = payload.get("evse")
        if evse is not None:
            self._evse_of_tx[tx] = int(evse["id"])
        evse_id = self._evse_of_tx.get(tx)
        if payload["eventType"] == "Ended":
            self._evse_of_tx.pop(tx, None)
        if evse_id is None:
            return
        for mv in payload.get("meterValue", ()):
            for sv in mv["sampledValue"]:
                key = (sv.get("signedMeterValue") or {}).get("publicKey")
                if key:
                    self.meter_keys.setdefault(charger_id, {})[evse_id] = key

    def _data_transfer(self, charger_id: str, payload: Payload) -> Payload:
        """setMeterConfiguration is known (the meters' public keys, as German CSMSs read them); any other
        vendor is unknown (section 4.3)."""
        if payload.get("vendorId") != "generalConfiguration":
            return {"status": "UnknownVendorId"}
        if payload.get("messageId") != "setMeterConfiguration":
            return {"status": "UnknownMessageId"}
        try:
            meters = json.loads(payload.get("data") or "")["meters"]
            keys = {int(m["connectorId"]): str(m["publicKey"]) for m in meters}
        except (ValueError, TypeError, KeyError):
            return {"status": "Rejected"}
        self.meter_keys.setdefault(charger_id, {}).update(keys)
        return {"status": "Accepted"}
