"""Model values <-> OCPP 1.6 JSON payloads (camelCase dicts). No dict crosses into the model."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from typing import Any

import orjson

from ocppsim.model.meter import MeterValue, SampledValue, Shape
from ocppsim.model.outgoing import (
    AuthorizeReq,
    BootNotificationReq,
    DataTransferReq,
    DiagnosticsStatusNotificationReq,
    FirmwareStatusNotificationReq,
    HeartbeatReq,
    IdTagInfo,
    LogStatusNotificationReq,
    MeterValuesReq,
    ReplayedReq,
    Request,
    SecurityEventNotificationReq,
    SignCertificateReq,
    SignedFirmwareStatusNotificationReq,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RecurrencyKind,
    Timestamp,
)

__all__ = [
    "format_time",
    "id_tag_info",
    "journal_body",
    "meter_values_payload",
    "parse_time",
    "profile_from_payload",
    "profile_payload",
    "request_payload",
]


@functools.lru_cache(maxsize=1024)
def _second(whole: float) -> str:
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S.")


def format_time(ts: float) -> str:
    """ISO 8601 in UTC with a Z and milliseconds, as OCPP-J section 3.1.5 recommends. The date and time
    of day are formatted once per second (a fleet stamps thousands of messages in each); the fraction
    is rounded to microseconds as datetime.fromtimestamp does (half to even), then cut to milliseconds,
    so the text is what strftime would give."""
    frac, whole = math.modf(ts)
    us = round(frac * 1e6)
    if us >= 1_000_000:
        whole, us = whole + 1, us - 1_000_000
    elif us < 0:
        whole, us = whole - 1, us + 1_000_000
    return f"{_second(whole)}{us // 1000:03d}Z"


def parse_time(text: str) -> Timestamp:
    """Any ISO 8601 offset and fractional seconds; a time without offset is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return Timestamp(value.timestamp())


def id_tag_info(payload: dict[str, Any] | None) -> IdTagInfo | None:
    if not payload:
        return None
    expiry = payload.get("expiryDate")
    return IdTagInfo(
        status=AuthorizationStatus(payload["status"]),
        parent_id_tag=payload.get("parentIdTag"),
        expiry_date=parse_time(expiry) if expiry else None,
    )


# The fields of a SampledValue other than its value repeat in every sample: build them once.
_SAMPLED_FIELDS: dict[tuple[Any, ...], dict[str, str]] = {}


def _sampled_fields(sv: SampledValue) -> dict[str, str]:
    key = sv[1:]  # everything but the value
    fields = _SAMPLED_FIELDS.get(key)
    if fields is None:
        fields = {"context": str(sv.context), "measurand": str(sv.measurand)}
        if sv.phase is not None:
            fields["phase"] = str(sv.phase)
        if sv.location is not None:
            fields["location"] = str(sv.location)
        if sv.unit is not None:
            fields["unit"] = str(sv.unit)
        if sv.format is not None:
            fields["format"] = str(sv.format)
        _SAMPLED_FIELDS[key] = fields
    return fields


def _meter_value(mv: MeterValue) -> dict[str, Any] | orjson.Fragment:
    shape = mv.shape
    if shape is not None:
        return orjson.Fragment(
            _template(shape) % (format_time(mv.timestamp), *(v[0] for v in mv.sampled_value))
        )
    return {
        "timestamp": format_time(mv.timestamp),
        "sampledValue": [{"value": sv.value, **_sampled_fields(sv)} for sv in mv.sampled_value],
    }


# The JSON of a MeterValue of one shape with its timestamp and values left out (%s), by id of the shape
# (the entry keeps the shape alive, so the id is not reused while it is here). A MeterValues of the
# default configuration is then one string formatting instead of ten dicts serialized twice (journal and
# frame): the fleet's most frequent message.
_TEMPLATES: dict[int, tuple[Shape, str]] = {}


