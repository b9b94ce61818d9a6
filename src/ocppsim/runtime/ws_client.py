"""The charger's WebSocket client: which library opens a station's connection, and the one interface the
station uses on it (`Link`): callbacks in, plain calls out, no task or future per message.

Plain ws:// connections use picows' own listener API: a frame is parsed (and masked, on the way out) in
compiled code and handed to the station in the callback that parsed it, and a send is a write to the
socket. On picows' websockets-compatible API, or on `websockets`, every message went through a queue, an
async iterator and a future: at 10,000 connections a MeterValues round trip cost ~200 us of CPU through
the station there, and ~35 us on the listener API (the same station work, measured side by side). That
is what lets one machine hold the fleet issue's 100,000 chargers.

wss:// stays on `websockets`: with TLS 1.3 a server that refuses our client certificate only says so
after the TLS handshake, and `websockets` reports that at once as a failed connect, where picows 2.3
waits out the whole open timeout. TLS costs more per frame than either library, so little is lost; a
reader and a writer task adapt it to the same interface. permessage-deflate (off unless asked) is
`websockets`' too.

`OCPPSIM_WS=websockets` puts every connection on `websockets` (to compare, or to rule picows out).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

import picows
from picows import WSCloseCode, WSFrame, WSListener, WSMsgType, WSTransport

from ocppsim.model.interning import BoundedInterner
from ocppsim.runtime.clock import LazyEvent, running_loop
from ocppsim.transport.ws_library import use_picows

if TYPE_CHECKING:
    import websockets.asyncio.client as websockets_client

__all__ = [
    "PICOWS_READ_BUFFER",
    "Link",
    "LinkHandler",
    "PicowsLink",
    "WebsocketsLink",
    "connect",
    "http_status",
]

log = logging.getLogger("ocppsim.ws")


class LinkHandler(Protocol):
    """What a link calls: every complete message, and every pong to our pings."""

    def on_message(self, message: str | bytes) -> None: ...

    def on_pong(self) -> None: ...


class Link(Protocol):
    """An open connection as the station uses it. Nothing here waits: `send` writes (or queues) at once;
    the end of the connection is `wait_closed()`."""

    @property
    def subprotocol(self) -> str | None: ...

    def start(self, handler: LinkHandler) -> None:
        """Deliver messages to `handler` from now on (those that came earlier first, in order)."""

    def send(self, message: str | bytes) -> bool:
        """Send one text message (UTF-8 bytes or str); False when the link is closed or closing (nothing
        was sent)."""

    def ping(self) -> None: ...

    def close(self) -> None:
        """Start the closing handshake; `wait_closed()` returns once the connection is gone."""

    async def wait_closed(self) -> None: ...

    def when_closed(self, callback: Callable[[], None] | None) -> None:
        """Call `callback` once the connection is gone (soon, when it is already): the station waits for
        the end of its link this way, without a task. None: forget the callback given before."""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a refused upgrade (401, 404, ...), whichever library refused it."""
    # websockets is imported where a connection needs it, not with this module: a fleet on ws:// (picows)
    # runs without it (~2 MiB of RSS; docs/performance.md, "Process base").
    import websockets.exceptions as websockets_errors  # noqa: PLC0415

    if isinstance(exc, websockets_errors.InvalidStatus):
        return int(exc.response.status_code)
    if isinstance(exc, picows.WSInvalidStatusError) and exc.response is not None:
        return int(exc.response.status)
    return None


# picows starts every connection with a 16 KiB read buffer: 1.6 GB at 100,000 chargers for frames of a few
# hundred bytes. It grows (doubling) when a larger frame comes.
PICOWS_READ_BUFFER: Final = 1024
# picows's log for every connection: given a Logger, picows makes a child Logger per connection
# ("<logger>.<fd>", ~0.3 KiB at each of a fleet's connections); given an adapter, it logs through that
# one. The same lines, under this module's logger.
_PICOWS_LOG: Final = logging.LoggerAdapter(log, {})
# Room for the longest frame header before a message sent (picows's send_reuse_external_bytearray).
_HEADROOM_SIZE: Final = 14
_HEADROOM: Final = bytearray(_HEADROOM_SIZE)
# How long a close we started waits for the peer's close frame before the socket is dropped (RFC 6455
# 7.1.1: the server closes the TCP connection; a dead peer never will).
CLOSE_TIMEOUT_S: Final = 5.0


