"""The step kinds of a scenario file: what each does, its fields, and how its verdict is decided. The parser
(parse.py), the JSON schema (schema.py) and the runner (runner.py) all read this one table, so a new kind
of step (say `intercept`) is one `@step_kind` function here, nothing else.

A step passes when its run function returns (a short note and the frames that decided it) and fails when
it raises ExpectationError (the message says what was expected and what was seen instead)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.interception import (
    ERROR_CODES,
    TARGETS,
    InterceptionError,
    clear_overrides,
    intercept,
    remove_override,
    spec_from_mapping,
)
from ocppsim.runtime.message_log import LoggedFrame
from ocppsim.testing.exchanges import Exchange
from ocppsim.testing.harness import SENDABLE, ExpectationError, Harness, SimCharger
from ocppsim.testing.matching import mismatches

__all__ = [
    "COMMON_FIELDS",
    "KINDS",
    "Field",
    "FieldError",
    "Step",
    "StepContext",
    "StepKind",
    "StepSkippedError",
    "step_kind",
]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    # JSON schema type: "string", "integer", "number", "boolean", "object" (a TOML table), "matcher"
    # (any value: testing/matching.py).
    type: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    index: int  # 1-based, as reported
    kind: str
    fields: dict[str, Any]
    line: int  # of its [[steps]] header in the file (0: unknown)
    name: str  # what the report calls it
    timeout: float  # real seconds this step may wait


@dataclass(slots=True)
class StepContext:
    harness: Harness
    charger: SimCharger
    csms: CentralSystem | None  # the built-in central system, when the scenario runs against it
    # `expect` steps match in order: each searches the frames after the call the previous one matched.
    cursor: int = 0
    frames_before: int = 0  # the first frame of the running step
    # Values saved by `save = { name = "answer.transactionId" }`, used later as "${name}".
    variables: dict[str, Any] = field(default_factory=dict)


class StepSkippedError(Exception):
    """The step cannot run here (e.g. it drives the built-in central system and another one is tested)."""


class FieldError(ValueError):
    """A step's fields that cannot work together (a kind's `check`, at parse time): `field` names the one
    to blame (its line is reported), None for the step as a whole."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field


Outcome = tuple[str, list[LoggedFrame]]
RunStep = Callable[[StepContext, Step], Awaitable[Outcome]]
# Checks a step's fields beyond their types, before anything connects; raises FieldError.
CheckStep = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class StepKind:
    name: str
    doc: str
    fields: tuple[Field, ...]
    run: RunStep
    needs_connection: bool = True
    field_names: frozenset[str] = field(default=frozenset())
    check: CheckStep | None = None


COMMON_FIELDS: Final = (
    Field("do", "string", "what the step does: one of the step kinds", required=True),
    Field("name", "string", "what the report calls the step (default: the kind and its main field)"),
    Field("timeout", "number", "real seconds the step may wait (default: the scenario's timeout, 5)"),
)

KINDS: dict[str, StepKind] = {}

CONNECTOR = Field("connector", "integer", "connector id (default 1)")
SAVE = Field(
    "save",
    "object",
    'keep values for later steps: name = "answer.transactionId" (or "payload.<key>"); use as "${name}"',
)
DIRECTIONS: Final = ("CS->CP", "CP->CS", "any")
ANSWER_ERROR = Field(
    "error",
    "matcher",
    "the answer must be a CALLERROR whose errorCode matches (OCPP-J Table 7), e.g. FormationViolation or "
    '{ "$in" = [...] }, not a CALLRESULT',
)


def step_kind(
    name: str, doc: str, *fields: Field, needs_connection: bool = True, check: CheckStep | None = None
) -> Callable[[RunStep], RunStep]:
    def register(run: RunStep) -> RunStep:
        names = frozenset(f.name for f in (*COMMON_FIELDS, *fields))
        KINDS[name] = StepKind(name, doc, fields, run, needs_connection, names, check)
        return run

    return register


def _during(ctx: StepContext) -> list[LoggedFrame]:
    return ctx.charger.frames(ctx.frames_before)


def _reply_check(reply: str, ctx: StepContext) -> Outcome:
    if reply.startswith("Error:"):
        raise ExpectationError(reply, _during(ctx))
    return reply, _during(ctx)


