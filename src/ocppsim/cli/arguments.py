"""What several commands parse alike: the argument parser's error and help style (every option with its
default), the one-line summary of every command, URL and HOST:PORT arguments, and the REST API flags (their
meaning is read by ocppsim.settings.flags)."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from typing import Any, NoReturn
from urllib.parse import urlsplit

from ocppsim.model.decimal_text import parse_whole_number
from ocppsim.settings.flags import HTTP_TOKEN_ENV

__all__ = ["COMMANDS", "HelpFormatter", "Parser", "add_http_flags", "host_port", "ws_url"]

# `ocppsim --help` lists these, one line each; cli/__init__.py dispatches on the same names.
COMMANDS: dict[str, str] = {
    "(none)": "one charger, a drop-in for the original ocppsim (the options above)",
    "csms": "the built-in central system, OCPP 1.6J and 2.0.1 (accepts any charger)",
    "shell": "interactive client of a charger's text command interface",
    "demo": "what `make run` starts: the built-in central system plus one charger",
    "fleet": "many chargers against one CSMS, in one process or sharded over workers",
    "chaos": "TCP fault-injection proxy between chargers and a CSMS",
    "replay": "replay a recorded charger trace against a live CSMS and diff its answers",
    "scenario": "run TOML test scenarios against a CSMS: a verdict per step, JUnit XML",
    "locustfile": 'print the path of the packaged locustfile (`locust -f "$(ocppsim locustfile)"`)',
    "locust-agent": "the chargers of one Locust worker (started by ocppsim's Locust users)",
}


def commands_epilog() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {summary}" for name, summary in COMMANDS.items()]
    return "commands (each has its own -h):\n" + "\n".join(lines)


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in its help line, unless there is none to show (no default, a flag) or the
    help says it itself (e.g. a default read from the environment, which must not be printed: a token)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if (
            action.default is None
            or action.default is False
            or action.default == argparse.SUPPRESS
            or isinstance(action, argparse._StoreConstAction | argparse._HelpAction)
            or "default" in text
        ):
            return text
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        if kwargs.get("description"):  # the formatter keeps text as written (the command table): wrap here
            kwargs["description"] = textwrap.fill(kwargs["description"], 100)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # argparse already exits with 2; keep its message clear and short.
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def ws_url(text: str) -> str:
    """An argparse type: a WebSocket URL with host (OCPP-J 3.1: ws:// or wss://); a bad one is a one-line
    usage error (exit 2) instead of a traceback where it is first connected to."""
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a WebSocket URL: expected ws://HOST[:PORT][/path] or wss://..."
            + (f" (try ws://{text})" if "://" not in text else "")
        )
    if port == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: port 0 cannot be connected to")
    return text


def host_port(text: str) -> tuple[str, int]:
    """An argparse type: HOST:PORT (an IPv6 host in brackets: [::1]:9000)."""
    host, sep, port_text = text.rpartition(":")
    host = host.strip("[]")
    port = parse_whole_number(port_text)
    if not sep or not host or port is None or not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: expected HOST:PORT, e.g. 127.0.0.1:9000")
    return host, port


def add_http_flags(p: argparse.ArgumentParser, default: str | None = None) -> None:
    p.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        default=default,
        help="serve the REST API and dashboard; host 127.0.0.1 unless given (overrides [http]; default: "
        + (f"{default})" if default else "off, or as [http] says)"),
    )
    p.add_argument(
        "--http-token",
        default=os.environ.get(HTTP_TOKEN_ENV),
        help=f"bearer token of the REST API, required off loopback (default: ${HTTP_TOKEN_ENV}; the"
        " environment keeps it out of the process list)",
    )
