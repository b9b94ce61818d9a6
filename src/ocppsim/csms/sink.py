"""The built-in central system's sink mode (`ocppsim csms --sink`): the benchmarks' peer, which answers
every CALL as the central system would (server.py's default answers) and records and validates nothing.

It is written on picows' own listener API, not on a websockets-style connection: a frame is handled in
the callback that parsed it, with no task, queue or future per connection. The benchmarks measure the
chargers, so the sink must cost little: on websockets-style connections it cost ~120 us of CPU per
message at 10,000 chargers, a third of a core of the two that the fleet's 100,000-charger target has.

It can still send CS->CP calls (`call`, for the latency probe) and remote-start a connector left
Preparing (`remote_start_after`). Plain ws:// only: the benchmarks run on loopback.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from urllib.parse import unquote

import orjson
from picows import (
    WSCloseCode,
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
    WSUpgradeRequest,
    WSUpgradeResponse,
    WSUpgradeResponseWithListener,
    ws_create_server,
)

from ocppsim.csms.answers import DefaultAnswers, Payload
from ocppsim.csms.remote_start import remote_starter
from ocppsim.ocpp16.convert import format_time
from ocppsim.ocpp16.framing import (
    MAX_UNIQUE_ID_LENGTH,
    Call,
    CallError,
    CallResult,
    ErrorCode,
    FrameError,
    call_frame,
    error_frame,
    parse_frame,
)

__all__ = ["Sink"]

log = logging.getLogger("ocppsim.csms.sink")

SUBPROTOCOL = "ocpp1.6"
SUBPROTOCOL_V201 = "ocpp2.0.1"
SUBPROTOCOLS = (SUBPROTOCOL, SUBPROTOCOL_V201)
MAX_FRAME_BYTES = 1 << 20
# A connection starts with a 1 KiB read buffer (picows doubles it for a larger frame): 16 KiB each, the
# default, would be 1.6 GB at 100,000 chargers.
READ_BUFFER = 1024
# A boot storm keeps the loop busy: give a new connection time to send its upgrade request.
HANDSHAKE_TIMEOUT_S = 30.0


class _Connection(WSListener):
    def __init__(self, sink: Sink, charger_id: str, accepted: bool, v201: bool = False) -> None:
        super().__init__()
        self.sink = sink
        self.charger_id = charger_id
        self.accepted = accepted
        self.v201 = v201  # the charger speaks OCPP 2.0.1 (subprotocol ocpp2.0.1)
        self.transport: WSTransport | None = None
        self.pending: dict[str, asyncio.Future[CallResult | CallError]] = {}
        self._fragments: list[bytes] | None = None
        self._fragments_size = 0

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        if not self.accepted:
            # OCPP-J 3.1.2: none of our subprotocols offered: complete the handshake without one, then
            # close at once.
            transport.send_close(WSCloseCode.PROTOCOL_ERROR, b"ocpp1.6 or ocpp2.0.1 subprotocol required")
            transport.disconnect()
            return
        # The upgrade's headers, which picows keeps for the connection's life (~2 KB a connection, as at
        # the chargers' end: runtime/ws_client.py): read by `_route` already, needed no more.
        transport.request.headers.clear()
        transport.response.headers.clear()
        self.sink._opened(self)

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if self.accepted:
            self.sink._closed(self)
        for future in self.pending.values():
            if not future.done():
                future.cancel()
        self.pending.clear()

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        kind = frame.msg_type
        if kind is WSMsgType.TEXT or kind is WSMsgType.BINARY:
            if frame.fin:
                self._on_message(frame.get_payload_as_bytes())
            else:
                self._fragments = [frame.get_payload_as_bytes()]
                self._fragments_size = len(self._fragments[0])
        elif kind is WSMsgType.CONTINUATION:
            if self._fragments is None:
                return  # a continuation of nothing: RFC 6455 5.4 violation, ignored
            self._fragments.append(frame.get_payload_as_bytes())
            self._fragments_size += len(self._fragments[-1])
            if self._fragments_size > MAX_FRAME_BYTES:  # a message, not only a frame, is capped
                self._fragments = None
                transport.send_close(WSCloseCode.MESSAGE_TOO_BIG)
                transport.disconnect()
                return
            if frame.fin:
                message, self._fragments = b"".join(self._fragments), None
                self._on_message(message)
        elif kind is WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def send(self, text: str | bytes) -> None:
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send(WSMsgType.TEXT, text.encode() if isinstance(text, str) else text)

    def _on_message(self, message: bytes) -> None:
        reply = self.sink._quick_reply(message)
        if reply is not None:
            self.send(reply)
            return
        try:
            frame = parse_frame(message)
        except FrameError as exc:
            self.send(error_frame(exc.unique_id, exc.code, exc.description))
            return
        if frame is None:
            return
        if isinstance(frame, Call):
            self.send(self.sink._reply(self.charger_id, frame, v201=self.v201))
            return
        future = self.pending.pop(frame.unique_id, None)
        if future is not None and not future.done():
            future.set_result(frame)


class Sink(DefaultAnswers):
    def __init__(
        self,
        *,
        heartbeat_interval: int = 300,
        boot_status: str = "Accepted",
        tags: set[str] | None = None,
        clock: Callable[[], float] = time.time,
        remote_start_after: float | None = None,
        remote_start_tag: str = "REMOTE",
    ) -> None:
        super().__init__(
            heartbeat_interval=heartbeat_interval, boot_status=boot_status, tags=tags, clock=clock
        )
        self._connections: dict[str, _Connection] = {}
        self._server: asyncio.Server | None = None
        self._ids = itertools.count(1)
        self._remote_starts = remote_starter(remote_start_after, remote_start_tag, self)
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = await ws_create_server(
            self._route,
            host,
            port,
            websocket_handshake_timeout=HANDSHAKE_TIMEOUT_S,
            max_frame_size=MAX_FRAME_BYTES,
            read_buffer_init_size=READ_BUFFER,
            use_aiofastnet=False,  # the loop's transport: ~4 KiB less a connection (runtime/ws_client.py)
        )
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    async def stop(self) -> None:
        if self._remote_starts is not None:
            self._remote_starts.cancel()
        for connection in list(self._connections.values()):
            if connection.transport is not None:
                connection.transport.send_close(WSCloseCode.GOING_AWAY)
                connection.transport.disconnect()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _route(self, request: WSUpgradeRequest) -> WSUpgradeResponseWithListener:
        path = request.path.decode("utf-8", "replace").split("?", 1)[0]
        charger_id = unquote(path.rstrip("/").rsplit("/", 1)[-1])
        offered = request.headers.get("Sec-WebSocket-Protocol", "")
        # The charger's first choice of ours (1.6 or 2.0.1; OCPP-J 3.1.2 / 2.0.1 part 4 section 3.1.2).
        picked = next((p.strip() for p in offered.split(",") if p.strip() in SUBPROTOCOLS), None)
        headers = {"Sec-WebSocket-Protocol": picked} if picked else None
        connection = _Connection(self, charger_id, picked is not None, picked == SUBPROTOCOL_V201)
        return WSUpgradeResponseWithListener(WSUpgradeResponse.create_101_response(headers), connection)

    def _opened(self, connection: _Connection) -> None:
        old = self._connections.get(connection.charger_id)
        self._connections[connection.charger_id] = connection
        if old is not None and old.transport is not None:
            old.transport.send_close(WSCloseCode.POLICY_VIOLATION, b"replaced by a new connection")
            old.transport.disconnect()

    def _closed(self, connection: _Connection) -> None:
        if self._connections.get(connection.charger_id) is connection:
            del self._connections[connection.charger_id]

    def _quick_reply(self, message: bytes) -> bytes | None:
        """The answer to a CALL whose answer needs nothing from its payload (MeterValues,
        StatusNotification, Heartbeat: nearly all of a fleet's messages), read from the frame's head
        alone as our chargers write it (`[2,"<id>","<action>",`), without parsing the payload (a
        MeterValues is ~900 bytes of JSON). None: answer it the long way."""
        if not message.startswith(b'[2,"'):
            return None
        id_end = message.find(b'"', 4)
        if id_end < 0 or id_end > 4 + MAX_UNIQUE_ID_LENGTH or message[id_end : id_end + 3] != b'","':
            return None
        unique_id = message[4:id_end]
        if not unique_id or b"\\" in unique_id:
            return None
        action_end = message.find(b'"', id_end + 3)
        if message[action_end : action_end + 2] != b'",' or not message.endswith(b"}]"):
            return None
        action = message[id_end + 3 : action_end]
        if action == b"MeterValues" or (action == b"StatusNotification" and self._remote_starts is None):
            return b'[3,"' + unique_id + b'",{}]'
        if action == b"Heartbeat":
            return b'[3,"' + unique_id + b'",{"currentTime":"' + format_time(self.clock()).encode() + b'"}]'
        return None

    def _reply(self, charger_id: str, call: Call, *, v201: bool = False) -> bytes | str:
        try:
            if v201:
                reply = self.default_answer_v201(charger_id, call.action, call.payload)
            else:
                reply = self.default_answer(charger_id, call.action, call.payload)
        except Exception as exc:  # no validation here: a CALL without its required fields
            log.warning("%s from %s: %r", call.action, charger_id, exc)
            return error_frame(call.unique_id, ErrorCode.INTERNAL_ERROR, f"cannot answer {call.action}")
        if isinstance(reply, CallError):
            return error_frame(call.unique_id, reply.code, reply.description, reply.details)
        if self._remote_starts is not None:
            self._remote_starts.follow(charger_id, call)
        return orjson.dumps([3, call.unique_id, reply])

    # ------------------------------------------------------------------ CS -> CP (the latency probe)

    def connected_ids(self) -> list[str]:
        return list(self._connections)

    def is_connected(self, charger_id: str) -> bool:
        return charger_id in self._connections

    async def call(
        self, charger_id: str, action: str, payload: Payload, timeout: float = 10.0
    ) -> CallResult | CallError:
        """Send a CALL and wait for its answer. KeyError: not connected; CancelledError: it left first."""
        connection = self._connections[charger_id]
        unique_id = f"cs-{next(self._ids)}"
        future: asyncio.Future[CallResult | CallError] = asyncio.get_running_loop().create_future()
        connection.pending[unique_id] = future
        connection.send(call_frame(unique_id, action, payload))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            connection.pending.pop(unique_id, None)
