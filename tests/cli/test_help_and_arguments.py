"""`ocppsim --help` names every command; every option of every command has a help line that shows its
default; URL and HOST:PORT arguments are checked by argparse (one line, exit 2), never a traceback."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pytest

from ocppsim.cli import SUBCOMMANDS, main
from ocppsim.cli.arguments import COMMANDS, HelpFormatter, Parser, host_port, ws_url


class _BuiltError(Exception):
    def __init__(self, parser: Parser) -> None:
        self.parser = parser


def _parser_of(command: str, monkeypatch: pytest.MonkeyPatch) -> Parser:
    """The parser a command builds, caught before it parses anything."""

    def capture(self: Parser, args: Sequence[str] | None = None, namespace: object = None) -> None:
        raise _BuiltError(self)

    monkeypatch.setattr(Parser, "parse_args", capture)
    with pytest.raises(_BuiltError) as built:
        main([command] if command else [])
    return built.value.parser


def test_the_command_table_is_the_dispatch_table() -> None:
    assert set(COMMANDS) == {"(none)", *SUBCOMMANDS}


def test_top_level_help_lists_every_command_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        lines = [line for line in out.splitlines() if line.strip().startswith(name + " ")]
        assert len(lines) == 1, name
        assert len(lines[0].split(None, 1)[1]) > 10  # a summary, not just the name


@pytest.mark.parametrize("command", ["", *SUBCOMMANDS])
def test_every_option_has_help_and_shows_its_default(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = _parser_of(command, monkeypatch)
    formatter = HelpFormatter(parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if action.help == argparse.SUPPRESS:  # internal (fleet --shard, set by the parent process)
            continue
        name = "/".join(action.option_strings)
        assert action.help, f"{command} {name}: no help"
        if action.required or isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
            continue
        shown = formatter._get_help_string(action) or ""
        assert "default" in shown, f"{command} {name}: default not shown"
        if action.default is not None and "%(default)" in shown:
            assert str(action.default) in shown % {"default": action.default}


def test_help_never_prints_the_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OCPPSIM_HTTP_TOKEN", "s3cret-token")
    for command in ("", "demo", "fleet"):
        with pytest.raises(SystemExit):
            main([command, "--help"] if command else ["--help"])
        out = capsys.readouterr().out
        assert "$OCPPSIM_HTTP_TOKEN" in out and "s3cret-token" not in out


@pytest.mark.parametrize(
    "text", ["ws://127.0.0.1:1234", "wss://csms.example.com/ocpp", "ws://[::1]:9000/ocpp/", "ws://host"]
)
def test_websocket_urls_are_taken(text: str) -> None:
    assert ws_url(text) == text


@pytest.mark.parametrize(
    "text", ["localhost:1299", "http://host:80", "ws://", "ws://:1234", "ws://host:99999", "ws://host:x"]
)
def test_other_urls_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        ws_url(text)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["shell", "--url", "localhost:1299"], "try ws://localhost:1299"),
        (["fleet", "--count", "1", "--url", "127.0.0.1:9000"], "argument --url"),
        (["locust-agent", "--url", "csms:9000", "--conf-dir", "x"], "argument --url"),
        (["chaos", "--listen", "9100"], "argument --listen"),
        (["chaos", "--actions", "cut=x"], "argument --actions"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(error_lines) == 1 and said in error_lines[0]


def test_host_port() -> None:
    assert host_port("127.0.0.1:9000") == ("127.0.0.1", 9000)
    assert host_port("[::1]:9000") == ("::1", 9000)
    for bad in ("9000", ":9000", "host:", "host:70000", "host:x"):
        with pytest.raises(argparse.ArgumentTypeError):
            host_port(bad)
