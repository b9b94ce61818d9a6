"""`ocppsim shell`: an interactive prompt for the text command interface, with history (readline)
and automatic reconnects."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from ocppsim.driver import SimConnection

__all__ = ["run_shell"]

HISTORY = Path.home() / ".ocppsim_history"


def _setup_readline() -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    try:
        readline.read_history_file(HISTORY)
    except OSError:
        pass
    readline.set_history_length(1000)
    import atexit

    atexit.register(lambda: _save_history(readline))


def _save_history(readline: object) -> None:
    try:
        readline.write_history_file(HISTORY)  # type: ignore[attr-defined]
    except OSError:
        pass


async def run_shell(url: str, *, prompt: str = "ocppsim> ") -> int:
    if sys.stdin.isatty():
        _setup_readline()
    sim = SimConnection(url)
    loop = asyncio.get_running_loop()
    while True:
        if not sim.connected:
            try:
                await sim.connect()
                print(f"connected to {url}")
            except OSError as exc:
                print(f"cannot connect to {url}: {exc}; retrying in 2 s", file=sys.stderr)
                await asyncio.sleep(2)
                continue
        try:
            line = await loop.run_in_executor(None, input, prompt if sys.stdin.isatty() else "")
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
        print(reply)
        if reply == "bye":
            await sim.disconnect()
            return 0