def _save(ctx: StepContext, step: Step, exchange: Exchange) -> None:
    for name, path in step.fields.get("save", {}).items():
        source, _, rest = str(path).partition(".")
        value: Any = {"payload": exchange.payload, "answer": exchange.answer}.get(source)
        for part in rest.split(".") if rest else ():
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            raise ExpectationError(f"save {name}: {path} is not in {exchange!r}", exchange.frames)
        ctx.variables[name] = value


def _exchange_frames(exchanges: list[Exchange]) -> list[LoggedFrame]:
    return [f for e in exchanges for f in e.frames]


# ------------------------------------------------------------------------------------------ connection


@step_kind(
    "connect",
    "start the charger (or connect it again after `disconnect`); passes when its BootNotification was "
    "answered Accepted and it reported every connector's status",
    Field("boot", "boolean", "wait for the accepted boot (default true)"),
    needs_connection=False,
)
async def _connect(ctx: StepContext, step: Step) -> Outcome:
    charger = ctx.charger
    if charger.station is not None and not charger.station.online:
        await charger.reconnect(timeout=step.timeout)
        return "connected again", _during(ctx)
    await charger.connect(boot=bool(step.fields.get("boot", True)), timeout=step.timeout)
    boot = charger.calls("BootNotification", direction="CP->CS")
    status = charger.calls("StatusNotification", since=ctx.frames_before, direction="CP->CS")
    answer = boot[-1].answer if boot else None
    return f"boot {answer.get('status') if answer else 'sent'}", _exchange_frames(boot[-1:] + status)


@step_kind("disconnect", "the CSMS connection drops (the charger queues transaction messages meanwhile)")
async def _disconnect(ctx: StepContext, step: Step) -> Outcome:
    await ctx.charger.disconnect()
    return "offline", []


# ------------------------------------------------------------------------------------- an EV, a driver


@step_kind("plug", "the EV's cable is plugged in", CONNECTOR)
async def _plug(ctx: StepContext, step: Step) -> Outcome:
    return _reply_check(await ctx.charger.plug(step.fields.get("connector", 1)), ctx)


@step_kind(
    "unplug", "the cable is pulled (a running transaction stops with reason EVDisconnected)", CONNECTOR
)
async def _unplug(ctx: StepContext, step: Step) -> Outcome:
    return _reply_check(await ctx.charger.unplug(step.fields.get("connector", 1)), ctx)


TAG_RESULTS: Final = (
    "Accepted",
    "Blocked",
    "Expired",
    "Invalid",
    "ConcurrentTx",
    "Reserved",
    "Faulted",
    "Unavailable",
    "Stopping",
    "any",
)


@step_kind(
    "tag",
    "a tag at the reader: authorize and start charging (plugging in first if needed); during a "
    "transaction it stops it",
    Field("id_tag", "string", "the idTag", required=True),
    CONNECTOR,
    Field("expect", "string", "the outcome that passes (default Accepted)", choices=TAG_RESULTS),
)
async def _tag(ctx: StepContext, step: Step) -> Outcome:
    reply = await ctx.charger.tag(str(step.fields["id_tag"]), connector=step.fields.get("connector", 1))
    if reply.startswith("Tag Accepted"):
        got = "Accepted"
    elif reply.startswith("Ok, stopping"):
        got = "Stopping"
    elif reply.startswith("Tag not accepted. Error: "):
        got = reply.removeprefix("Tag not accepted. Error: ")
    else:
        got = reply
    want = step.fields.get("expect", "Accepted")
    if want not in ("any", got):
        raise ExpectationError(
            f"tag {step.fields['id_tag']}: expected {want}, got {got} ({reply})", _during(ctx)
        )
    return reply, _during(ctx)


@step_kind(
    "fault",
    "a hardware fault on a connector (StatusNotification with the errorCode), or its end (clear = true)",
    Field("error_code", "string", "a ChargePointErrorCode, e.g. GroundFailure (not with clear)"),
    Field("info", "string", "free text sent as StatusNotification.info"),
    Field("clear", "boolean", "the fault is over"),
    CONNECTOR,
)
async def _fault(ctx: StepContext, step: Step) -> Outcome:
    connector = step.fields.get("connector", 1)
    if step.fields.get("clear"):
        return _reply_check(await ctx.charger.clear_fault(connector=connector), ctx)
    if "error_code" not in step.fields:
        raise ExpectationError("fault needs error_code (or clear = true)")
    try:
        reply = await ctx.charger.fault(
            str(step.fields["error_code"]), str(step.fields.get("info", "")), connector=connector
        )
    except ValueError as exc:
        raise ExpectationError(str(exc)) from None
    return _reply_check(reply, ctx)


