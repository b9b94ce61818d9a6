"""How a command runs: its event loop (uvloop for the many-connection commands), signals, logging."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["run_fast", "setup_logging", "stop_on_signals"]


_uvloop_factory: Callable[[], asyncio.AbstractEventLoop] | None
try:
    from uvloop import new_event_loop as _uvloop_factory
except ImportError:  # not on this platform (Windows): the standard loop
    _uvloop_factory = None

T = TypeVar("T")


def run_fast(coro: Coroutine[Any, Any, T]) -> T:
    """Run the many-connection commands (fleet, csms) on uvloop where it is installed: the event loop is
    a third of the per-message cost, and uvloop's is ~1.35x faster on the fleet's message path
    (benchmarks/message_path.py). OCPPSIM_LOOP=asyncio keeps the standard loop."""
    factory = _uvloop_factory if os.environ.get("OCPPSIM_LOOP", "uvloop") == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coro)


def stop_on_signals(stop: Callable[[], None]) -> None:
    """Ctrl+C and SIGTERM end the run cleanly (registers saved, connections closed)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop)


def setup_logging(levels: dict[str, str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # picows reports each connection's socket details at INFO ("WS connection established ... mask_impl");
    # the station already logs the connect in one line, so the transport speaks from WARNING on unless
    # the INI's [logging] asks for it (ocppsim.ws = INFO).
    logging.getLogger("ocppsim.ws").setLevel(logging.WARNING)
    for name, level in levels.items():
        logging.getLogger(None if name == "root" else name).setLevel(level)
