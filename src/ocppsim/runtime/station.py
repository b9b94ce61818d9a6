"""One simulated charger on the wire, and its connection lifecycle: connect (with back-off and jitter,
offline doc section 1), serve the link, reconnect; go offline on request; restart on a Reset (section 5.14).

One task per charger connects, waits for the connection to end and reconnects (OCPP-J 3: one WebSocket
with subprotocol ocpp1.6 at <url>/<chargePointId>; the security profile's TLS and Basic authentication,
runtime/security_profiles.py). Everything on an open connection happens in callbacks: a frame is handled in
the callback of the link that received it (runtime/frame_exchange.py), the outbox sends from the loop
turn's send batch (runtime/outbox.py), timers fire the model's deadlines (runtime/model_driver.py), the
answer timeouts and the pings (runtime/pings.py). The few tasks a connection starts (a Soft reset waiting
for its StopTransactions) end with that connection.

`Station` is the object the fleet, the control surfaces and the tests hold: its parts are reached through
it, and each part keeps only its own state (all with __slots__: one of each per charger)."""

from __future__ import annotations

import asyncio
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
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.outgoing import Reboot, ReplayedReq, Request
from ocppsim.model.types import RegistrationStatus, ResetType
from ocppsim.runtime.certificates import tls_files
from ocppsim.runtime.clock import Clock, LazyEvent, running_loop, sleep_or_event
from ocppsim.runtime.events import Event, EventBus
from ocppsim.runtime.file_transfer import FileTransfers
from ocppsim.runtime.frame_exchange import FrameExchange
from ocppsim.runtime.interception import Interception
from ocppsim.runtime.message_log import MessageLog
from ocppsim.runtime.meter_history import MeterHistory
from ocppsim.runtime.model_driver import ModelDriver
from ocppsim.runtime.network_profiles import Endpoints
from ocppsim.runtime.ocmf_signer import OcmfKeyRecords, OcmfSigner
from ocppsim.runtime.outbox import Journal, Outbox
from ocppsim.runtime.pings import Pings
from ocppsim.runtime.security_profiles import basic_auth_headers, check_url, failure_kind, tls_context
from ocppsim.runtime.wire import Wire, offered_subprotocols, wire_for
from ocppsim.runtime.ws_client import Link, connect, http_status
from ocppsim.store.authorization import Authorization
from ocppsim.store.availability import Availability
from ocppsim.store.certificates import Certificates
from ocppsim.store.configuration import Configuration
from ocppsim.store.event_sequences import EventSequences
from ocppsim.store.firmware import Firmware
from ocppsim.store.profiles import Profiles
from ocppsim.store.registers import Registers
from ocppsim.store.reservations import Reservations
from ocppsim.store.transactions import Transactions

__all__ = ["Backoff", "ConfigSink", "Station", "StationOptions"]

log = logging.getLogger("ocppsim.station")

# OCPP frames are small; a 1 MiB cap keeps a hostile peer from exhausting memory.
MAX_FRAME_BYTES = 1 << 20


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
    # TLS (profiles 2, 3): skip only the host name check of the CSMS's certificate (never the chain), for
    # test central systems whose certificate has no matching subjectAltName. Off by default; warned.
    tls_skip_hostname_check: bool = False


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

    @property
    def availability(self) -> Availability: ...

    @property
    def reservations(self) -> Reservations: ...

    @property
    def firmware(self) -> Firmware: ...

    @property
    def event_seq(self) -> EventSequences: ...

    @property
    def ocmf_keys(self) -> OcmfKeyRecords: ...

    @property
    def certificates(self) -> Certificates: ...