@step_kind(
    "command",
    "any line of the text command interface (docs/commands.md), e.g. 'max 10' or 'suspend'",
    Field("line", "string", "the command line", required=True),
    Field("reply", "matcher", "what the reply must be: a string, or an operator such as {'$regex' = '^Ok'}"),
    CONNECTOR,
)
async def _command(ctx: StepContext, step: Step) -> Outcome:
    reply = await ctx.charger.command(str(step.fields["line"]), connector=step.fields.get("connector", 1))
    if "reply" in step.fields:
        wrong = mismatches({"reply": reply}, {"reply": step.fields["reply"]})
        if wrong:
            raise ExpectationError("; ".join(wrong), _during(ctx))
        return reply, _during(ctx)
    return _reply_check(reply, ctx)


# ---------------------------------------------------------------------------------- the charger's side


@step_kind(
    "send",
    "the charger sends a CP->CS message and the CSMS's answer is checked: one of DataTransfer, "
    + ", ".join(SENDABLE),
    Field("call", "string", "the action", required=True, choices=("DataTransfer", *SENDABLE)),
    Field("payload", "object", "DataTransfer: vendorId, messageId, data; others: connectorId"),
    Field("answer", "object", "field matchers the CSMS's CALLRESULT must satisfy"),
    SAVE,
    ANSWER_ERROR,
)
async def _send(ctx: StepContext, step: Step) -> Outcome:
    action = str(step.fields["call"])
    try:
        exchange = await ctx.charger.send(action, step.fields.get("payload"), timeout=step.timeout)
    except ValueError as exc:
        raise ExpectationError(str(exc)) from None
    outcome = _check_answer(exchange, step)
    _save(ctx, step, exchange)
    return outcome


def _check_answer(exchange: Exchange, step: Step) -> Outcome:
    if exchange.answer_frame is None:
        raise ExpectationError(f"{exchange.action}: no answer within {step.timeout} s", exchange.frames)
    if "error" in step.fields:
        wrong = mismatches({"errorCode": exchange.error}, {"errorCode": step.fields["error"]})
        if exchange.error is None or wrong:
            got = f"CALLERROR {exchange.error}" if exchange.error else f"CALLRESULT {exchange.answer}"
            raise ExpectationError(
                f"{exchange.action}: {got}; expected a CALLERROR: {'; '.join(wrong)}", exchange.frames
            )
        return f"CALLERROR {exchange.error}", exchange.frames
    if exchange.error is not None:
        raise ExpectationError(f"{exchange.action} answered with CALLERROR {exchange.error}", exchange.frames)
    wrong = mismatches(exchange.answer, step.fields.get("answer", {}))
    if wrong:
        raise ExpectationError(f"{exchange.action} answer: " + "; ".join(wrong), exchange.frames)
    return f"answer {exchange.answer}", exchange.frames


@step_kind(
    "set_config",
    "change one of the charger's configuration keys locally, with ChangeConfiguration's rules",
    Field("key", "string", "the configuration key", required=True),
    Field("value", "matcher", "its new value (a string; numbers and booleans are written as OCPP has them)"),
    Field(
        "expect",
        "string",
        "the status that passes (default Accepted)",
        choices=("Accepted", "RebootRequired", "Rejected", "NotSupported"),
    ),
)
async def _set_config(ctx: StepContext, step: Step) -> Outcome:
    value = step.fields.get("value", "")
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    status = ctx.charger.set_config(str(step.fields["key"]), text)
    want = step.fields.get("expect", "Accepted")
    if status != want:
        raise ExpectationError(f"{step.fields['key']} = {text!r}: {status}, expected {want}")
    return f"{step.fields['key']} = {text!r}: {status}", _during(ctx)


# --------------------------------------------------------------------------------------- waiting, time


@step_kind(
    "wait",
    "wait (up to the timeout, real time) until a connector is in a status",
    Field("status", "string", "a ChargePointStatus, e.g. Charging", required=True),
    CONNECTOR,
)
async def _wait(ctx: StepContext, step: Step) -> Outcome:
    connector = step.fields.get("connector", 1)
    await ctx.charger.wait_for_status(str(step.fields["status"]), connector=connector, timeout=step.timeout)
    reports = [
        e
        for e in ctx.charger.calls("StatusNotification", direction="CP->CS")
        if e.payload.get("connectorId") == connector
    ]
    return f"connector {connector} {step.fields['status']}", _exchange_frames(reports[-1:])


