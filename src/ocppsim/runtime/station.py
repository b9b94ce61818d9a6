"""One simulated charger on the wire: connect (with back-off and jitter), outbox, one deadline timer.

One task per charger connects, waits for the connection to end and reconnects; everything on an open
connection happens in callbacks: a frame is handled in the callback of the link that received it (see
runtime/ws_client.py), the outbox sends from the loop turn's send batch (runtime/outbox.py), timers fire
the model's deadlines, the answer timeouts and the pings. The few tasks a connection starts (a Soft reset
waiting for its StopTransactions) belong to a TaskGroup of that connection."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import ssl
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    AuthCacheChanged,
    ConfigChanged,
    Effect,
    LocalListChanged,
    MeterValuesReq,
    ProfilesChanged,
    Reboot,
    Reconnect,
    ReplayedReq,
    Request,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.types import RegistrationStatus, ResetType
from ocppsim.ocpp16.convert import request_payload
from ocppsim.ocpp16.framing import (
    Call,
    CallError,
    CallResult,
    ErrorCode,
    FrameError,
    encode_call,
    encode_error,
    encode_result,
    parse_frame,
)
from ocppsim.ocpp16.handlers import OcppCallError, handle_call
from ocppsim.ocpp16.validation import SchemaError, validators
from ocppsim.runtime.clock import Clock, LazyEvent, TimerHandle, running_loop, sleep_or_event
from ocppsim.runtime.events import Event, EventBus
from ocppsim.runtime.message_log import MessageLog
from ocppsim.runtime.outbox import Answer, Journal, Outbox
from ocppsim.runtime.ws_client import Link, connect, http_status
from ocppsim.store.authorization import Authorization
from ocppsim.store.configuration import Configuration
from ocppsim.store.profiles import Profiles
from ocppsim.store.registers import Registers
from ocppsim.store.transactions import Transactions

__all__ = ["Backoff", "ConfigSink", "Station", "StationOptions"]

log = logging.getLogger("ocppsim.station")

SUBPROTOCOL = "ocpp1.6"
# OCPP frames are small; a 1 MiB cap keeps a hostile peer from exhausting memory.
MAX_FRAME_BYTES = 1 << 20


class SecurityProfileError(Exception):
    """The configured security profile cannot be used with this URL or these certificates."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnect delays: first, doubled after each failure, capped, with +-jitter (offline doc section 1)."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25

    def delays(self, rng: random.Random | types.ModuleType) -> Iterator[float]:
        delay = self.first
        while True:
            yield max(0.0, delay * (1 + rng.uniform(-self.jitter, self.jitter)))
            delay = min(self.cap, delay * self.factor)


@dataclass(frozen=True, slots=True)
class StationOptions:
    url: str  # CSMS base URL; the charge point id is appended
    http_auth: bool = False
    backoff: Backoff = Backoff()
    validate_inbound: bool = True
    seed: int | None = None
    ca_file: str | None = None  # CentralSystemRootCertificate(s), PEM: verifies the CSMS (profiles 2, 3)
    client_cert: str | None = None  # charge point certificate, PEM (profile 3)
    client_key: str | None = None
    # permessage-deflate keeps ~50 KiB of zlib state per connection; OCPP frames are small. Off unless asked.
    compression: bool = False
    # An HTTP(S) proxy URL for the CSMS connection; None = direct (no per-connect environment lookup).
    proxy: str | None = None
    # Local address to connect from (a fleet spreads over 127.0.0.x past the ephemeral-port limit).
    source_address: str | None = None


class ConfigSink(Journal, Protocol):
    """What a station keeps in the store (ocppsim.store.Store), one repository per record kind."""

    @property
    def config(self) -> Configuration: ...

    @property
    def registers(self) -> Registers: ...

    @property
    def profiles(self) -> Profiles: ...

    @property
    def transactions(self) -> Transactions: ...

    @property
    def auth(self) -> Authorization: ...


