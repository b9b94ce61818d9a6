"""The charger's WebSocket client: which library opens a station's connection, and the one interface the
station uses on it.

Plain ws:// connections use picows' websockets-compatible API (`picows.websockets`): its frames are parsed,
masked and written in compiled code, and the full station path does ~1.6x the round trips per CPU-second
of `websockets` (benchmarks/message_path.py: 16,800 vs 10,400 on uvloop). That is what lets one machine
hold the fleet issue's 100,000 chargers.

wss:// stays on `websockets`: with TLS 1.3 a server that refuses our client certificate only says so
after the TLS handshake, and `websockets` reports that at once as a failed connect, where picows 2.3
waits out the whole open timeout. TLS costs more per frame than either library, so nothing is lost.

`OCPPSIM_WS=websockets` puts every connection on `websockets` (to compare, or to rule picows out).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import picows.websockets.asyncio.client as picows_client
import picows.websockets.exceptions as picows_errors
import websockets.asyncio.client as websockets_client
import websockets.exceptions as websockets_errors


class Link(Protocol):
    """What the station does with an open connection (both libraries' ClientConnection have it)."""

    @property
    def subprotocol(self) -> str | None: ...

    async def send(self, message: str) -> None: ...

    async def ping(self) -> Awaitable[float]: ...

    async def close(self) -> None: ...

    def __aiter__(self) -> AsyncIterator[str | bytes]: ...


# Either library's exceptions, for `except` clauses.
CONNECTION_CLOSED: tuple[type[Exception], ...] = (
    websockets_errors.ConnectionClosed,
    picows_errors.ConnectionClosed,
)


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a refused upgrade (401, 404, ...), whichever library refused it."""
    if isinstance(exc, websockets_errors.InvalidStatus | picows_errors.InvalidStatus):
        return int(exc.response.status_code)
    return None


PICOWS_READ_BUFFER = 1024


def use_picows(url: str) -> bool:
    return url.startswith("ws://") and os.environ.get("OCPPSIM_WS", "picows") == "picows"


async def connect(url: str, **options: Any) -> Link:
    """Open a connection with `websockets.connect`'s options, on the library chosen for `url`."""
    opener: Callable[..., Awaitable[Any]] = websockets_client.connect
    if use_picows(url):
        opener = picows_client.connect
        # picows starts every connection with a 16 KiB read buffer: 1.6 GB at 100,000 chargers for
        # frames of a few hundred bytes. It grows (doubling) when a larger frame comes. And the event
        # loop's own transport, not aiofastnet's (which picows uses when installed, and it is one of
        # picows' dependencies): aiofastnet's is ~4.3 KiB a connection, uvloop's ~0.7 KiB; at 10,000
        # chargers RSS per charger went from 38.6 to 33.6 KiB, CPU per message within run-to-run noise.
        options = {"read_buffer_init_size": PICOWS_READ_BUFFER, "use_aiofastnet": False, **options}
    link: Link = await opener(url, **options)
    return link
