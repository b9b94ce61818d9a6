"""`ocppsim shell`: an interactive prompt for the text command interface, with history (readline)
and automatic reconnects."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import sys
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from ocppsim.driver import SimConnection

__all__ = ["run_shell"]

HISTORY = Path.home() / ".ocppsim_history"


def _setup_readline() -> None:
    try:
        import readline  # noqa: PLC0415 - optional: not on every platform
    except ImportError:  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(HISTORY)

    atexit.register(save)


async def run_shell(url: str, *, prompt: str = "ocppsim> ") -> int:
    """Read commands from stdin, print each reply; reconnect when the simulator restarts."""
    interactive = sys.stdin.isatty()
    if interactive:
        _setup_readline()
    sim = SimConnection(url)
    loop = asyncio.get_running_loop()
    while True:
        if not sim.connected:
            try:
                await sim.connect()
                if interactive:
                    print(f"connected to {url}")
            except OSError as exc:
                print(f"cannot connect to {url}: {exc}; retrying in 2 s", file=sys.stderr)
                await asyncio.sleep(2)
                continue
        try:
            line = await loop.run_in_executor(None, input, prompt if interactive else "")
        except EOFError:
            await sim.disconnect()
            return 0
        if not line.strip():
            continue
        try:
            reply = await sim.command(line)
        except (ConnectionClosed, OSError, TimeoutError) as exc:
            print(f"connection lost ({exc}); reconnecting", file=sys.stderr)
            await sim.disconnect()
            continue
        print(reply, flush=True)
        if reply == "bye":
            await sim.disconnect()
            return 0