# picows keeps a connection's extra headers for its lifetime: connections with equal headers (a fleet's,
# without Basic auth) share one dict (184 B at each of a fleet's connections otherwise). Bounded: a fleet
# with a password per charger cycles through it.
_HEADERS: BoundedInterner[tuple[tuple[str, str], ...], dict[str, str]] = BoundedInterner()


def _shared_headers(additional_headers: dict[str, str], subprotocols: list[str]) -> dict[str, str]:
    headers = {**additional_headers, "Sec-WebSocket-Protocol": ", ".join(subprotocols)}
    return _HEADERS.intern(tuple(headers.items()), headers)


async def connect(
    url: str,
    *,
    subprotocols: list[str],
    additional_headers: dict[str, str],
    max_size: int,
    open_timeout: float,
    ssl: Any = None,
    compression: str | None = None,
    proxy: str | None = None,
    local_addr: tuple[str, int] | None = None,
) -> Link:
    """Open a connection on the library chosen for `url`. Raises whatever the attempt raised (a refused
    upgrade carries its HTTP status: `http_status`)."""
    extra: dict[str, Any] = {} if local_addr is None else {"local_addr": local_addr}
    if use_picows(url, compression=compression is not None):
        headers = _shared_headers(additional_headers, subprotocols)
        _, listener = await picows.ws_connect(
            lambda _request, response: PicowsLink(response, max_size),
            url,
            websocket_handshake_timeout=open_timeout,
            enable_auto_pong=True,  # the CSMS's pings are answered in compiled code
            max_frame_size=max_size,
            extra_headers=headers,
            proxy=proxy,
            read_buffer_init_size=PICOWS_READ_BUFFER,
            # One logger for every connection (picows makes a child logger per connection otherwise), and
            # the event loop's own transport, not aiofastnet's (which picows uses when installed, and it
            # is one of its dependencies): ~4.3 KiB a connection against uvloop's ~0.7 KiB.
            logger_name=_PICOWS_LOG,
            use_aiofastnet=False,
            **extra,
        )
        assert isinstance(listener, PicowsLink)
        return listener
    # websockets' client for wss:// and deflate only: a fleet on ws:// runs without it.
    import websockets.asyncio.client as websockets_client  # noqa: PLC0415

    ws = await websockets_client.connect(
        url,
        subprotocols=subprotocols,  # type: ignore[arg-type]
        additional_headers=additional_headers,
        max_size=max_size,
        ping_interval=None,  # the station pings (WebSocketPingInterval applies at once)
        open_timeout=open_timeout,
        ssl=ssl,
        compression=compression,
        proxy=proxy,
        **extra,
    )
    return WebsocketsLink(ws)


