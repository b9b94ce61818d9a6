"""A small, real OCPP central system for `make run`, demos and tests: 1.6J and 2.0.1 (a charger offering
both gets its first choice; one offering neither gets a handshake without subprotocol and a close, OCPP-J
2.0.1 part 4 section 3.1.2).

Accepts any charger (or only ids in a list), authorizes any tag (or only tags in a list), assigns
transaction ids, validates every CALL it receives against the official schemas (a violation is answered
with the right CALLERROR and recorded), records every frame, and lets Python code send any CS->CP call.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeAlias
from urllib.parse import unquote

import picows.websockets.asyncio.server as picows_server
import picows.websockets.compat as picows_compat
import websockets.asyncio.server as websockets_server
import websockets.http11

from ocppsim.csms.answers import DefaultAnswers, Payload
from ocppsim.csms.ca import CertificateAuthority
from ocppsim.csms.remote_start import remote_starter
from ocppsim.csms.signing import CertificateSigning
from ocppsim.ocpp16.framing import (
    Call,
    CallError,
    CallResult,
    ErrorCode,
    FrameError,
    call_frame,
    error_frame,
    parse_frame,
    result_frame,
)
from ocppsim.ocpp16.validation import SchemaError, validators
from ocppsim.ocpp201.framing import parse_frame as parse_frame_v201
from ocppsim.ocpp201.validation import validators as validators_v201
from ocppsim.transport.ws_closed import CONNECTION_CLOSED
from ocppsim.transport.ws_library import use_picows

__all__ = ["CentralSystem", "Frame", "Payload", "Responder"]

log = logging.getLogger("ocppsim.csms")


def _log_frame(charger_id: str, arrow: str, action: str | None, unique_id: str, text: str | bytes) -> None:
    """The terminal of `make run`: one short line per CALL at INFO (direction, action, uniqueId, size);
    the whole frame only at DEBUG (a MeterValues frame is ~1.3 KB). Every frame stays in `frames`, the
    charger's message log and the REST API. The AuthorizationKey a CSMS sets (ChangeConfiguration) is
    shown as <hidden> (Security Whitepaper 1.0: it is never logged)."""
    if log.isEnabledFor(logging.DEBUG):
        shown = text.decode(errors="replace") if isinstance(text, bytes) else text
        if action == "ChangeConfiguration" and "authorizationkey" in shown.lower():
            shown = _hide_authorization_key(shown)
        log.debug("%s %s %s %s", charger_id, arrow, action, shown)
    elif log.isEnabledFor(logging.INFO):
        size = len(text) if isinstance(text, bytes) else len(text.encode())
        log.info("%s %s %s id=%s %d bytes", charger_id, arrow, action, unique_id, size)


def _client_certificate(connection: Handshake) -> bytes | None:
    """The certificate (DER) the TLS peer presented and the server verified (Security Whitepaper profile
    3), or None."""
    transport = getattr(connection, "transport", None)
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    if ssl_object is None or not ssl_object.getpeercert():
        return None
    der: bytes | None = ssl_object.getpeercert(binary_form=True)
    return der


def _hide_authorization_key(text: str) -> str:
    try:
        frame = json.loads(text)
        frame[3]["value"] = "<hidden>"
        return json.dumps(frame, separators=(",", ":"))
    except (ValueError, TypeError, IndexError, KeyError):
        return "[ChangeConfiguration of AuthorizationKey: hidden]"


# A responder returns a CALLRESULT payload, a CallError to answer with, or None to never answer.
Responder = Callable[[str, Payload], "Payload | CallError | None"]


# Plain ws:// is served by picows' websockets-compatible server, wss:// by websockets (the same split as
# the charger side, runtime/ws_client.py); both offer the same API, so a session holds either.
ServerConnection: TypeAlias = websockets_server.ServerConnection | picows_server.ServerConnection
Server: TypeAlias = websockets_server.Server | picows_server.Server
Handshake: TypeAlias = websockets_server.ServerConnection | picows_server.ServerHandshakeConnection
Request: TypeAlias = websockets.http11.Request | picows_compat.Request
Response: TypeAlias = websockets.http11.Response | picows_compat.Response


@dataclass(frozen=True, slots=True)
class Frame:
    """One recorded frame. direction: "in" = charger -> CSMS, "out" = CSMS -> charger."""

    charger_id: str
    direction: str
    kind: int
    unique_id: str
    action: str | None
    payload: Payload
    time: float
    error: str | None = None
    # A CALL this charger sent before under the same uniqueId (a re-send after a lost answer).
    duplicate: bool = False


@dataclass(slots=True)
class _Session:
    ws: ServerConnection
    subprotocol: str = "ocpp1.6"
    pending: dict[str, asyncio.Future[CallResult | CallError]] = field(default_factory=dict)
    # The action of each CALL we sent that awaits its answer (2.0.1: the answer is validated).
    actions: dict[str, str] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class CentralSystem(DefaultAnswers):
    def __init__(
        self,
        *,
        heartbeat_interval: int = 300,
        boot_status: str = "Accepted",
        tags: set[str] | None = None,
        charger_ids: set[str] | None = None,
        validate: bool = True,
        log_frames: bool = False,
        passwords: dict[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        remote_start_after: float | None = None,
        remote_start_tag: str = "REMOTE",
        subprotocols: tuple[str, ...] = ("ocpp1.6", "ocpp2.0.1"),
        ca: CertificateAuthority | None = None,
    ) -> None:
        """`remote_start_after`: a connector that reports Preparing and has no transaction this many
        seconds later gets a RemoteStartTransaction (what a driver's app would do; demos and the
        transaction generator's remote-start share). `ca`: the CPO's certificate authority, which signs
        the charge points' CSRs (Security Whitepaper A02; SignCertificate is not handled without). For
        benchmarks, sink.py answers as fast as it can and records nothing."""
        super().__init__(
            heartbeat_interval=heartbeat_interval, boot_status=boot_status, tags=tags, clock=clock
        )
        # Basic auth (security profiles 1 and 2): charger id -> AuthorizationKey; None = no check.
        self.passwords = passwords
        self._ssl: ssl.SSLContext | None = None
        self.log_frames = log_frames
        self.charger_ids = charger_ids
        self.validate = validate
        self.frames: list[Frame] = []
        self.violations: list[Frame] = []
        self.responders: dict[str, Responder] = {}
        self.peers: dict[str, str] = {}  # charger id -> IP address it connected from
        # Authorization header of each charger's last upgrade request (None: none sent).
        self.authorization: dict[str, str | None] = {}
        # The client certificate (DER) of each charger's last TLS connection (None: none presented).
        self.client_certificates: dict[str, bytes | None] = {}
        self.transactions: dict[int, Payload] = {}
        # OCPP 2.0.1: the TransactionEvents of each (charger id, transactionId the station gave), in order.
        self.transaction_events: dict[tuple[str, str], list[Payload]] = {}
        self.subprotocols = subprotocols
        self._seen_calls: set[tuple[str, str]] = set()
        self._answers: dict[tuple[str, str], Payload] = {}
        self._sessions: dict[str, _Session] = {}
        self._remote_starts = remote_starter(remote_start_after, remote_start_tag, self)
        self.signing = (
            CertificateSigning(ca, call=self.call, version_of=self.version_of) if ca is not None else None
        )
        self._changed = asyncio.Condition()
        self._server: Server | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        """Listen; with `ssl_context` over TLS (wss), which may also require client certificates."""
        self._ssl = ssl_context
        library = websockets_server if ssl_context is not None or not use_picows("ws://") else picows_server
        self._server = await library.serve(
            self._handler,
            host,
            port,
            subprotocols=list(self.subprotocols),
            select_subprotocol=self._select_subprotocol,
            process_request=self._process_request,
            max_size=1 << 20,
            ssl=ssl_context,
            compression=None,  # small frames; zlib state would cost ~50 KiB per charger
        )
        sock = next(iter(self._server.sockets))
        self.port = sock.getsockname()[1]

    @property
    def url(self) -> str:
        scheme = "wss" if self._ssl is not None else "ws"
        host = "localhost" if self._ssl is not None else "127.0.0.1"  # the name in test certificates
        return f"{scheme}://{host}:{self.port}/ocpp"

    async def stop(self) -> None:
        if self._remote_starts is not None:
            self._remote_starts.cancel()
        if self.signing is not None:
            self.signing.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _select_subprotocol(self, connection: Handshake, offered: object) -> str | None:
        """The charger's first choice among the versions served; None: no subprotocol header, and
        `_handler` closes the connection (2.0.1 part 4 section 3.1.2)."""
        for subprotocol in offered:  # type: ignore[attr-defined]
            if subprotocol in self.subprotocols:
                return str(subprotocol)
        return None

    def version_of(self, charger_id: str) -> str | None:
        """The subprotocol of a connected charger's session."""
        session = self._sessions.get(charger_id)
        return session.subprotocol if session is not None else None

    def _process_request(self, connection: Handshake, request: Request) -> Response | None:
        charger_id = unquote(request.path.rstrip("/").rsplit("/", 1)[-1])
        self.authorization[charger_id] = request.headers.get("Authorization")
        self.client_certificates[charger_id] = client = _client_certificate(connection)
        if self.charger_ids is not None and charger_id not in self.charger_ids:
            # Unknown charge point: 404 on the upgrade (OCPP-J errata 3.3).
            return connection.respond(404, "unknown charge point\n")
        if self.passwords is not None and client is None:
            # Security profile 3 authenticates by the verified client certificate instead (SWP 2.5).
            expected = (
                "Basic "
                + base64.b64encode(f"{charger_id}:{self.passwords.get(charger_id, '')}".encode()).decode()
            )
            if charger_id not in self.passwords or request.headers.get("Authorization") != expected:
                return connection.respond(401, "authentication failed\n")
        return None

    # ------------------------------------------------------------------ recording

    async def _record(self, frame: Frame) -> None:
        self.frames.append(frame)
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 5.0) -> Frame:
        """The first recorded frame (old or new) matching `predicate`."""

        async def find() -> Frame:
            seen = 0
            async with self._changed:
                while True:
                    for frame in self.frames[seen:]:
                        if predicate(frame):
                            return frame
                    seen = len(self.frames)
                    await self._changed.wait()

        return await asyncio.wait_for(find(), timeout)

    async def wait_for_call(
        self, charger_id: str, action: str, timeout: float = 5.0, *, after: int = 0
    ) -> Frame:
        return await self.wait_for(
            lambda f: (
                f.charger_id == charger_id
                and f.direction == "in"
                and f.kind == 2
                and f.action == action
                and self.frames.index(f) >= after
            ),
            timeout,
        )

    def calls(
        self, charger_id: str | None = None, action: str | None = None, *, duplicates: bool = True
    ) -> list[Frame]:
        return [
            f
            for f in self.frames
            if f.direction == "in"
            and f.kind == 2
            and (duplicates or not f.duplicate)
            and (charger_id is None or f.charger_id == charger_id)
            and (action is None or f.action == action)
        ]

    def connected_ids(self) -> list[str]:
        return list(self._sessions)

    def is_connected(self, charger_id: str) -> bool:
        return charger_id in self._sessions

    async def wait_connected(self, charger_id: str, timeout: float = 5.0) -> None:
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: charger_id in self._sessions)

        await asyncio.wait_for(check(), timeout)

    # ------------------------------------------------------------------ CS -> CP

    async def call(
        self, charger_id: str, action: str, payload: Payload, timeout: float = 10.0
    ) -> CallResult | CallError:
        """Send any CS->CP CALL and wait for its answer."""
        return await self.send_raw(charger_id, None, action, payload, timeout=timeout)

    async def send_raw(
        self,
        charger_id: str,
        text: str | None,
        action: str | None = None,
        payload: Payload | None = None,
        *,
        unique_id: str | None = None,
        timeout: float = 10.0,
    ) -> CallResult | CallError:
        """Send a CALL, or (`text`) any raw frame whose answer carries `unique_id`."""
        session = self._sessions[charger_id]
        uid = unique_id or f"cs-{next(session.seq)}"
        if text is None:
            assert action is not None
            assert payload is not None
            text = call_frame(uid, action, payload)
        future: asyncio.Future[CallResult | CallError] = asyncio.get_running_loop().create_future()
        session.pending[uid] = future
        if action is not None:
            session.actions[uid] = action
        await self._record(Frame(charger_id, "out", 2, uid, action, payload or {}, self.clock()))
        if self.log_frames:
            _log_frame(charger_id, "<-", action, uid, text)
        await session.ws.send(text)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            session.pending.pop(uid, None)
            session.actions.pop(uid, None)

    async def push(self, charger_id: str, text: str) -> None:
        """Send any text frame and wait for nothing (hostile-peer tests)."""
        await self._sessions[charger_id].ws.send(text)

    async def disconnect(self, charger_id: str) -> None:
        session = self._sessions.get(charger_id)
        if session is not None:
            await session.ws.close()

    # ------------------------------------------------------------------ CP -> CS

    async def _handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        charger_id = unquote(ws.request.path.rstrip("/").rsplit("/", 1)[-1])
        if ws.subprotocol not in self.subprotocols:
            log.warning("charger %s offered no OCPP version served here: closing", charger_id)
            await ws.close(1002, f"one of the subprotocols {', '.join(self.subprotocols)} is required")
            return
        session = _Session(ws, str(ws.subprotocol))
        self.peers[charger_id] = str(ws.remote_address[0]) if ws.remote_address else ""
        old = self._sessions.get(charger_id)
        if old is not None:
            await old.ws.close()
        self._sessions[charger_id] = session
        async with self._changed:
            self._changed.notify_all()
        log.info("charger %s connected", charger_id)
        try:
            async for message in ws:
                await self._on_message(charger_id, session, message)
        except CONNECTION_CLOSED:
            pass
        finally:
            if self._sessions.get(charger_id) is session:
                del self._sessions[charger_id]
            for future in session.pending.values():
                if not future.done():
                    future.cancel()
            log.info("charger %s disconnected", charger_id)

    async def _on_message(self, charger_id: str, session: _Session, message: str | bytes) -> None:
        now = self.clock()
        v201 = session.subprotocol != "ocpp1.6"
        try:
            frame = parse_frame_v201(message) if v201 else parse_frame(message)
        except FrameError as exc:
            bad = Frame(charger_id, "in", 0, exc.unique_id, None, {"raw": str(message)[:500]}, now, exc.code)
            self.violations.append(bad)
            await self._record(bad)
            await session.ws.send(error_frame(exc.unique_id, exc.code, exc.description))
            return
        if frame is None:
            return
        if isinstance(frame, CallResult | CallError):
            kind = 3 if isinstance(frame, CallResult) else 4
            payload = frame.payload if isinstance(frame, CallResult) else frame.details
            error = frame.code if isinstance(frame, CallError) else None
            recorded = Frame(charger_id, "in", kind, frame.unique_id, None, payload, now, error)
            action = session.actions.get(frame.unique_id)
            if v201 and self.validate and isinstance(frame, CallResult) and action is not None:
                # Every answer a 2.0.1 charger gives is checked against its schema, as its CALLs are.
                try:
                    validators_v201.response(action, frame.payload)
                except SchemaError as exc:
                    self.violations.append(
                        replace(recorded, action=action, error=f"{exc.code}: {exc.description}")
                    )
            await self._record(recorded)
            future = session.pending.get(frame.unique_id)
            if future is not None and not future.done():
                future.set_result(frame)
            return
        key = (charger_id, frame.unique_id)
        duplicate = key in self._seen_calls
        self._seen_calls.add(key)
        recorded = Frame(
            charger_id, "in", 2, frame.unique_id, frame.action, frame.payload, now, None, duplicate
        )
        await self._record(recorded)
        if self.log_frames:
            _log_frame(charger_id, "->", frame.action, frame.unique_id, message)
        # A re-sent CALL gets the answer the first one got (the same transactionId, ...): idempotent.
        reply = (
            self._answers[key]
            if duplicate and key in self._answers
            else self._answer(charger_id, frame, v201=v201)
        )
        if isinstance(reply, dict):
            self._answers[key] = reply
        if reply is None:
            return  # a responder chose silence (tests of timeouts)
        if isinstance(reply, CallError):
            if reply.details.get("violation"):
                self.violations.append(
                    Frame(charger_id, "in", 2, frame.unique_id, frame.action, frame.payload, now, reply.code)
                )
            await self._record(
                Frame(charger_id, "out", 4, frame.unique_id, frame.action, reply.details, now, reply.code)
            )
            await session.ws.send(error_frame(frame.unique_id, reply.code, reply.description, reply.details))
            return
        await self._record(Frame(charger_id, "out", 3, frame.unique_id, frame.action, reply, now))
        await session.ws.send(result_frame(frame.unique_id, reply))
        if self._remote_starts is not None:
            self._remote_starts.follow(charger_id, frame)
        if self.signing is not None and frame.action == "SignCertificate":
            self.signing.follow(charger_id, frame)

    def _answer(self, charger_id: str, call: Call, *, v201: bool = False) -> Payload | CallError | None:
        if self.validate:
            try:
                (validators_v201 if v201 else validators).request(call.action, call.payload)
            except FileNotFoundError:
                return CallError(
                    call.unique_id, ErrorCode.NOT_IMPLEMENTED, f"unknown action {call.action}", {}
                )
            except SchemaError as exc:
                # Recorded as a violation: the charger sent a frame the official schema refuses.
                return CallError(call.unique_id, exc.code, exc.description, {"violation": True})
        responder = self.responders.get(call.action)
        if responder is not None:
            return responder(charger_id, call.payload)
        # 1.6 Security Whitepaper, 2.0.1 A02/A03: the CSMS's CA signs the charger's CSR (csms/ca.py).
        if call.action == "SignCertificate" and self.signing is not None:
            return self.signing.answer(charger_id, call)
        if v201:
            return self.default_answer_v201(charger_id, call.action, call.payload)
        return self.default_answer(charger_id, call.action, call.payload)

    def transaction_started(self, charger_id: str, transaction_id: int, payload: Payload) -> None:
        self.transactions[transaction_id] = {"charger_id": charger_id, **payload}

    def transaction_event(self, charger_id: str, payload: Payload) -> None:
        key = (charger_id, payload["transactionInfo"]["transactionId"])
        self.transaction_events.setdefault(key, []).append(payload)