@step_kind(
    "advance",
    "move simulated time forward: heartbeats, meter samples and timeouts due meanwhile happen at once",
    Field("seconds", "number", "how far", required=True),
)
async def _advance(ctx: StepContext, step: Step) -> Outcome:
    seconds = float(step.fields["seconds"])
    await ctx.harness.advance(seconds)
    return f"+{seconds:g} s", _during(ctx)


# ------------------------------------------------------------------------------------- the CSMS's side


@step_kind(
    "expect",
    "a CALL (by default either direction) that comes after the one the previous expect matched, "
    "whose payload matches; optionally its answer too",
    Field("call", "string", "the action, e.g. RemoteStartTransaction", required=True),
    Field("match", "object", "field matchers on the payload (dotted keys, $regex, $gt, $in, $exists...)"),
    Field("answer", "object", "field matchers on the CALLRESULT"),
    Field("direction", "string", "CS->CP, CP->CS or any (default)", choices=DIRECTIONS),
    Field("from_start", "boolean", "search from the scenario's first frame, not from the last match"),
    SAVE,
    ANSWER_ERROR,
)
async def _expect(ctx: StepContext, step: Step) -> Outcome:
    direction = step.fields.get("direction", "any")
    since = 0 if step.fields.get("from_start") else ctx.cursor
    exchange = await ctx.charger.expect_call(
        str(step.fields["call"]),
        direction=None if direction == "any" else direction,
        since=since,
        timeout=step.timeout,
        match=step.fields.get("match", {}),
    )
    ctx.cursor = max(ctx.cursor, exchange.call.seq + 1)
    if {"answer", "error", "save"} & step.fields.keys():
        exchange = await ctx.charger.answered(exchange, timeout=step.timeout)
    outcome = _check_answer(exchange, step) if {"answer", "error"} & step.fields.keys() else None
    _save(ctx, step, exchange)
    return outcome or (f"{exchange.direction} {exchange.payload}", exchange.frames)


@step_kind(
    "expect_none",
    "no CALL of this action matching comes within `within` seconds (after the last match)",
    Field("call", "string", "the action", required=True),
    Field("match", "object", "field matchers on the payload"),
    Field("within", "number", "real seconds to watch (default 0.3)"),
)
async def _expect_none(ctx: StepContext, step: Step) -> Outcome:
    action = str(step.fields["call"])
    try:
        exchange = await ctx.charger.expect_call(
            action,
            since=ctx.cursor,
            timeout=float(step.fields.get("within", 0.3)),
            match=step.fields.get("match", {}),
        )
    except ExpectationError:
        return f"no {action}", []
    raise ExpectationError(f"unexpected {exchange.direction} {action} {exchange.payload}", exchange.frames)


@step_kind(
    "csms",
    "the built-in central system sends a CS->CP call (skipped against another CSMS: it must send the "
    "call by itself, which a following expect step checks)",
    Field("call", "string", "the action, e.g. RemoteStartTransaction", required=True),
    Field("payload", "object", "its payload", required=True),
    Field("answer", "object", "field matchers on the charger's CALLRESULT"),
    SAVE,
    ANSWER_ERROR,
)
async def _csms(ctx: StepContext, step: Step) -> Outcome:
    if ctx.csms is None:
        raise StepSkippedError("drives the built-in central system; this run tests another CSMS")
    action = str(step.fields["call"])
    mark = ctx.charger.mark()
    with contextlib.suppress(TimeoutError):  # judged below from the charger's frames
        await ctx.csms.call(ctx.charger.id, action, dict(step.fields["payload"]), timeout=step.timeout)
    exchange = await ctx.charger.expect_call(action, direction="CS->CP", since=mark, timeout=step.timeout)
    exchange = await ctx.charger.answered(exchange, timeout=step.timeout)
    ctx.cursor = max(ctx.cursor, exchange.call.seq + 1)
    outcome = _check_answer(exchange, step)
    _save(ctx, step, exchange)
    return outcome


# ------------------------------------------------------------------------------------ expert mode