class Station:
    # Slots: a station's attribute dict was ~1.6 KiB, at 100,000 chargers 160 MB.
    __slots__ = (
        "_call_action",
        "_call_id",
        "_call_sent",
        "_call_timer",
        "_collected",
        "_connect",
        "_flush",
        "_link_lost",
        "_log",
        "_ping_sent",
        "_ping_timer",
        "_pong_due",
        "_rebooting",
        "_reconnect_now",
        "_released",
        "_rng",
        "_side_tasks",
        "_stopping",
        "_store",
        "_tasks",
        "_timer",
        "_timer_at",
        "_ws",
        "charger",
        "clock",
        "connection_attempts",
        "events",
        "held_offline",
        "id",
        "inbound_observer",
        "last_error",
        "message_log",
        "options",
        "outbox",
        "template_name",
    )

    def __init__(
        self,
        charger: Charger,
        options: StationOptions,
        *,
        clock: Clock,
        store: ConfigSink | None = None,
        connect_factory: Callable[..., Any] = connect,
    ) -> None:
        self.charger = charger
        self.options = options
        self.clock = clock
        self.id = charger.params.charge_point_id
        self._store = store
        # The store's group commit (resolved once: it runs before every frame this station sends).
        self._flush: Callable[[], None] | None = getattr(store, "flush", None)
        self._connect = connect_factory
        self._log = logging.LoggerAdapter(log, {"charger": self.id})
        self._ws: Link | None = None
        self._timer: TimerHandle | None = None
        self._timer_at: float | None = None
        # The CALL awaiting its answer (one at a time, OCPP-J 4.1.1): uniqueId, action, loop time it was
        # sent (the message log's latency), its MessageTimeout timer.
        self._call_id: str | None = None
        self._call_action = ""
        self._call_sent = 0.0
        self._call_timer: TimerHandle | None = None
        # A private RNG (2.5 KiB of state) only when a seed asks for reproducible jitter.
        self._rng: random.Random | types.ModuleType = (
            random.Random(options.seed) if options.seed is not None else random
        )
        self._stopping = False
        self._reconnect_now = LazyEvent()
        # The next ping, or the check after one (see `_ping_due`); when the last ping went out.
        self._ping_timer: TimerHandle | None = None
        self._ping_sent = 0.0
        self._pong_due = False
        self._rebooting: Reboot | None = None
        self.outbox = Outbox(
            charger, clock, self._send_call, self.after_model, log_adapter=self._log, journal=store
        )
        self._tasks: asyncio.TaskGroup | None = None
        self.inbound_observer: Callable[[str], None] | None = None  # counts CS -> CP CALLs (fleet stats)
        self._link_lost = LazyEvent()
        self._side_tasks: list[asyncio.Task[None]] = []
        self._collected: list[tuple[Request, asyncio.Future[object]]] | None = None
        self.connection_attempts = 0
        self.last_error: str | None = None
        # Control surfaces (REST API, dashboard) attach these; a bare fleet leaves them None: no cost.
        self.message_log: MessageLog | None = None
        self.events: EventBus | None = None
        # disconnect(): stay offline until connect() (a CSMS outage seen from one charger).
        self.held_offline = False
        self.template_name: str | None = None  # the template it was made from (REST API)
        self._released = LazyEvent()

    # ------------------------------------------------------------------ model plumbing

    def after_model(self) -> None:
        """Carry out what the model asked for, then re-arm the single deadline timer."""
        for effect in self.charger.drain():
            self._apply(effect)
        self._rearm()

    def _apply(self, effect: Effect) -> None:
        if isinstance(effect, Request):
            if self._collected is not None:
                self._collected.append((effect, self.outbox.enqueue_awaitable(effect)))
            else:
                self.outbox.enqueue(effect)
            if self._store is not None:
                self._journal_effect(effect)
            if self.events is not None and self.events.active:
                self._publish_request(self.events, effect)
        elif isinstance(effect, ConfigChanged):
            if effect.key == "WebSocketPingInterval" and not self._pong_due:
                self._arm_ping()  # applies at once (a ping in flight re-arms when its pong is in)
            if self._store is not None:
                self._store.config.save(self.id, effect.key, effect.value)
            # Never log a secret (Security Whitepaper: AuthorizationKey changes are logged without value).
            shown = "<hidden>" if effect.key == "AuthorizationKey" else effect.value
            self._log.info("configuration %s = %s", effect.key, shown)
        elif isinstance(effect, AuthCacheChanged):
            if self._store is not None:
                if effect.id_tag is None:
                    self._store.auth.cache_clear(self.id)
                elif effect.info is None:
                    self._store.auth.cache_delete(self.id, effect.id_tag)
                else:
                    self._store.auth.cache_put(self.id, effect.id_tag, effect.info)
        elif isinstance(effect, LocalListChanged):
            if self._store is not None:
                self._store.auth.save_local_list(self.id, effect.version, effect.entries)
        elif isinstance(effect, ProfilesChanged):
            if self._store is not None:
                self._store.profiles.save(self.id, effect.profiles)
        elif isinstance(effect, Reboot):
            self._rebooting = effect
            if self._tasks is not None:
                self._side_tasks.append(self._tasks.create_task(self._reboot(effect)))
            else:
                self._reconnect_now.set()
        elif isinstance(effect, Reconnect):
            self._reconnect_now.set()
            self._close_soon()

    def _publish_request(self, bus: EventBus, request: Request) -> None:
        now = self.clock.now()
        if isinstance(request, StatusNotificationReq):
            data: dict[str, object] = {
                "connector": request.connector_id,
                "status": request.status.value,
                "errorCode": request.error_code.value,
                "info": request.info,
                "vendorErrorCode": request.vendor_error_code,
            }
            bus.publish(Event("status", self.id, now, data))
        elif isinstance(request, MeterValuesReq) and request.connector_id in self.charger.connector_ids:
            view = self.charger.view(request.connector_id, now)
            data = {
                "connector": request.connector_id,
                "context": request.context.value,
                "power_w": round(view.power_w, 1),
                "current_a": round(view.usage, 2),
                "session_wh": round(view.energy, 1),
                "register_wh": round(view.meter_wh, 1),
                "soc": round(view.soc, 2),
            }
            bus.publish(Event("meter", self.id, now, data))

    def _publish_connection(self) -> None:
        bus = self.events
        if bus is not None and bus.active:
            data = {"connected": self.online, "last_error": self.last_error}
            bus.publish(Event("connection", self.id, self.clock.now(), data))

    def _log_frame(
        self,
        direction: str,
        message_type: str,
        unique_id: str,
        action: str | None,
        raw: str | bytes,
        *,
        started: float | None = None,
    ) -> None:
        """Record one frame in the message log (when one is attached); `started`: loop time of the CALL
        this frame answers, for the latency."""
        frames = self.message_log
        if frames is None:
            return
        latency = None
        if started is not None:
            latency = round((running_loop().time() - started) * 1000.0, 3)
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        frames.record(
            self.id,
            direction=direction,
            message_type=message_type,
            message_id=unique_id,
            action=action,
            raw=text,
            now=self.clock.now(),
            latency_ms=latency,
        )

    def _journal_effect(self, request: Request) -> None:
        """Keep what a restart after a crash needs: open transactions and the registers (offline doc 6)."""
        store = self._store
        assert store is not None
        if isinstance(request, StartTransactionReq):
            store.transactions.open(self.id, request.tx_ref, request.connector_id, request.id_tag)
        elif isinstance(request, StopTransactionReq):
            store.transactions.close(self.id, request.tx_ref)
            store.registers.save(self.id, self.charger.metering.meter_registers())
        elif isinstance(request, MeterValuesReq) and request.tx_ref is not None:
            store.registers.save(self.id, self.charger.metering.meter_registers())

    def replay(self, rows: list[tuple[int, str, int | None, str]]) -> None:
        """Queue the journal left by an earlier run, oldest first, before anything new."""
        for seq, action, tx_ref, body in rows:
            self.outbox.enqueue(ReplayedReq(action, body, tx_ref, seq))

    async def _reboot(self, effect: Reboot) -> None:
        """Section 5.14: a Soft reset sends the StopTransactions before restarting (bounded wait);
        a Hard reset restarts at once and delivers them after the next boot."""
        if effect.reset_type is ResetType.SOFT:
            timeout = float(self.charger.config.get_int("MessageTimeout"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.outbox.wait_transaction_messages_sent(), timeout)
        self._reconnect_now.set()
        if self._ws is not None:
            self._ws.close()

    def _close_soon(self) -> None:
        ws = self._ws
        if ws is not None:
            # Close after the current reply has gone out (the close frame goes behind it).
            running_loop().call_soon(ws.close)

    def _rearm(self) -> None:
        deadline = self.charger.next_deadline()
        if self._timer is not None:
            if deadline == self._timer_at:
                return  # most inputs leave the next deadline where it was: keep the timer
            self._timer.cancel()
            self._timer = None
        self._timer_at = deadline
        if deadline is not None:
            self._timer = self.clock.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = None
        self.charger.tick(self.clock.now())
        self.after_model()

    def run_model(self, action: Callable[[float], Any]) -> Any:
        """Run one model input at the current time and carry out its effects."""
        result = action(self.clock.now())
        self.after_model()
        return result

    def run_model_collect(
        self, action: Callable[[float], Any]
    ) -> tuple[Any, list[tuple[Request, asyncio.Future[object]]]]:
        """As `run_model`, also returning the requests it sent with futures for their outcomes."""
        self._collected = []
        try:
            result = self.run_model(action)
            return result, self._collected
        finally:
            self._collected = None

    @property
    def online(self) -> bool:
        return self._ws is not None

    async def wait_outcome(self, request: Request, future: asyncio.Future[object], timeout: float) -> object:
        """The outcome of a request, or None when it does not come within `timeout` (real seconds) or the
        link goes down first. Offline, a transaction message just waits in the queue (None at once); any
        other request is decided locally right away (an Authorize by the offline rules)."""
        if not self.online:
            if request.transaction_related:
                return None
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(asyncio.shield(future), timeout)
            return None
        lost = asyncio.ensure_future(self._link_lost.wait())
        try:
            waiters: set[asyncio.Future[Any]] = {asyncio.shield(future), lost}
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        return future.result() if future.done() and not future.cancelled() else None

    @property
    def awaiting_answer(self) -> bool:
        """A CALL of ours awaits its answer."""
        return self._call_id is not None

    @property
    def idle(self) -> bool:
        """No CALL awaiting its answer and nothing the outbox could send before time passes."""
        return self._call_id is None and self.outbox.waiting

    # ------------------------------------------------------------------ connection

    @property
    def url(self) -> str:
        return self.options.url.rstrip("/") + "/" + quote(self.id, safe="")

    def _ssl_context(self) -> ssl.SSLContext | None:
        """TLS for wss:// (Security Whitepaper profiles 2 and 3): TLS 1.2+, the server certificate verified
        against the configured CA (or the system's), host name checked; profile 3 adds our certificate."""
        if not self.options.url.startswith("wss://"):
            return None
        context = ssl.create_default_context(cafile=self.options.ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.charger.config.get_int("SecurityProfile") >= 3 and self.options.client_cert:
            context.load_cert_chain(self.options.client_cert, self.options.client_key)
        return context

    def _headers(self) -> dict[str, str]:
        cfg = self.charger.config
        if self.options.http_auth or cfg.get_int("SecurityProfile") in (1, 2):
            # OCPP-J 6.2 / Security profile 1: Basic <id>:<AuthorizationKey>, key string verbatim
            # (what the original ocppsim sends; see ocpp16/README.md source conflicts).
            token = base64.b64encode(f"{self.id}:{cfg.raw('AuthorizationKey')}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {}

    async def run(self) -> None:
        """Connect, serve, reconnect with back-off; returns only when `stop()` is called."""
        delays = self.options.backoff.delays(self._rng)
        self._rearm()
        while not self._stopping:
            if self.held_offline:
                await self._released.wait()
                continue
            self.connection_attempts += 1
            try:
                if self.charger.config.get_int("SecurityProfile") >= 2 and not self.options.url.startswith(
                    "wss://"
                ):
                    raise SecurityProfileError("security profile 2 and 3 need a wss:// URL")
                ws = await self._connect(
                    self.url,
                    subprotocols=[SUBPROTOCOL],
                    additional_headers=self._headers(),
                    max_size=MAX_FRAME_BYTES,
                    open_timeout=10,
                    ssl=self._ssl_context(),
                    compression="deflate" if self.options.compression else None,
                    proxy=self.options.proxy,
                    local_addr=(self.options.source_address, 0) if self.options.source_address else None,
                )
            except Exception as exc:
                # Whatever a connect attempt raises is a failed attempt, retried after the back-off: a
                # charger never stops on a peer's (or a library's) behaviour. picows 2.3, for one, can
                # fail an assertion when its handshake times out under load (seen at 40,000 chargers).
                self.last_error = _describe(exc)
                delay = next(delays)
                self._log.warning(
                    "connect to %s failed (%s); retry %d in %.1f s",
                    self.url,
                    self.last_error,
                    self.connection_attempts,
                    delay,
                )
                await self._pause(delay)
                continue
            if ws.subprotocol != SUBPROTOCOL:
                # The CSMS did not agree to OCPP 1.6 (OCPP-J section 3.1.2): treat as a failed connect.
                self.last_error = "server did not accept subprotocol ocpp1.6"
                ws.close()
                await ws.wait_closed()
                delay = next(delays)
                self._log.warning("%s; retry in %.1f s", self.last_error, delay)
                await self._pause(delay)
                continue
            delays = self.options.backoff.delays(self._rng)
            self.last_error = None
            try:
                await self._serve(ws)
            except Exception as exc:  # a charger never exits on a peer's behaviour: log, reconnect
                self.last_error = f"{type(exc).__name__}: {exc}"
                self._log.exception("connection failed; reconnecting")
            if self._rebooting is not None:
                self._rebooting = None
                self.run_model(self.charger.boot.on_reboot)
            elif not self._stopping and not self._reconnect_now.is_set():
                delay = next(delays)
                self._log.warning("connection closed; reconnecting in %.1f s", delay)
                await self._pause(delay)
            self._reconnect_now.clear()

    async def _pause(self, seconds: float) -> None:
        self._reconnect_now.clear()
        await sleep_or_event(self.clock, seconds, self._reconnect_now)

    async def _serve(self, ws: Link) -> None:
        self._ws = ws
        self._link_lost.clear()
        self._log.info("connected to %s", self.url)
        self._publish_connection()
        try:
            async with asyncio.TaskGroup() as tg:
                self._tasks = tg
                self._arm_ping()
                self.outbox.set_online(True)
                self.run_model(self.charger.boot.on_connected)
                ws.start(self)  # frames are handled from here on, in the link's callbacks
                try:
                    await ws.wait_closed()
                finally:
                    # The link is gone: nothing the connection's tasks wait for can happen any more.
                    for task in self._side_tasks:
                        task.cancel()
                    self._side_tasks.clear()
                    self._stop_pings()
        finally:
            self._tasks = None
            self._ws = None
            self._link_lost.set()
            self._forget_call()
            self.outbox.set_online(False)  # keeps or drops the CALL that lost its answer
            self.run_model(self.charger.boot.on_disconnected)
            self._log.info("disconnected")
            self._publish_connection()

    # WebSocket pings every WebSocketPingInterval s (0 = none) while connected ("the number of seconds
    # between pings", OCPP-J 1.6 section 7); no pong within MessageTimeout means a dead link: close it
    # (OCPP-J 5.3, offline doc 1). One timer, no task, and a pong only sets a flag: the timer after a
    # ping looks at it (an interval after the ping, or MessageTimeout after it when that comes first)
    # and sends the next ping or closes the link. A ChangeConfiguration applies at once (while no pong
    # is due; else at that check).

    def _arm_ping(self) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None
        interval = self.charger.config.get_int("WebSocketPingInterval")
        if self._ws is not None and interval > 0:
            self._ping_timer = self.clock.call_at(self.clock.now() + interval, self._ping_due)

    def _ping_due(self) -> None:
        self._ping_timer = None
        ws = self._ws
        if ws is None:
            return
        now = self.clock.now()
        self._pong_due = True
        self._ping_sent = now
        self._send_ping(ws)
        # MessageTimeout on the simulation clock, as for a CALL's answer (so --speed applies).
        config = self.charger.config
        wait = min(config.get_int("WebSocketPingInterval"), config.get_int("MessageTimeout"))
        self._ping_timer = self.clock.call_at(now + max(wait, 1), self._ping_check)

    def _ping_check(self) -> None:
        self._ping_timer = None
        ws = self._ws
        if ws is None:
            return
        now = self.clock.now()
        config = self.charger.config
        if self._pong_due:
            timeout = config.get_int("MessageTimeout")
            if now - self._ping_sent < timeout - 1e-6:  # the next ping waits for this pong
                self._ping_timer = self.clock.call_at(self._ping_sent + timeout, self._ping_check)
                return
            self._pong_due = False
            self._log.warning("no pong within %d s: closing the connection", timeout)
            ws.close()
            return
        interval = config.get_int("WebSocketPingInterval")
        if interval <= 0:
            return  # switched off meanwhile
        if self._ping_sent + interval <= now + 1e-6:
            self._ping_due()
        else:
            self._ping_timer = self.clock.call_at(self._ping_sent + interval, self._ping_due)

    def _send_ping(self, ws: Link) -> None:
        """One ping. A method of its own so that tests can count pings or withhold them on the class."""
        ws.ping()

    def on_pong(self) -> None:
        """A pong (LinkHandler): the link is alive (the ping's timer reads this)."""
        self._pong_due = False

    def _stop_pings(self) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None
        self._pong_due = False

    def on_message(self, message: str | bytes) -> None:
        """One message from the CSMS (LinkHandler), in the callback of the link that received it."""
        ws = self._ws
        if ws is None:
            return  # the link is being torn down
        try:
            frame = parse_frame(message)
        except FrameError as exc:
            self._log.warning("bad frame from CSMS: %s", exc.description)
            self._log_frame("in", "INVALID", exc.unique_id, None, message)
            self._send_answer(ws, encode_error(exc.unique_id, exc.code, exc.description), None, None)
            return
        if frame is None:
            self._log.warning("ignored frame: %.200s", message)
            self._log_frame("in", "INVALID", "", None, message)
        elif isinstance(frame, Call):
            self._on_call(ws, frame, message)
        else:
            self._on_answer(frame, message)

    def make_durable(self) -> None:
        """Commit what the store holds for this loop turn: before anything leaves the process."""
        if self._flush is not None:
            self._flush()

    def _send_answer(self, ws: Link, frame: bytes, call: Call | None, started: float | None) -> None:
        """Send our CALLRESULT / CALLERROR (and log it, with the time we took to answer)."""
        self.make_durable()  # e.g. the StopTransaction a RemoteStop.conf Accepted promises
        if self.message_log is not None:
            kind = "CALLRESULT" if frame.startswith(b"[3") else "CALLERROR"
            unique_id = call.unique_id if call is not None else ""
            self._log_frame("out", kind, unique_id, call.action if call else None, frame, started=started)
        ws.send(frame)

    def _on_call(self, ws: Link, call: Call, raw: str | bytes = "") -> None:
        now = self.clock.now()
        started = None
        if self.message_log is not None:
            started = running_loop().time()
            self._log_frame("in", "CALL", call.unique_id, call.action, raw)
        if self.inbound_observer is not None:
            self.inbound_observer(call.action)
        if self.charger.registration is RegistrationStatus.REJECTED:
            # Section 4.2.1: while Rejected the charge point sends nothing, answers included.
            self._log.warning("%s ignored: registration was Rejected", call.action)
            return
        try:
            payload = handle_call(self.charger, call, now, validate=self.options.validate_inbound)
        except OcppCallError as exc:
            self._log.warning(
                "%s %s -> CALLERROR %s: %s", call.action, call.unique_id, exc.code, exc.description
            )
            self._send_answer(ws, encode_error(call.unique_id, exc.code, exc.description), call, started)
            self.after_model()
            return
        except Exception:
            self._log.exception("handler for %s crashed", call.action)
            failed = encode_error(call.unique_id, ErrorCode.INTERNAL_ERROR, "internal error")
            self._send_answer(ws, failed, call, started)
            self.after_model()
            return
        self._send_answer(ws, encode_result(call.unique_id, payload), call, started)
        # The reply goes out before anything it caused (section 5.17): the CALLs the model queued now
        # leave with the send batch, at the end of this loop turn.
        self.after_model()

    def _on_answer(self, frame: CallResult | CallError, raw: str | bytes = "") -> None:
        kind = "CALLERROR" if isinstance(frame, CallError) else "CALLRESULT"
        if frame.unique_id != self._call_id:
            self._log.warning("answer for unknown or expired message id %s", frame.unique_id)
            if self.message_log is not None:
                self._log_frame("in", kind, frame.unique_id, None, raw)
            return
        action, sent = self._call_action, self._call_sent
        self._forget_call()
        if self.message_log is not None:
            self._log_frame("in", kind, frame.unique_id, action, raw, started=sent)
        if isinstance(frame, CallError):
            self.outbox.answered(Answer(None, frame.code))
            return
        if self.options.validate_inbound:
            try:
                validators.response(action, frame.payload)
            except SchemaError as exc:
                self._log.warning("invalid %s response: %s", action, exc.description)
                self.outbox.answered(Answer(None, f"InvalidResult: {exc.description}"))
                return
        self.outbox.answered(Answer(frame.payload))

    def _send_call(self, request: Request, unique_id: str, prepared: dict[str, Any] | None) -> bool:
        """Send a CALL of the outbox (its SendCall); the answer, or the timeout, goes back to it."""
        ws = self._ws
        if ws is None:
            return False
        tx_id = None
        tx_ref = getattr(request, "tx_ref", None)
        if tx_ref is not None:
            tx_id = self.charger.transactions.transaction_id_for(tx_ref)
        payload = request_payload(request, tx_id, prepared)
        frame = encode_call(unique_id, request.ACTION, payload)
        self.make_durable()
        if self.message_log is not None:
            self._log_frame("out", "CALL", unique_id, request.ACTION, frame)
        if not ws.send(frame):
            return False
        self._call_id = unique_id
        self._call_action = request.ACTION
        self._call_sent = running_loop().time()
        timeout = self.charger.config.get_int("MessageTimeout")
        self._call_timer = self.clock.call_at(self.clock.now() + timeout, self._call_expired)
        return True

    def _call_expired(self) -> None:
        self._call_timer = None
        if self._call_id is not None:
            self._call_id = None
            self.outbox.answered(Answer(None, "Timeout"))

    def _forget_call(self) -> None:
        self._call_id = None
        if self._call_timer is not None:
            self._call_timer.cancel()
            self._call_timer = None

    def disconnect(self) -> None:
        """Go offline and stay there until `connect()` (what a CSMS outage looks like to this charger)."""
        self.held_offline = True
        self._released.clear()
        self._reconnect_now.set()  # no back-off pause after the close: wait for connect() instead
        self._close_soon()

    def connect(self) -> None:
        """Connect again (now, not after the back-off delay)."""
        self.held_offline = False
        self._released.set()
        self._reconnect_now.set()

    async def stop(self) -> None:
        self._stopping = True
        self._released.set()
        self._reconnect_now.set()
        if self._timer is not None:
            self._timer.cancel()
        ws = self._ws
        if ws is not None:
            ws.close()
            await ws.wait_closed()


def _describe(exc: BaseException) -> str:
    status = http_status(exc)
    if status is not None:
        return f"HTTP {status}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
