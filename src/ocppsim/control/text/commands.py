"""The text command grammar of the original ocppsim (compat/ocppsim-command-interface.md): parse one
line, format the exact replies. Pure: no I/O.

Extension for multi-connector chargers: a leading `@N` addresses connector N for one command
(`@2 plugin`), and `connector N` changes the session's default. Without them every command talks to
connector 1, so single-connector replies never change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from ocppsim.model.charger import ConnectorView
from ocppsim.model.decimal_text import parse_decimal, parse_whole_number

__all__ = [
    "MAX_COMMAND_LENGTH",
    "VERBS",
    "Command",
    "CommandError",
    "format_id_tag_info",
    "format_json_status",
    "format_number",
    "format_status",
    "parse_command",
]

MAX_COMMAND_LENGTH: Final = 4096

VERBS: Final = frozenset(
    {
        "status",
        "jsonstatus",
        "plugin",
        "unplug",
        "tag",
        "full",
        "suspend",
        "fullafter",
        "resume",
        "delay",
        "nodelay",
        "delay_notrans",
        "delay_trans",
        "max",
        "clock",
        "wait",
        "reset",
        "shutdown",
        "quit",
        "exit",
        # extensions
        "connector",
        "datatransfer",
        "fault",
        "nofault",
        "profiles",
        "swipe",
        "switch",
        "powercut",
        "intercept",
        "security_event",
        "arrive",
        "depart",
        "help",
    }
)


class CommandError(ValueError):
    """Becomes the reply `Error: <message>`."""


@dataclass(frozen=True, slots=True)
class Command:
    verb: str
    args: tuple[str, ...]
    connector: int | None = None


def parse_command(line: str) -> Command:
    if len(line) > MAX_COMMAND_LENGTH:
        raise CommandError(f"command too long ({len(line)} characters, at most {MAX_COMMAND_LENGTH})")
    words = line.split()
    if not words:
        raise CommandError("empty command")
    connector: int | None = None
    if words[0].startswith("@"):
        connector = parse_whole_number(words[0][1:])
        if connector is None or connector < 1:
            raise CommandError(f"bad connector {words[0]!r}: use @N with N >= 1")
        words = words[1:]
        if not words:
            raise CommandError("missing command after connector")
    verb = words[0]
    if verb not in VERBS:
        raise CommandError(f"Unknown command {verb}")
    return Command(verb, tuple(words[1:]), connector)


def parse_float_arg(text: str, what: str) -> float:
    """A number argument in ASCII (model/decimal_text.py: "٣" is refused, not read as 3)."""
    value = parse_decimal(text)
    if value is None:
        endless = text.isascii() and text.lstrip("+-").lower() in ("nan", "inf", "infinity")
        raise CommandError(f"{what} must be a {'finite ' if endless else ''}number, got {text!r}")
    return value


def format_number(value: float) -> str:
    """An integral number without ".0" (5000), otherwise as Python prints it (7.5)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def format_status(view: ConnectorView) -> str:
    tx = view.transaction_id if view.transaction_id is not None else None
    return (
        f"Status: {view.status.value if view.status else None}, transaction_id: {tx}, "
        f"offer: {view.offer:.1f} A, energy: {round(view.energy)} Wh, delay: {view.delay}, "
        f"max_usage: {view.max_usage if view.max_usage is not None else None}"
    )


def format_json_status(view: ConnectorView, extra: dict[str, Any] | None = None) -> str:
    data: dict[str, Any] = {
        "status": view.status.value if view.status else None,
        "offer": view.offer,
        "usage": view.usage,
        "max_usage": view.max_usage,
        "last_id_tag": view.last_id_tag,
        "transaction_id": view.transaction_id,
        "energy": view.energy,
        "fullafter": view.fullafter,
        "_delay": view.delay,
    }
    if extra:
        data.update(extra)
    return json.dumps(data)


_SNAKE = {"status": "status", "parentIdTag": "parent_id_tag", "expiryDate": "expiry_date"}


def format_id_tag_info(info: dict[str, Any] | None) -> str:
    """idTagInfo as the original printed it: the `ocpp` library's snake_case dict, or None."""
    if not info:
        return "None"
    return repr({_SNAKE.get(k, k): v for k, v in info.items()})