class PicowsLink(WSListener):
    """A picows connection: frames arrive in `on_ws_frame`, in the callback that parsed them."""

    __slots__ = (
        "_close_timer",
        "_closed",
        "_closing",
        "_early",
        "_fragments",
        "_fragments_size",
        "_handler",
        "_max_size",
        "_on_closed",
        "_transport",
        "subprotocol",
    )

    def __init__(self, response: picows.WSUpgradeResponse, max_size: int) -> None:
        super().__init__()
        picked = response.headers.get("Sec-WebSocket-Protocol")
        # One string for all of a fleet's links with that version (one from each response otherwise).
        self.subprotocol: str | None = sys.intern(picked) if isinstance(picked, str) else picked
        self._max_size = max_size
        self._handler: LinkHandler | None = None
        self._transport: WSTransport | None = None
        # Messages that came before `start` (a CSMS may send a CALL right behind its handshake reply).
        self._early: list[bytes] | None = None
        self._fragments: list[bytes] | None = None
        self._fragments_size = 0
        self._closing = False
        self._close_timer: asyncio.TimerHandle | None = None
        self._closed: LazyEvent | None = None
        self._on_closed: Callable[[], None] | None = None

    # -- Link

    def start(self, handler: LinkHandler) -> None:
        self._handler = handler
        early, self._early = self._early, None
        for message in early or ():
            handler.on_message(message)

    def send(self, message: str | bytes) -> bool:
        transport = self._transport
        if transport is None or self._closing or transport.is_disconnected:
            return False
        # The frame is masked in a buffer of its own, made for this send (RFC 6455 5.3: a client masks
        # every frame), not in the connection's write buffer: that one grows to the largest frame ever
        # sent and stays (1.8 KiB with a MeterValues at each of a fleet's connections; 1 KiB otherwise).
        frame = _HEADROOM + (message if isinstance(message, bytes) else message.encode())
        transport.send_reuse_external_bytearray(WSMsgType.TEXT, frame, _HEADROOM_SIZE)
        return True

    def ping(self) -> None:
        transport = self._transport
        if transport is not None and not self._closing and not transport.is_disconnected:
            transport.send_ping()

    def close(self) -> None:
        transport = self._transport
        if transport is None or self._closing or transport.is_disconnected:
            return
        self._closing = True
        transport.send_close(WSCloseCode.OK)
        self._close_timer = running_loop().call_later(CLOSE_TIMEOUT_S, transport.disconnect, False)

    async def wait_closed(self) -> None:
        transport = self._transport
        if transport is None or transport.is_disconnected:
            return
        # A waiter's own future (LazyEvent), not a shield over one shared future: cancelling a waiter
        # leaves the others be either way, and a shield's outer future and callbacks were ~0.5 KiB at
        # each of a fleet's connections (the station waits here for as long as the link is up).
        if self._closed is None:
            self._closed = LazyEvent()
        await self._closed.wait()

    def when_closed(self, callback: Callable[[], None] | None) -> None:
        transport = self._transport
        if callback is not None and (transport is None or transport.is_disconnected):
            running_loop().call_soon(callback)
        else:
            self._on_closed = callback

    # -- picows callbacks

    def on_ws_connected(self, transport: WSTransport) -> None:
        self._transport = transport
        # picows keeps the upgrade request and response for the connection's life, each with its
        # headers in a multidict: ~10 headers, three strings each (name, lower-cased name, value), ~2.4
        # KB at each of a fleet's connections (tracemalloc, issue 20). Nothing reads them once the
        # handshake is done (the subprotocol was taken in __init__; picows reads them only to check the
        # upgrade), so the headers go; the two small objects stay (picows's read-only attributes).
        transport.request.headers.clear()
        transport.response.headers.clear()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if self._close_timer is not None:
            self._close_timer.cancel()
            self._close_timer = None
        on_closed, self._on_closed = self._on_closed, None
        if on_closed is not None:
            on_closed()
        if self._closed is not None:
            self._closed.set()

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        kind = frame.msg_type
        if kind is WSMsgType.TEXT or kind is WSMsgType.BINARY:
            if frame.fin:
                self._deliver(frame.get_payload_as_bytes())
            else:
                first = frame.get_payload_as_bytes()
                self._fragments, self._fragments_size = [first], len(first)
        elif kind is WSMsgType.CONTINUATION:
            if self._fragments is None:
                return  # a continuation of nothing (RFC 6455 5.4): ignored
            part = frame.get_payload_as_bytes()
            self._fragments.append(part)
            self._fragments_size += len(part)
            if self._fragments_size > self._max_size:  # the cap is on a message, not only a frame
                self._fragments = None
                self._closing = True
                transport.send_close(WSCloseCode.MESSAGE_TOO_BIG)
                transport.disconnect()
                return
            if frame.fin:
                message, self._fragments = b"".join(self._fragments), None
                self._deliver(message)
        elif kind is WSMsgType.PONG:
            if self._handler is not None:
                self._handler.on_pong()
        elif kind is WSMsgType.CLOSE:
            if not self._closing:  # the peer closes: answer its close frame (RFC 6455 5.5.1)
                self._closing = True
                transport.send_close(frame.get_close_code())
            transport.disconnect()

    def _deliver(self, message: bytes) -> None:
        handler = self._handler
        if handler is not None:
            handler.on_message(message)
        elif self._early is None:
            self._early = [message]
        else:
            self._early.append(message)


