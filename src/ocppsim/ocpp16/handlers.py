"""Dispatch of CS->CP CALLs to the model: plain `def` handlers that return the CALLRESULT payload.

They never await the network; follow-up CALLs (StartTransaction after RemoteStart, the message a
TriggerMessage asks for) are model effects the runtime sends after this reply (section 5.17: "send the
TriggerMessage.conf first").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.model.errors import UnknownConnectorError
from ocppsim.model.types import (
    AvailabilityType,
    ChargingProfilePurpose,
    ChargingRateUnit,
    MessageTrigger,
    RemoteStartStopStatus,
    ResetType,
    UpdateType,
)
from ocppsim.ocpp16.convert import format_time, id_tag_info, profile_from_payload
from ocppsim.ocpp16.framing import Call, ErrorCode
from ocppsim.ocpp16.validation import CP_ACTIONS, CS_ACTIONS, SchemaError, validators

__all__ = ["HANDLERS", "OcppCallError", "handle_call"]

Payload = dict[str, Any]
Handler = Callable[[Charger, Payload, float], Payload]


class OcppCallError(Exception):
    """Answer this CALL with a CALLERROR."""

    def __init__(self, code: str, description: str = "") -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _change_availability(ch: Charger, p: Payload, now: float) -> Payload:
    status = ch.availability.change_availability(p["connectorId"], AvailabilityType(p["type"]), now)
    return {"status": status.value}


def _change_configuration(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.configuration.change_configuration(p["key"], p["value"], now).value}


def _clear_cache(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.authorization.clear_cache().value}


def _data_transfer(ch: Charger, p: Payload, now: float) -> Payload:
    # No vendor extensions are implemented: UnknownVendorId, without data (section 5.6).
    return {"status": "UnknownVendorId"}


def _get_configuration(ch: Charger, p: Payload, now: float) -> Payload:
    known, unknown = ch.configuration.get_configuration(p.get("key"))
    result: Payload = {
        "configurationKey": [
            {"key": kv.key, "readonly": kv.readonly, **({"value": kv.value} if kv.value is not None else {})}
            for kv in known
        ]
    }
    if unknown:
        result["unknownKey"] = unknown
    return result


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


def _reset(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.boot.reset(ResetType(p["type"]), now).value}


def _unlock(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.transactions.unlock_connector(p["connectorId"], now).value}


def _trigger(ch: Charger, p: Payload, now: float) -> Payload:
    status = ch.remote_trigger.trigger_message(
        MessageTrigger(p["requestedMessage"]), p.get("connectorId"), now
    )
    return {"status": status.value}


def _set_profile(ch: Charger, p: Payload, now: float) -> Payload:
    profile = profile_from_payload(p["csChargingProfiles"])
    try:
        return {"status": ch.smart_charging.set_charging_profile(p["connectorId"], profile, now).value}
    except UnknownConnectorError as exc:
        raise OcppCallError(ErrorCode.PROPERTY_CONSTRAINT_VIOLATION, str(exc)) from None


def _clear_profile(ch: Charger, p: Payload, now: float) -> Payload:
    purpose = p.get("chargingProfilePurpose")
    status = ch.smart_charging.clear_charging_profile(
        profile_id=p.get("id"),
        connector_id=p.get("connectorId"),
        purpose=ChargingProfilePurpose(purpose) if purpose else None,
        stack_level=p.get("stackLevel"),
        now=now,
    )
    return {"status": status.value}


def _composite(ch: Charger, p: Payload, now: float) -> Payload:
    """GetCompositeSchedule (section 5.7); scheduleStart = receipt in whole seconds, no startSchedule in
    the schedule (errata 3.57). Unknown connector -> Rejected."""
    unit = ChargingRateUnit(p.get("chargingRateUnit") or ChargingRateUnit.AMPS.value)
    start = float(math.floor(now))
    try:
        periods = ch.smart_charging.composite_schedule(p["connectorId"], start, p["duration"], unit)
    except UnknownConnectorError:
        return {"status": "Rejected"}
    return {
        "status": "Accepted",
        "connectorId": p["connectorId"],
        "scheduleStart": format_time(start),
        "chargingSchedule": {
            "duration": p["duration"],
            "chargingRateUnit": unit.value,
            "chargingSchedulePeriod": [
                {"startPeriod": x.start_period, "limit": x.limit, "numberPhases": x.number_phases}
                for x in periods
            ],
        },
    }


def _send_local_list(ch: Charger, p: Payload, now: float) -> Payload:
    entries = [(e["idTag"], id_tag_info(e.get("idTagInfo"))) for e in p.get("localAuthorizationList") or []]
    status = ch.authorization.send_local_list(p["listVersion"], UpdateType(p["updateType"]), entries)
    return {"status": status.value}


def _get_local_list_version(ch: Charger, p: Payload, now: float) -> Payload:
    return {"listVersion": ch.authorization.get_local_list_version()}


def _authorize(ch: Charger, p: Payload, now: float) -> Payload:
    # The original ocppsim answered an (unusual) CS->CP Authorize with Accepted; kept for compatibility.
    return {"idTagInfo": {"status": "Accepted"}}


HANDLERS: dict[str, Handler] = {
    "ChangeAvailability": _change_availability,
    "ChangeConfiguration": _change_configuration,
    "ClearCache": _clear_cache,
    "DataTransfer": _data_transfer,
    "GetConfiguration": _get_configuration,
    "RemoteStartTransaction": _remote_start,
    "RemoteStopTransaction": _remote_stop,
    "Reset": _reset,
    "UnlockConnector": _unlock,
    "TriggerMessage": _trigger,
    "SetChargingProfile": _set_profile,
    "ClearChargingProfile": _clear_profile,
    "GetCompositeSchedule": _composite,
    "Authorize": _authorize,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
}


def handle_call(charger: Charger, call: Call, now: float, *, validate: bool = True) -> Payload:
    """The CALLRESULT payload for `call`, or OcppCallError (OCPP-J Table 7 codes)."""
    handler = HANDLERS.get(call.action)
    if handler is None:
        if call.action in CS_ACTIONS or call.action in CP_ACTIONS:
            raise OcppCallError(
                ErrorCode.NOT_SUPPORTED, f"{call.action} is not supported by this charge point"
            )
        raise OcppCallError(ErrorCode.NOT_IMPLEMENTED, f"unknown action {call.action!r}")
    if validate:
        try:
            validators.request(call.action, call.payload)
        except SchemaError as exc:
            raise OcppCallError(exc.code, exc.description) from None
    return handler(charger, call.payload, now)