class Station:
    # Slots: a station's attribute dict was ~1.6 KiB, at 100,000 chargers 160 MB.
    __slots__ = (
        "_connect",
        "_driver",
        "_endpoints",
        "_exchange",
        "_flush",
        "_link_lost",
        "_pings",
        "_rebooting",
        "_reconnect_now",
        "_released",
        "_resume",
        "_rng",
        "_side_tasks",
        "_stopping",
        "_store",
        "_tasks",
        "_transfers",
        "_ws",
        "charger",
        "clock",
        "connection_attempts",
        "events",
        "held_offline",
        "history",
        "id",
        "inbound_observer",
        "interception",
        "last_error",
        "message_log",
        "options",
        "outbox",
        "signer",
        "template_name",
        "wire",
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
        self._ws: Link | None = None
        # A private RNG (2.5 KiB of state) only when a seed asks for reproducible jitter.
        self._rng: random.Random | types.ModuleType = (
            random.Random(options.seed) if options.seed is not None else random
        )
        self._stopping = False
        self._reconnect_now = LazyEvent()
        self._rebooting: Reboot | None = None
        # The registration stood when the link was lost (no reboot since): a 2.0.1 wire resumes it.
        self._resume = False
        # Network connection profiles (2.0.1 B09/B10); None: the options' URL only (a 1.6 charger, and
        # no object for it at each of a fleet's 100,000 chargers).
        self._endpoints = Endpoints.of(charger, options.url)
        # The parts: frames on the open link, the pings, the model's effects and deadline timer.
        self._exchange = FrameExchange(self)
        self._pings = Pings(self)
        self._driver = ModelDriver(self)
        # The protocol adapter: the charger's first version, then the one the CSMS picks (runtime/wire.py).
        self.wire: Wire = wire_for(charger, records=store.event_seq if store is not None else None)
        self.outbox = Outbox(
            charger,
            clock,
            self._exchange.send_call,
            self._driver.after_model,
            logger=log,
            journal=store,
            wire=self.wire,
        )
        self._tasks = False  # a connection is being served: its side tasks end with it (_serve)
        self.inbound_observer: Callable[[str], None] | None = None  # counts CS -> CP CALLs (fleet stats)
        self._link_lost = LazyEvent()
        self._side_tasks: list[asyncio.Task[None]] = []
        self.connection_attempts = 0
        self.last_error: str | None = None
        # Control surfaces (REST API, dashboard) attach these; a bare fleet leaves them None: no cost.
        self.message_log: MessageLog | None = None
        # Expert mode's overrides (runtime/interception.py); None while there are none: no cost.
        self.interception: Interception | None = None
        self.events: EventBus | None = None
        self.history: MeterHistory | None = None
        # disconnect(): stay offline until connect() (a CSMS outage seen from one charger).
        self.held_offline = False
        self.template_name: str | None = None  # the template it was made from (REST API)
        self._released = LazyEvent()
        self._transfers: FileTransfers | None = None  # made on the first firmware or diagnostics transfer
        # Signed meter values (Eichrecht): the charger's OCMF signing component, its key from the store
        # (generated on the first start); None without the option.
        self.signer: OcmfSigner | None = (
            OcmfSigner.open(self.id, store.ocmf_keys if store is not None else None, self._log)
            if charger.params.signed_meter_values
            else None
        )

    @property
    def _log(self) -> logging.LoggerAdapter[logging.Logger]:
        """The station's logger naming the charger: made when something is logged (rarely), not kept at
        each of a fleet's chargers (an adapter and its dict: ~0.35 KiB each)."""
        return logging.LoggerAdapter(log, {"charger": self.id})

    # ------------------------------------------------------------------ the model (model_driver)

    def after_model(self) -> None:
        """Carry out what the model asked for, then re-arm the single deadline timer."""
        self._driver.after_model()

    def run_model(self, action: Callable[[float], Any]) -> Any:
        """Run one model input at the current time and carry out its effects."""
        return self._driver.run_model(action)

    def run_model_collect(
        self, action: Callable[[float], Any]
    ) -> tuple[Any, list[tuple[Request, asyncio.Future[object]]]]:
        """As `run_model`, also returning the requests it sent with futures for their outcomes."""
        return self._driver.run_model_collect(action)

    def replay(self, rows: list[tuple[int, str, int | None, str]]) -> None:
        """Queue the journal left by an earlier run, oldest first, before anything new."""
        for seq, action, tx_ref, body in rows:
            self.outbox.enqueue(ReplayedReq(action, body, tx_ref, seq))

    def make_durable(self) -> None:
        """Commit what the store holds for this loop turn: before anything leaves the process."""
        if self._flush is not None:
            self._flush()

    @property
    def transfers(self) -> FileTransfers:
        """The firmware downloads and diagnostics uploads (runtime/file_transfer.py): they outlive a
        connection and end when the station stops."""
        if self._transfers is None:
            self._transfers = FileTransfers(self)
        return self._transfers

    # ------------------------------------------------------------------ the link (frame_exchange, pings)

    def on_message(self, message: str | bytes) -> None:
        """One message from the CSMS (the link delivers to the frame exchange itself)."""
        self._exchange.on_message(message)

    def on_pong(self) -> None:
        """A pong: the link is alive."""
        self._pings.on_pong()

    def _send_ping(self, ws: Link) -> None:
        """One ping. A method of its own so that tests can count pings or withhold them on the class."""
        ws.ping()

    @property
    def online(self) -> bool:
        return self._ws is not None

    @property
    def awaiting_answer(self) -> bool:
        """A CALL of ours awaits its answer."""
        return self._exchange.awaiting_answer

    @property
    def idle(self) -> bool:
        """No CALL awaiting its answer and nothing the outbox could send before time passes."""
        return not self._exchange.awaiting_answer and self.outbox.waiting

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

    # ------------------------------------------------------------------ connection

    @property
    def url(self) -> str:
        """The URL of the next (or current) connection: the CSMS URL of the network profile in use."""
        base = self._endpoints.current().url if self._endpoints is not None else self.options.url
        return base.rstrip("/") + "/" + quote(self.id, safe="")

    async def run(self) -> None:
        """Connect, serve, reconnect with back-off; returns only when `stop()` is called."""
        delays = self._delays()
        self._driver.rearm()
        options = self.options
        while not self._stopping:
            if self.held_offline:
                await self._released.wait()
                continue
            self.connection_attempts += 1
            config = self.charger.config
            offered = offered_subprotocols(self.charger)
            endpoints = self._endpoints
            endpoint = endpoints.current() if endpoints is not None else None
            base = endpoint.url if endpoint is not None else options.url
            level = endpoint.security_profile if endpoint is not None else None
            try:
                check_url(config, base, profile=level)
                ws = await self._connect(
                    self.url,
                    subprotocols=offered,
                    additional_headers=basic_auth_headers(
                        config, self.id, http_auth=options.http_auth, profile=level
                    ),
                    max_size=MAX_FRAME_BYTES,
                    open_timeout=10,
                    ssl=self._tls_context(base, level),
                    compression="deflate" if options.compression else None,
                    proxy=options.proxy,
                    local_addr=(options.source_address, 0) if options.source_address else None,
                )
            except Exception as exc:
                # Whatever a connect attempt raises is a failed attempt, retried after the back-off: a
                # charger never stops on a peer's (or a library's) behaviour. picows 2.3, for one, can
                # fail an assertion when its handshake times out under load (seen at 40,000 chargers).
                self.last_error = _describe(exc)
                if endpoints is not None:
                    endpoints.failed()
                # A CSMS certificate that does not verify is InvalidCentralSystemCertificate (2.0.1:
                # InvalidCsmsCertificate, A05 / TC_A_05; ocpp201/convert.py names it) from the model.
                self._connect_failed(failure_kind(exc, self.last_error), self.last_error)
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
            picked = ws.subprotocol
            if picked not in offered:
                # The CSMS agreed to none of our versions (OCPP-J 1.6 section 3.1.2; 2.0.1 part 4
                # section 3.1.2: it completes the handshake without the header and closes): we close.
                self.last_error = f"the CSMS accepted none of the subprotocols offered ({', '.join(offered)})"
                ws.close()
                await ws.wait_closed()
                delay = next(delays)
                self._log.warning("%s; connection closed, retry in %.1f s", self.last_error, delay)
                await self._pause(delay)
                continue
            if picked != self.wire.subprotocol:
                # The CSMS picked another of the versions offered: speak that one from now on.
                self._log.info("the CSMS picked %s", picked)
                records = self._store.event_seq if self._store is not None else None
                self.wire = self.outbox.wire = wire_for(self.charger, picked, records)
            delays = self._delays()
            if endpoints is not None:
                endpoints.succeeded()
            if level is not None:
                self.charger.security.connected_with(level)  # A05: the profile connected with
                self.after_model()
            self.last_error = None
            self.run_model(self.charger.security.on_connected)
            try:
                await self._serve(ws)
            except Exception as exc:  # a charger never exits on a peer's behaviour: log, reconnect
                self.last_error = f"{type(exc).__name__}: {exc}"
                self._log.exception("connection failed; reconnecting")
            if self._rebooting is not None:
                self._rebooting = None
                self._resume = False
                if self._endpoints is not None:
                    self._endpoints.restart()
                self.run_model(self.charger.boot.on_reboot)
            elif not self._stopping and not self._reconnect_now.is_set():
                delay = next(delays)
                self._log.warning("connection closed; reconnecting in %.1f s", delay)
                await self._pause(delay)
            self._reconnect_now.clear()

    def _delays(self) -> Iterator[float]:
        """The reconnect waits: a 2.0.1 station's OCPPCommCtrlr.RetryBackOff* variables (part 4 section
        5.3: the minimum, doubled RepeatTimes times, plus up to RandomRange), else the options' back-off."""
        config = self.charger.config
        if config.spec(_RETRY_MINIMUM) is None:
            return self.options.backoff.delays(self._rng)
        return _retry_back_off(config, self._rng)

    def _tls_context(self, url: str, profile: int | None) -> ssl.SSLContext | None:
        """Profiles 2 and 3: the installed roots, the charge point certificate (runtime/certificates).
        `url` / `profile`: a 2.0.1 network profile's (None: the configured URL and SecurityProfile)."""
        store = self._store
        files = tls_files(self, store.certificates if store is not None else None)
        return tls_context(
            self.charger.config,
            url,
            ca_file=self.options.ca_file,
            client_cert=files.client_cert,
            client_key=files.client_key,
            cadata=files.cadata,
            check_hostname=not self.options.tls_skip_hostname_check,
            profile=profile,
        )

    def _connect_failed(self, kind: str, detail: str) -> None:
        """A failed attempt may be a security event and, after an upgrade, a fallback (Security Whitepaper
        section 8, A05.FR.08): the model decides."""
        security = self.charger.security
        self.run_model(lambda now: security.on_connect_failed(kind, detail, now))

    async def _pause(self, seconds: float) -> None:
        self._reconnect_now.clear()
        await sleep_or_event(self.clock, seconds, self._reconnect_now)

    async def _serve(self, ws: Link) -> None:
        self._ws = ws
        self._link_lost.clear()
        self._log.info("connected to %s", self.url)
        _publish_connection(self)
        try:
            self._tasks = True
            self._pings.arm()
            self.outbox.set_online(True)
            self.wire.on_link(True, self.clock.now())
            if self._resume and not self.wire.boots_on_reconnect:
                self.run_model(self.charger.boot.on_reconnected)
            else:
                self.run_model(self.charger.boot.on_connected)
            ws.start(self._exchange)  # frames are handled from here on, in the link's callbacks
            try:
                await ws.wait_closed()
            finally:
                # The link is gone: nothing the connection's tasks wait for can happen any more. They
                # end before the connection's cleanup below (as a TaskGroup's would: plain tasks, not
                # a TaskGroup per connection, which was ~0.5 KiB at each of a fleet's chargers).
                side, self._side_tasks = self._side_tasks, []
                for task in side:
                    task.cancel()
                self._pings.stop()
                if side:
                    await asyncio.gather(*side, return_exceptions=True)
        finally:
            self._tasks = False
            self._ws = None
            self._link_lost.set()
            self._exchange.forget_call()
            self._resume = self.charger.registration is RegistrationStatus.ACCEPTED
            self.wire.on_link(False, self.clock.now())
            self.outbox.set_online(False)  # keeps or drops the CALL that lost its answer
            self.run_model(self.charger.boot.on_disconnected)
            self._log.info("disconnected")
            _publish_connection(self)

    def reboot(self, effect: Reboot) -> None:
        """The model asks for a restart (a Reset, section 5.14): close the link, then boot again."""
        self._rebooting = effect
        if effect.reset_type is ResetType.HARD:
            # Section 5.14: a Hard reset restarts without stopping gracefully; the StopTransactions go
            # after the next boot. Nothing more leaves on this connection (a CALL sent now would lose its
            # answer to the close and go twice); the Reset.conf already went out before this effect.
            self.outbox.set_online(False)
        if self._tasks:
            task = asyncio.ensure_future(self._reboot(effect))
            task.add_done_callback(self._side_task_done)
            self._side_tasks.append(task)
        else:
            self._reconnect_now.set()

    def _side_task_done(self, task: asyncio.Task[None]) -> None:
        """A connection's task failed: the connection ends and the station reconnects (what the
        TaskGroup of the connection did: a charger never exits on its own failure)."""
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        self.last_error = f"{type(exc).__name__}: {exc}"
        self._log.error("connection task failed; reconnecting", exc_info=exc)
        if self._ws is not None:
            self._ws.close()

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

    def reconnect(self) -> None:
        """Close the link and connect again at once, without the back-off pause (the model asks for it
        when a connection setting changed)."""
        self._reconnect_now.set()
        ws = self._ws
        if ws is not None:
            # Close after the current reply has gone out (the close frame goes behind it).
            running_loop().call_soon(ws.close)

    def disconnect(self) -> None:
        """Go offline and stay there until `connect()` (what a CSMS outage looks like to this charger)."""
        self.held_offline = True
        self._released.clear()
        self.reconnect()  # no back-off pause after the close: wait for connect() instead

    def connect(self) -> None:
        """Connect again (now, not after the back-off delay)."""
        self.held_offline = False
        self._released.set()
        self._reconnect_now.set()

    async def stop(self) -> None:
        self._stopping = True
        self._released.set()
        self._reconnect_now.set()
        self._driver.cancel()
        if self._transfers is not None:
            await self._transfers.cancel()
        ws = self._ws
        if ws is not None:
            ws.close()
            await ws.wait_closed()


_RETRY_MINIMUM = "OCPPCommCtrlr.RetryBackOffWaitMinimum"


def _retry_back_off(config: ConfigStore, rng: random.Random | types.ModuleType) -> Iterator[float]:
    """Read at each wait: a value the CSMS set while connected applies to the next loss."""
    attempt = 0
    while True:
        minimum = config.get_int(_RETRY_MINIMUM)
        repeat = config.get_int("OCPPCommCtrlr.RetryBackOffRepeatTimes")
        random_range = config.get_int("OCPPCommCtrlr.RetryBackOffRandomRange")
        yield minimum * 2 ** min(attempt, repeat) + (rng.uniform(0, random_range) if random_range else 0.0)
        attempt += 1


def _publish_connection(station: Station) -> None:
    """Connected / disconnected, for the control surfaces' event stream (when one listens)."""
    bus = station.events
    if bus is not None and bus.active:
        data = {"connected": station.online, "last_error": station.last_error}
        bus.publish(Event("connection", station.id, station.clock.now(), data))


def _describe(exc: BaseException) -> str:
    status = http_status(exc)
    if status is not None:
        return f"HTTP {status}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