_PING: Final = object()
_CLOSE: Final = object()


class WebsocketsLink:
    """A `websockets` connection behind the same interface: a reader task hands each message to the
    handler; a writer task sends what `send` queued, in order."""

    __slots__ = ("_handler", "_outgoing", "_reader", "_wake", "_watcher", "_writer", "_ws", "subprotocol")

    def __init__(self, ws: websockets_client.ClientConnection) -> None:
        self._ws = ws
        self.subprotocol: str | None = ws.subprotocol
        self._handler: LinkHandler | None = None
        self._outgoing: list[object] = []
        self._wake = LazyEvent()
        loop = running_loop()
        self._writer = loop.create_task(self._write())
        self._reader: asyncio.Task[None] | None = None
        self._watcher: asyncio.Task[None] | None = None

    def start(self, handler: LinkHandler) -> None:
        self._handler = handler
        self._reader = running_loop().create_task(self._read(handler))

    def _open(self) -> bool:
        return not self._writer.done() and self._ws.close_code is None

    def send(self, message: str | bytes) -> bool:
        if not self._open() or _CLOSE in self._outgoing:
            return False
        # A str goes out as a text frame (bytes would be a binary one).
        self._outgoing.append(message if isinstance(message, str) else message.decode())
        self._wake.set()
        return True

    def ping(self) -> None:
        if self._open():
            self._outgoing.append(_PING)
            self._wake.set()

    def close(self) -> None:
        if self._open():
            self._outgoing.append(_CLOSE)
            self._wake.set()

    async def wait_closed(self) -> None:
        try:
            await self._ws.wait_closed()
        finally:
            for task in (self._reader, self._writer):
                if task is not None:
                    task.cancel()
            await asyncio.gather(
                *(t for t in (self._reader, self._writer) if t is not None), return_exceptions=True
            )

    def when_closed(self, callback: Callable[[], None] | None) -> None:
        # wss:// connections have their reader and writer tasks already: one more waits for the end.
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        if callback is not None:
            self._watcher = running_loop().create_task(self._watch(callback))

    async def _watch(self, callback: Callable[[], None]) -> None:
        await self.wait_closed()
        callback()

    async def _read(self, handler: LinkHandler) -> None:
        import websockets.exceptions as websockets_errors  # noqa: PLC0415 - see http_status

        try:
            async for message in self._ws:
                handler.on_message(message)
        except websockets_errors.ConnectionClosed:
            pass

    async def _write(self) -> None:
        import websockets.exceptions as websockets_errors  # noqa: PLC0415 - see http_status

        ws = self._ws
        try:
            while True:
                if not self._outgoing:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                item = self._outgoing.pop(0)
                if item is _PING:
                    pong = asyncio.ensure_future(await ws.ping())
                    pong.add_done_callback(self._ponged)
                elif item is _CLOSE:
                    await ws.close()
                    return
                else:
                    assert isinstance(item, str)
                    await ws.send(item)
        except websockets_errors.ConnectionClosed:
            pass  # the reader sees the close too; wait_closed() returns

    def _ponged(self, pong: asyncio.Future[float]) -> None:
        if pong.cancelled() or pong.exception() is not None:
            return  # the link closed first (read here, so asyncio does not log it as never retrieved)
        if self._handler is not None:
            self._handler.on_pong()


Opener = Callable[..., Awaitable[Link]]
