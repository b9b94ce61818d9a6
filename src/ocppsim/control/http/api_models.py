"""Request and response bodies of the REST API (pydantic): they are the OpenAPI schema, so every response
the API gives must fit them (schemathesis checks that)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ocppsim.model.types import ChargePointErrorCode

__all__ = [
    "ActionOut",
    "AvailabilityIn",
    "ChargerBrief",
    "ChargerIn",
    "ChargerOut",
    "ChargerPage",
    "ConfigChangeIn",
    "ConfigChangeOut",
    "ConfigKeyOut",
    "ConnectorBrief",
    "ConnectorOut",
    "ErrorOut",
    "EvOut",
    "FaultIn",
    "FrameOut",
    "FramePage",
    "MaxCurrentIn",
    "ProfilesOut",
    "StartIn",
    "SummaryOut",
    "TagIn",
    "TemplateOut",
    "VariableAttributeOut",
    "VariableOut",
    "VariableSetIn",
    "VariableSetOut",
    "VehicleIn",
    "VehicleOut",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    error: str = Field(description="what is wrong, in one sentence")
    status: str | None = Field(None, description="the OCPP status, where one applies")
    details: list[dict[str, Any]] | None = None


class EvOut(BaseModel):
    capacity_wh: float
    max_current_a: float
    phases: int
    suspended: bool
    full_after_wh: float | None


class ConnectorBrief(BaseModel):
    connector: int
    status: str | None = Field(description="None before the first accepted BootNotification")
    error_code: str


class ConnectorOut(ConnectorBrief):
    info: str | None
    vendor_error_code: str | None
    operative: bool
    plugged: bool
    transaction_id: int | None
    id_tag: str | None
    offer_a: float = Field(description="what the EVSE offers, per phase")
    current_a: float = Field(description="what the EV draws, per phase")
    phases_in_use: int
    power_w: float
    max_current_a: float | None = Field(description="the user's cap on the EV's current (`max`)")
    session_wh: float
    register_wh: float
    soc: float
    ev: EvOut


class ChargerBrief(BaseModel):
    id: str
    connected: bool
    registration: str | None
    connectors: list[ConnectorBrief]


class ChargerPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ChargerBrief]


class DisplayMessageOut(BaseModel):
    """A message the CSMS set on a 2.0.1 charger's display (SetDisplayMessage, O01-O06)."""

    id: int
    priority: str
    format: str
    content: str
    language: str | None = None
    state: str | None = None
    start: str | None = None
    end: str | None = None
    transaction_id: str | None = None
    shown: bool = Field(description="on the display now (its start has come, its priority wins)")


class ChargerOut(ChargerBrief):
    url: str
    template: str | None
    held_offline: bool
    security_profile: int
    connection_attempts: int
    last_error: str | None
    queued: int = Field(description="messages waiting in the outbox")
    messages_logged: int
    boot: dict[str, str | None]
    connectors: list[ConnectorOut]  # type: ignore[assignment]
    # The dashboard shows a 2.0.1 charger's device model (/variables) instead of its 1.6 keys.
    ocpp_versions: list[str] = Field(default_factory=list, description="the OCPP versions it offers")
    # OCPP 2.0.1 blocks O and I: what the display holds and the running cost of each transaction.
    display_messages: list[DisplayMessageOut] = Field(default_factory=list)
    running_costs: dict[str, float] = Field(
        default_factory=dict, description="transactionId -> the total cost of its last CostUpdated"
    )


class SummaryOut(BaseModel):
    chargers: int
    connected: int
    booted: int
    charging: int
    queued: int
    connectors_by_status: dict[str, int]


class TemplateOut(BaseModel):
    name: str
    connectors: int
    max_current_a: float
    phases: int
    vendor: str
    model: str
    url: str


class ChargerIn(_Strict):
    id: str = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9._~:@!$&'()*+,;=-]+$")
    template: str = "default"
    connectors: int | None = Field(None, ge=1, le=32)
    max_current_a: float | None = Field(None, gt=0, le=1000)
    phases: int | None = Field(None, ge=1, le=3)
    vendor: str | None = Field(None, min_length=1, max_length=20)  # BootNotification CiString20
    model: str | None = Field(None, min_length=1, max_length=20)
    url: str | None = Field(None, pattern=r"^wss?://[!-~]+$", max_length=500)
    ocpp_version: Literal["1.6", "2.0.1", "2.0.1,1.6", "1.6,2.0.1"] | None = Field(
        None, description="the OCPP version(s) it offers, in order (default: the template's)"
    )


class TagIn(_Strict):
    id_tag: str = Field(min_length=1, max_length=20, description="IdToken, CiString20")


class StartIn(_Strict):
    id_tag: str | None = Field(None, min_length=1, max_length=20)


class MaxCurrentIn(_Strict):
    amps: float | None = Field(ge=0, le=1000, description="None removes the cap")