def _template(shape: Shape) -> str:
    entry = _TEMPLATES.get(id(shape))
    if entry is not None and entry[0] is shape:
        return entry[1]
    values = []
    for context, measurand, unit, location, phase in shape:
        fields = _sampled_fields(SampledValue("", context, measurand, unit, location, phase))
        # The values are decimal numbers (MeterValue.shape): nothing in them needs escaping.
        tail = orjson.dumps(fields).decode()[1:]
        values.append('{"value":"%s",' + tail.replace("%", "%%"))
    template = '{"timestamp":"%s","sampledValue":[' + ",".join(values) + "]}"
    if len(_TEMPLATES) >= 1024:  # shapes the CSMS keeps changing: start over rather than grow
        _TEMPLATES.clear()
    _TEMPLATES[id(shape)] = (shape, template)
    return template


def meter_values_payload(values: tuple[MeterValue, ...]) -> list[dict[str, Any] | orjson.Fragment]:
    return [_meter_value(mv) for mv in values if mv.sampled_value]


def _drop_none(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if v is not None}


def journal_body(payload: dict[str, Any]) -> str:
    """A transaction message as kept in the journal: without transactionId (filled in when sent)."""
    return orjson.dumps({k: v for k, v in payload.items() if k != "transactionId"}).decode()