# The fields of `intercept` are OverrideSpec's (runtime/interception.py, also the REST body's), so that a
# scenario, a REST call and a plugin test write an override the same way.
_INTERCEPT_FIELDS: Final = (
    Field("action", "string", "the OCPP action, e.g. RemoteStartTransaction, or * for every other", True),
    Field(
        "target",
        "string",
        "answer: the charger's answer to the CSMS's CALL; send: its own CALL",
        True,
        TARGETS,
    ),
    Field("status", "string", "the status value the frame carries instead, e.g. Rejected"),
    Field("error", "string", "answer with a CALLERROR of this code (OCPP-J Table 7)", choices=ERROR_CODES),
    Field("description", "string", "the CALLERROR's errorDescription"),
    Field("delay", "number", "answer this many simulated seconds later (an advance step makes them pass)"),
    Field("drop", "boolean", "no answer at all: the CSMS sees its own timeout"),
    Field("set_fields", "object", 'extra or changed fields: { "a.b" = value } (dotted paths reach inside)'),
    Field("remove_fields", "array", 'fields left out: ["timestamp", "a.b"]'),
    Field("raw", "string", "this text goes out instead ({uniqueId} becomes the frame's uniqueId)"),
    Field("malformed", "boolean", "the frame is cut short: not valid JSON"),
    Field("model", "boolean", "whether the charger still handles the call (default: not with status/error)"),
    Field("times", "integer", "the next N frames only (default: until removed)"),
    Field("save_id", "string", 'keep the override\'s id as this name, for intercept_remove id = "${name}"'),
)
_VARIABLE_NAME = re.compile(r"\w+")


def _check_intercept(fields: dict[str, Any]) -> None:
    """The override as OverrideSpec.check() has it, at parse time; the message names the field to blame."""
    save_id = fields.get("save_id")
    if save_id is not None and not _VARIABLE_NAME.fullmatch(save_id):
        raise FieldError("save_id", f"save_id {save_id!r}: a name of letters, digits and _")
    spec = {k: v for k, v in fields.items() if k != "save_id"}
    if any("${" in text for text in _texts(spec)):
        return  # a saved value: checked when the step runs
    try:
        spec_from_mapping(spec)
    except InterceptionError as exc:
        raise FieldError(_blame(str(exc), spec), str(exc)) from None


def _blame(message: str, fields: dict[str, Any]) -> str | None:
    """The field an InterceptionError is about: the first one it names, else the one holding the value it
    quotes (a bad field path), else None (the step as a whole)."""
    named = next((m.group() for m in re.finditer(r"\w+", message) if m.group() in fields), None)
    if named is not None:
        return named
    for name, value in fields.items():
        items = value if isinstance(value, list | dict) else [value]
        if any(repr(item) in message for item in items):
            return name
    return None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (k, *_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


@step_kind(
    "intercept",
    "expert mode: from now on the charger answers the CSMS's CALL of `action` (target answer) or sends "
    "its own (target send) as the override says; every frame it changes carries a note in the frames",
    *_INTERCEPT_FIELDS,
    check=_check_intercept,
)
async def _intercept(ctx: StepContext, step: Step) -> Outcome:
    options = {k: v for k, v in step.fields.items() if k != "save_id"}
    try:
        override = intercept(ctx.charger._require(), **options)
    except InterceptionError as exc:  # a saved value that did not make a valid override
        raise ExpectationError(str(exc)) from None
    if "save_id" in step.fields:
        ctx.variables[str(step.fields["save_id"])] = override.id
    spec = override.spec
    return f"#{override.id} {spec.target} {spec.action}: {spec.describe()}", []


def _check_remove(fields: dict[str, Any]) -> None:
    if ("id" in fields) == bool(fields.get("all")):
        raise FieldError("id" if "id" in fields else None, "give either id or all = true")
    oid = fields.get("id")
    if (isinstance(oid, int) and oid < 1) or (isinstance(oid, str) and not _WHOLE_VARIABLE.fullmatch(oid)):
        raise FieldError("id", f'id = {oid!r}: a saved override id, "${{name}}" (intercept save_id)')


_WHOLE_VARIABLE = re.compile(r"\$\{\w+\}")


@step_kind(
    "intercept_remove",
    "expert mode: an override ends (the frames go as the charger's model makes them again)",
    Field("id", "integer|string", 'the override\'s id: "${name}" saved by an intercept step (save_id)'),
    Field("all", "boolean", "every override of the charger"),
    check=_check_remove,
)
async def _intercept_remove(ctx: StepContext, step: Step) -> Outcome:
    station = ctx.charger._require()
    if step.fields.get("all"):
        return f"removed {clear_overrides(station)}", []
    oid = step.fields["id"]
    if remove_override(station, int(oid)) is None:
        raise ExpectationError(f"no override #{oid}: used up (times) or removed already")
    return f"removed #{oid}", []