class FaultIn(_Strict):
    error_code: ChargePointErrorCode
    info: str | None = Field(None, max_length=50)
    vendor_error_code: str | None = Field(None, max_length=50)


class AvailabilityIn(_Strict):
    type: Literal["Operative", "Inoperative"]


class ActionOut(BaseModel):
    result: str = Field(description="what happened, as a word: plugged, accepted, rejected, stopping ...")
    authorization: str | None = Field(None, description="the idTagInfo status, where a tag was checked")
    parent_id_tag: str | None = None
    id_tag_info: dict[str, Any] | None = None
    connector: ConnectorOut


class ConfigKeyOut(BaseModel):
    key: str
    readonly: bool
    value: str | None


def _ocpp_string(value: object) -> object:
    """ChangeConfiguration.req's value is a string (CiString500); a JSON number or boolean is taken in the
    string form OCPP gives it: true/false lower case (1.6 section 9.1's boolean keys), a number as JSON
    wrote it (60 -> "60", 7.5 -> "7.5"). Anything else is left to the str check."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return repr(value)
    return value


class ConfigChangeIn(_Strict):
    value: Annotated[
        str,
        BeforeValidator(_ocpp_string),
        WithJsonSchema(
            {
                "anyOf": [{"type": "string", "maxLength": 500}, {"type": "number"}, {"type": "boolean"}],
                "title": "Value",
            }
        ),
    ] = Field(
        max_length=500,
        description="CiString500, as ChangeConfiguration.req; a JSON number or boolean is taken as its OCPP"
        ' string (true -> "true", 60 -> "60")',
    )


class ConfigChangeOut(BaseModel):
    key: str
    status: str = Field(description="the ChangeConfiguration status: Accepted or RebootRequired")


class VariableAttributeOut(BaseModel):
    type: str = Field(description="Actual, Target, MinSet or MaxSet")
    value: str | None = Field(description="absent for a WriteOnly variable")
    mutability: str


class VariableOut(BaseModel):
    """One variable of an OCPP 2.0.1 charger's device model (NotifyReport's ReportDataType)."""

    component: str
    evse: int | None
    connector: int | None
    variable: str
    instance: str | None
    attributes: list[VariableAttributeOut]
    data_type: str
    unit: str | None
    min_limit: float | None
    max_limit: float | None
    values_list: str | None


class VariableSetIn(_Strict):
    component: Annotated[str, Field(min_length=1, max_length=50)]
    evse: Annotated[int | None, Field(ge=1)] = None
    connector: Annotated[int | None, Field(ge=1)] = None
    variable: Annotated[str, Field(min_length=1, max_length=50)]
    instance: Annotated[str | None, Field(max_length=50)] = None
    value: Annotated[str, Field(max_length=1000)]


class VariableSetOut(BaseModel):
    status: str = Field(description="SetVariables' attributeStatus: Accepted or RebootRequired")


class ProfilesOut(BaseModel):
    profiles: list[dict[str, Any]]
    scheduleStart: str  # noqa: N815 - the OCPP field name
    duration: int
    chargingRateUnit: str  # noqa: N815
    composite: dict[str, list[dict[str, Any]]]


class FrameOut(BaseModel):
    seq: int
    time: str
    direction: Literal["in", "out"] = Field(description="in: CSMS -> charger, out: charger -> CSMS")
    type: str
    message_id: str
    action: str | None
    latency_ms: float | None
    payload: Any = Field(description="the frame's payload (the raw text when it is not JSON)")
    note: str | None = Field(
        None, description="what an override of expert mode changed in this frame or withheld (interceptions)"
    )


class FramePage(BaseModel):
    total: int
    items: list[FrameOut]


class VehicleIn(_Strict):
    capacity_wh: float = Field(100_000.0, gt=0, le=1_000_000)
    initial_soc: float = Field(20.0, ge=0, le=100)
    max_current_a: float = Field(32.0, gt=0, le=1000)
    phases: int = Field(3, ge=1, le=3)
    max_power_w: float | None = Field(None, gt=0, le=1_000_000)


class VehicleOut(VehicleIn):
    model_config = ConfigDict(extra="ignore")
    id_tag: str
    registered: bool = Field(description="False: nobody registered this tag; these are the defaults")


class HistoryOut(BaseModel):
    """One connector's recent samples as columns (a chart library's shape), oldest first, and its
    composite schedule from now (GetCompositeSchedule semantics, section 5.7) in amperes."""

    connector: int
    now: float = Field(description="epoch seconds")
    recording: bool = Field(description="false: not recorded until now (the fleet records a bounded set)")
    time: list[float] = Field(description="epoch seconds of each sample; a value holds until the next")
    status: list[str | None]
    power_w: list[float]
    current_a: list[float]
    offer_a: list[float]
    limit_a: list[float]
    session_wh: list[float]
    soc: list[float]
    schedule: list[dict[str, float]] = Field(
        description="the composite schedule from now: {start (epoch seconds), limit_a, phases}"
    )