def request_payload(
    req: Request, transaction_id: int | None, prepared: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON payload of a CP->CS request; `transaction_id` resolves the request's tx_ref. `prepared`
    is this request's payload built before without a transaction id (for the journal): a MeterValues
    takes its meterValue list from it instead of formatting every sample again. A meter value sampled by
    the meter is an orjson.Fragment (its JSON, made from a template): serialize the payload with orjson."""
    if isinstance(req, HeartbeatReq):
        return {}
    if isinstance(req, ReplayedReq):
        payload: dict[str, Any] = orjson.loads(req.body)
        if req.tx_ref is not None and req.action in ("StopTransaction", "MeterValues"):
            # errata 3.18: -1 when the transaction never obtained an id
            payload = {"transactionId": transaction_id if transaction_id is not None else -1, **payload}
            if req.action == "MeterValues":
                payload = {"connectorId": payload.pop("connectorId"), **payload}
        return payload
    if isinstance(req, StatusNotificationReq):
        return _drop_none(
            {
                "connectorId": req.connector_id,
                "errorCode": req.error_code.value,
                "status": req.status.value,
                "timestamp": format_time(req.timestamp),
                "info": req.info,
                "vendorId": req.vendor_id,
                "vendorErrorCode": req.vendor_error_code,
            }
        )
    if isinstance(req, MeterValuesReq):
        payload = {"connectorId": req.connector_id}
        if req.tx_ref is not None and transaction_id is not None:
            payload["transactionId"] = transaction_id
        if prepared is not None:
            payload["meterValue"] = prepared["meterValue"]
        else:
            payload["meterValue"] = meter_values_payload(req.meter_value)
        return payload
    if isinstance(req, SecurityEventNotificationReq):
        return _drop_none(
            {"type": req.event_type, "timestamp": format_time(req.timestamp), "techInfo": req.tech_info}
        )
    if isinstance(req, SignCertificateReq):
        return {"csr": req.csr}
    if isinstance(req, (LogStatusNotificationReq, SignedFirmwareStatusNotificationReq)):
        return _drop_none({"status": req.status, "requestId": req.request_id})
    if isinstance(req, StartTransactionReq):
        return _drop_none(
            {
                "connectorId": req.connector_id,
                "idTag": req.id_tag,
                "meterStart": req.meter_start,
                "timestamp": format_time(req.timestamp),
                "reservationId": req.reservation_id,
            }
        )
    if isinstance(req, StopTransactionReq):
        payload = _drop_none(
            {
                # errata 3.18: -1 when the transaction never obtained an id
                "transactionId": transaction_id if transaction_id is not None else -1,
                "idTag": req.id_tag,
                "meterStop": req.meter_stop,
                "timestamp": format_time(req.timestamp),
                "reason": req.reason.value,
            }
        )
        data = meter_values_payload(req.transaction_data)
        if data:
            payload["transactionData"] = data
        return payload
    if isinstance(req, AuthorizeReq):
        return {"idTag": req.id_tag}
    if isinstance(req, BootNotificationReq):
        info = req.info
        return _drop_none(
            {
                "chargePointVendor": info.charge_point_vendor,
                "chargePointModel": info.charge_point_model,
                "chargePointSerialNumber": info.charge_point_serial_number,
                "chargeBoxSerialNumber": info.charge_box_serial_number,
                "firmwareVersion": info.firmware_version,
                "iccid": info.iccid,
                "imsi": info.imsi,
                "meterType": info.meter_type,
                "meterSerialNumber": info.meter_serial_number,
            }
        )
    if isinstance(req, (FirmwareStatusNotificationReq, DiagnosticsStatusNotificationReq)):
        return {"status": req.status.value}
    if isinstance(req, DataTransferReq):
        return _drop_none({"vendorId": req.vendor_id, "messageId": req.message_id, "data": req.data})
    raise TypeError(f"no payload for {type(req).__name__}")


def profile_payload(profile: ChargingProfile) -> dict[str, Any]:
    """A model profile as the OCPP ChargingProfile JSON object (csChargingProfiles)."""
    sched = profile.schedule
    schedule: dict[str, Any] = _drop_none(
        {
            "duration": sched.duration,
            "startSchedule": format_time(sched.start_schedule) if sched.start_schedule is not None else None,
            "chargingRateUnit": sched.unit.value,
            "chargingSchedulePeriod": [
                _drop_none({"startPeriod": x.start_period, "limit": x.limit, "numberPhases": x.number_phases})
                for x in sched.periods
            ],
            "minChargingRate": sched.min_charging_rate,
        }
    )
    return _drop_none(
        {
            "chargingProfileId": profile.id,
            "transactionId": profile.transaction_id,
            "stackLevel": profile.stack_level,
            "chargingProfilePurpose": profile.purpose.value,
            "chargingProfileKind": profile.kind.value,
            "recurrencyKind": profile.recurrency.value if profile.recurrency else None,
            "validFrom": format_time(profile.valid_from) if profile.valid_from is not None else None,
            "validTo": format_time(profile.valid_to) if profile.valid_to is not None else None,
            "chargingSchedule": schedule,
        }
    )


def profile_from_payload(payload: dict[str, Any]) -> ChargingProfile:
    """A schema-valid ChargingProfile payload as a model profile."""
    sched = payload["chargingSchedule"]
    periods = tuple(
        SchedulePeriod(int(p["startPeriod"]), round(float(p["limit"]), 1), p.get("numberPhases"))
        for p in sched["chargingSchedulePeriod"]
    )
    start = sched.get("startSchedule")
    min_rate = sched.get("minChargingRate")
    valid_from = payload.get("validFrom")
    valid_to = payload.get("validTo")
    recurrency = payload.get("recurrencyKind")
    return ChargingProfile(
        id=payload["chargingProfileId"],
        connector_id=0,
        stack_level=payload["stackLevel"],
        purpose=ChargingProfilePurpose(payload["chargingProfilePurpose"]),
        kind=ChargingProfileKind(payload["chargingProfileKind"]),
        schedule=ChargingSchedule(
            unit=ChargingRateUnit(sched["chargingRateUnit"]),
            periods=periods,
            duration=sched.get("duration"),
            start_schedule=parse_time(start) if start else None,
            min_charging_rate=float(min_rate) if min_rate is not None else None,
        ),
        recurrency=RecurrencyKind(recurrency) if recurrency else None,
        valid_from=parse_time(valid_from) if valid_from else None,
        valid_to=parse_time(valid_to) if valid_to else None,
        transaction_id=payload.get("transactionId"),
    )
