"""One simulated charger on the wire, and its connection lifecycle: connect (with back-off and jitter,
offline doc section 1), serve the link, reconnect; go offline on request; restart on a Reset (section 5.14).

The connection lifecycle (runtime/connection_cycle.py) connects, serves the link until it ends and
reconnects, in callbacks (OCPP-J 3: one WebSocket with subprotocol ocpp1.6 at <url>/<chargePointId>; the
security profile's TLS and Basic authentication, runtime/security_profiles.py). Everything on an open
connection happens in callbacks too: a frame is handled in
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
from ocppsim.model.types import ResetType
from ocppsim.runtime.certificates import tls_files
from ocppsim.runtime.clock import Clock, LazyEvent, running_loop
from ocppsim.runtime.connection_cycle import MAX_FRAME_BYTES, ConnectionCycle
from ocppsim.runtime.events import EventBus
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
from ocppsim.runtime.security_profiles import tls_context
from ocppsim.runtime.wire import Wire, wire_for
from ocppsim.runtime.ws_client import Link, connect
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

__all__ = ["MAX_FRAME_BYTES", "Backoff", "ConfigSink", "Station", "StationOptions"]

log = logging.getLogger("ocppsim.station")


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
        "_cycle",
        "_driver",
        "_endpoints",
        "_exchange",
        "_flush",
        "_link_lost",
        "_pings",
        "_rebooting",
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
        self._cycle = ConnectionCycle(self)  # connect, serve, reconnect
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
        # Made on first use (a Soft reset's wait; a control surface waiting for an answer): most of a
        # fleet's chargers never need them.
        self._link_lost: LazyEvent | None = None
        self._side_tasks: list[asyncio.Task[None]] | None = None
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
        if self._link_lost is None:
            self._link_lost = LazyEvent()  # online now: not set (the cycle sets it when the link is lost)
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
        """Connect, serve, reconnect with back-off; returns only when `stop()` is called. Cancelled, the
        station goes offline at once. A fleet calls `start()` instead: no task per charger."""
        self._cycle.start()
        try:
            await self._cycle.ended()
        except asyncio.CancelledError:
            self._cycle.halt()
            raise

    def start(self) -> None:
        """Begin the connection lifecycle without a task to wait on it (`stop()` ends it)."""
        self._cycle.start()

    @property
    def started(self) -> bool:
        """The connection lifecycle runs (started, not ended)."""
        return self._cycle.active

    def halt(self) -> None:
        """Go offline at once, without waiting for anything (what cancelling `run()` does)."""
        self._cycle.halt()

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
            if self._side_tasks is None:
                self._side_tasks = []
            self._side_tasks.append(task)
        else:
            self._cycle.reconnect_now()

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
        self._cycle.reconnect_now()
        if self._ws is not None:
            self._ws.close()

    def reconnect(self) -> None:
        """Close the link and connect again at once, without the back-off pause (the model asks for it
        when a connection setting changed)."""
        self._cycle.reconnect_now()
        ws = self._ws
        if ws is not None:
            # Close after the current reply has gone out (the close frame goes behind it).
            running_loop().call_soon(ws.close)

    def disconnect(self) -> None:
        """Go offline and stay there until `connect()` (what a CSMS outage looks like to this charger)."""
        self.held_offline = True
        self.reconnect()  # no back-off pause after the close: wait for connect() instead

    def connect(self) -> None:
        """Connect again (now, not after the back-off delay)."""
        self.held_offline = False
        self._cycle.reconnect_now()

    async def stop(self) -> None:
        self._stopping = True
        self._cycle.reconnect_now()  # ends a pause, an offline wait, a connect in progress
        self._driver.cancel()
        if self._transfers is not None:
            await self._transfers.cancel()
        ws = self._ws
        if ws is not None:
            ws.close()
            await ws.wait_closed()
        await self._cycle.ended()  # the connection's cleanup is done


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
