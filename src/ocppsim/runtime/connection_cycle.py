"""A station's connection lifecycle in callbacks: connect (with back-off and jitter, offline doc section 1),
serve the link, reconnect; go offline on request; restart on a Reset (section 5.14).

It was one task per charger, a loop awaiting the connect, the end of the link and the back-off pause. A
task that lives as long as its charger holds its coroutine frames (the loop's, the serving one's, the
link's wait) and a waiter future: ~1.8 KiB at each of a fleet's chargers, for a loop that is idle while
the link is up. Here the only thing held while connected is the link's close callback; a task exists
only while a connect is in progress (the WebSocket handshake is a coroutine of the library) and while a
closed connection's side tasks (a Soft reset's wait) end. The order of the steps is the loop's:

    top:  stopping -> end; held offline -> wait for connect(); else count the attempt and connect
    connect failed -> the model hears of it (security events, profile fallback), back-off pause, top
    no subprotocol agreed -> close, back-off pause, top
    connected -> serve until the link is gone, then: rebooting -> boot again at once (top);
                 reconnect asked for -> top at once; else back-off pause, top
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime.clock import LazyEvent, TimerHandle, per_loop, running_loop
from ocppsim.runtime.events import Event
from ocppsim.runtime.network_profiles import Endpoints
from ocppsim.runtime.security_profiles import basic_auth_headers, check_url, failure_kind
from ocppsim.runtime.wire import offered_subprotocols, wire_for
from ocppsim.runtime.ws_client import Link, http_status

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["HANDSHAKE_PLACE_S", "MAX_FRAME_BYTES", "MAX_HANDSHAKES", "ConnectionCycle", "publish_connection"]

# OCPP frames are small; a 1 MiB cap keeps a hostile peer from exhausting memory.
MAX_FRAME_BYTES = 1 << 20

# WebSocket handshakes in progress at once in one event loop; the cycles over it wait their turn, in
# order. A fleet starts its chargers in one loop turn: 10,000 handshakes at once held 10,000 tasks with
# their coroutines, futures and the library's connect state, and then the boot of all of them. When
# they were freed the small-object allocator kept the pools they had been in, half empty among the
# chargers' long-lived objects, for good: at 10,000 chargers 164 MiB of pymalloc arenas for 134 MiB of
# objects, against 137 MiB with the gate, and 19.0 against 15.0 KiB of RSS a charger (issue 20;
# `benchmarks/memory_breakdown.py rss`, docs/performance.md). What a storm leaves is in proportion to
# the handshakes at once, not to the chargers (~2 KiB each: ~2 MiB here); a handshake takes a few loop
# turns, which last long in a worker busy booting, so the gate is wide enough not to slow a boot storm
# (50,000 chargers on four workers booted in 81 s through a gate of 256, in 33 s through 1,024; main's
# last recorded run, without a gate: 36 s). A charger's own behaviour (its back-off, its attempts
# counted) is unchanged: it waits for the gate before its attempt begins.
MAX_HANDSHAKES = 1024
# A handshake holds its place this long at most (real seconds), then goes on without it: a CSMS that does
# not answer (a blackhole, a stalled proxy: the attempt waits out its open timeout, 10 s) must not hold
# back the chargers of another CSMS, nor the retries once it answers again, by more than this.
HANDSHAKE_PLACE_S = 2.0


class _HandshakeGate:
    """The handshakes in progress in one event loop and the cycles waiting for one."""

    __slots__ = ("busy", "waiting")

    def __init__(self) -> None:
        self.busy = 0
        self.waiting: deque[ConnectionCycle] = deque()

    def release(self) -> None:
        """A handshake ended: the next cycle still waiting begins its own (in a later callback)."""
        self.busy -= 1
        waiting = self.waiting
        while waiting:
            cycle = waiting.popleft()
            if cycle._queued:
                cycle._queued = False
                self.busy += 1  # its place from now (no other cycle overtakes it), given up by halt()
                cycle._gated = self
                cycle._pause = running_loop().call_soon(cycle._top)
                return


_gates: dict[asyncio.AbstractEventLoop, _HandshakeGate] = {}


def _gate() -> _HandshakeGate:
    return per_loop(_gates, _HandshakeGate)


class ConnectionCycle:
    """The connect / serve / reconnect cycle of one station. `start()` begins it; it ends (`ended()`)
    once the station is stopping and no connection is left."""

    __slots__ = (
        "_active",
        "_attempt",
        "_delays",
        "_ended",
        "_gated",
        "_now",
        "_offline_wait",
        "_pause",
        "_place_timer",
        "_queued",
        "_st",
    )

    def __init__(self, station: Station) -> None:
        self._st = station
        self._active = False
        # The back-off delays of the current run of failures; made at the first failure (a generator at
        # each of a fleet's chargers otherwise), dropped at the next connection.
        self._delays: Iterator[float] | None = None
        self._attempt: asyncio.Future[Any] | None = None  # the connect in progress
        self._pause: TimerHandle | None = None  # the back-off pause in progress
        self._offline_wait = False  # held offline: waiting for connect()
        self._now = False  # reconnect at once, without the back-off pause (was the station's event)
        self._ended: LazyEvent | None = None
        self._queued = False  # waiting for the handshake gate
        self._gated: _HandshakeGate | None = None  # the gate whose place the attempt in progress holds
        self._place_timer: asyncio.TimerHandle | None = None  # ends the place (HANDSHAKE_PLACE_S)

    @property
    def active(self) -> bool:
        return self._active

    def start(self) -> None:
        """Begin connecting (nothing if the cycle already runs)."""
        if self._active:
            return
        self._active = True
        self._delays = None
        if self._ended is not None:
            self._ended.clear()
        self._st._driver.rearm()
        self._top()

    async def ended(self) -> None:
        """Wait until the cycle has ended (at once if it does not run)."""
        if not self._active:
            return
        if self._ended is None:
            self._ended = LazyEvent()
        await self._ended.wait()

    def reconnect_now(self) -> None:
        """Skip the back-off pause in progress, or the next one (a connection setting changed, a reboot,
        connect(), stop()). Held offline, only connect() and stop() end the wait."""
        self._now = True
        # The top runs in a later callback, kept as the pause: halt() cancels it like a pause.
        if self._pause is not None:
            self._pause.cancel()
            self._pause = running_loop().call_soon(self._top)
        elif self._offline_wait and (self._st._stopping or not self._st.held_offline):
            self._offline_wait = False
            self._pause = running_loop().call_soon(self._top)
        elif self._attempt is not None and self._st._stopping:
            self._attempt.cancel()  # its callback goes to the top, which ends the cycle
        elif self._queued and (self._st._stopping or self._st.held_offline):
            self._queued = False  # leaves the gate's queue (skipped there)
            self._pause = running_loop().call_soon(self._top)

    def halt(self) -> None:
        """End at once, from wherever the cycle is (the task running `Station.run` was cancelled): the
        link's cleanup runs now, as it ran when the loop's task was cancelled, and the link is closed."""
        if not self._active:
            return
        self._active = False
        if self._pause is not None:
            self._pause.cancel()
            self._pause = None
        if self._attempt is not None:
            self._attempt.cancel()
            self._attempt = None
        self._leave_gate()
        self._offline_wait = False
        ws = self._st._ws
        if ws is not None:
            ws.when_closed(None)  # the cleanup runs now, not when the close completes
            self._end_side_tasks()
            self._release_link()
            ws.close()
        self._finish()

    # ------------------------------------------------------------------ the steps

    def _finish(self) -> None:
        self._active = False
        if self._ended is not None:
            self._ended.set()

    def _top(self) -> None:
        """The top of the old loop."""
        self._pause = None
        st = self._st
        if not self._active or st._stopping or st.held_offline:
            self._leave_gate()  # a place the gate gave, or one in its queue
        if not self._active:
            return
        if st._stopping:
            self._finish()
            return
        if st.held_offline:
            self._offline_wait = True
            return
        if self._gated is None:  # else the gate let this cycle in already
            gate = _gate()
            if gate.busy >= MAX_HANDSHAKES:
                if not self._queued:
                    self._queued = True
                    gate.waiting.append(self)
                return
            gate.busy += 1
            self._gated = gate
        self._attempt_connect()

    def _leave_gate(self) -> None:
        """Give up the place in the gate, or in its queue (it skips a cycle no longer queued)."""
        self._queued = False
        if self._place_timer is not None:
            self._place_timer.cancel()
            self._place_timer = None
        gate, self._gated = self._gated, None
        if gate is not None:
            gate.release()

    def _place_expired(self) -> None:
        self._place_timer = None
        self._leave_gate()

    def _attempt_connect(self) -> None:
        """A connect attempt, with a place in the gate."""
        st = self._st
        st.connection_attempts += 1
        charger, options = st.charger, st.options
        offered = offered_subprotocols(charger)
        endpoints = st._endpoints
        endpoint = endpoints.current() if endpoints is not None else None
        base = endpoint.url if endpoint is not None else options.url
        level = endpoint.security_profile if endpoint is not None else None
        try:
            check_url(charger.config, base, profile=level)
            opening = st._connect(
                st.url,
                subprotocols=offered,
                additional_headers=basic_auth_headers(
                    charger.config, st.id, http_auth=options.http_auth, profile=level
                ),
                max_size=MAX_FRAME_BYTES,
                open_timeout=10,
                ssl=st._tls_context(base, level),
                compression="deflate" if options.compression else None,
                proxy=options.proxy,
                local_addr=(options.source_address, 0) if options.source_address else None,
            )
            attempt = self._attempt = asyncio.ensure_future(opening)
            self._place_timer = running_loop().call_later(HANDSHAKE_PLACE_S, self._place_expired)
        except Exception as exc:
            self._leave_gate()
            self._failed(exc, endpoints)
            return
        attempt.add_done_callback(functools.partial(self._opened, offered, endpoints, level))

    def _opened(
        self, offered: list[str], endpoints: Endpoints | None, level: int | None, attempt: asyncio.Future[Any]
    ) -> None:
        if self._attempt is attempt:
            self._attempt = None
            self._leave_gate()
        st = self._st
        if attempt.cancelled():
            self._top()  # stop() cancelled it (the top ends the cycle)
            return
        exc = attempt.exception()
        if not self._active:  # halted meanwhile: nobody serves this link
            if exc is None:
                attempt.result().close()
            return
        if isinstance(exc, Exception):
            self._failed(exc, endpoints)
            return
        if exc is not None:  # KeyboardInterrupt, SystemExit: not a failed attempt
            raise exc
        ws: Link = attempt.result()
        if st._stopping or st.held_offline:  # stopped or disconnect()ed while connecting
            ws.close()
            ws.when_closed(self._top)
            return
        picked = ws.subprotocol
        if picked not in offered:
            # The CSMS agreed to none of our versions (OCPP-J 1.6 section 3.1.2; 2.0.1 part 4
            # section 3.1.2: it completes the handshake without the header and closes): we close.
            st.last_error = f"the CSMS accepted none of the subprotocols offered ({', '.join(offered)})"
            ws.close()
            ws.when_closed(self._refused)
            return
        try:
            if picked != st.wire.subprotocol:
                # The CSMS picked another of the versions offered: speak that one from now on.
                st._log.info("the CSMS picked %s", picked)
                records = st._store.event_seq if st._store is not None else None
                st.wire = st.outbox.wire = wire_for(st.charger, picked, records)
            self._delays = None
            if endpoints is not None:
                endpoints.succeeded()
            if level is not None:
                st.charger.security.connected_with(level)  # A05: the profile connected with
                st.after_model()
            st.last_error = None
            st.run_model(st.charger.security.on_connected)
        except Exception as exc:  # in a callback nobody would see it: the link closes, the cycle goes on
            st.last_error = f"{type(exc).__name__}: {exc}"
            st._log.error("connection failed; reconnecting", exc_info=exc)
            ws.close()
            ws.when_closed(self._refused)
            return
        self._serve(ws)

    def _refused(self) -> None:
        """A link closed before it was served (no subprotocol agreed, or its setup failed)."""
        st = self._st
        delay = self._next_delay()
        st._log.warning("%s; connection closed, retry in %.1f s", st.last_error, delay)
        self._pause_for(delay)

    def _failed(self, exc: Exception, endpoints: Endpoints | None) -> None:
        """Whatever a connect attempt raises is a failed attempt, retried after the back-off: a charger
        never stops on a peer's (or a library's) behaviour. picows 2.3, for one, can fail an assertion
        when its handshake times out under load (seen at 40,000 chargers)."""
        st = self._st
        st.last_error = _describe(exc)
        if endpoints is not None:
            endpoints.failed()
        # A CSMS certificate that does not verify is InvalidCentralSystemCertificate (2.0.1:
        # InvalidCsmsCertificate, A05 / TC_A_05; ocpp201/convert.py names it) from the model. A failed
        # attempt may be a security event and, after an upgrade, a fallback (Security Whitepaper
        # section 8, A05.FR.08): the model decides.
        kind, detail, security = failure_kind(exc, st.last_error), st.last_error, st.charger.security
        st.run_model(lambda now: security.on_connect_failed(kind, detail, now))
        delay = self._next_delay()
        st._log.warning(
            "connect to %s failed (%s); retry %d in %.1f s",
            st.url,
            st.last_error,
            st.connection_attempts,
            delay,
        )
        self._pause_for(delay)

    def _next_delay(self) -> float:
        if self._delays is None:
            self._delays = self._st._delays()
        return next(self._delays)

    def _pause_for(self, seconds: float) -> None:
        self._now = False
        clock = self._st.clock
        self._pause = clock.call_at(clock.now() + seconds, self._top)

    # ------------------------------------------------------------------ the connection

    def _serve(self, ws: Link) -> None:
        st = self._st
        st._ws = ws
        if st._link_lost is not None:
            st._link_lost.clear()
        st._log.info("connected to %s", st.url)
        publish_connection(st)
        try:
            st._tasks = True
            st._pings.arm()
            st.outbox.set_online(True)
            st.wire.on_link(True, st.clock.now())
            if st._resume and not st.wire.boots_on_reconnect:
                st.run_model(st.charger.boot.on_reconnected)
            else:
                st.run_model(st.charger.boot.on_connected)
            ws.start(st._exchange)  # frames are handled from here on, in the link's callbacks
        except Exception as exc:  # a charger never exits on a peer's behaviour: log, reconnect
            ws.close()
            self._end_side_tasks()
            self._link_gone(exc)
            return
        # A bound method (a partial with the link was 4 objects, ~0.25 KiB, at each of a fleet's links);
        # halt() detaches it from a link it gives up.
        ws.when_closed(self._closed)

    def _closed(self) -> None:
        """The link is gone: nothing the connection's tasks wait for can happen any more. They end before
        the connection's cleanup (as a TaskGroup's would)."""
        if self._st._ws is None or not self._active:
            return
        side = self._end_side_tasks()
        if side:
            gathered = asyncio.gather(*side, return_exceptions=True)
            gathered.add_done_callback(lambda _: self._link_gone(None))
        else:
            self._link_gone(None)

    def _end_side_tasks(self) -> list[asyncio.Task[None]]:
        st = self._st
        side, st._side_tasks = st._side_tasks or [], None
        for task in side:
            task.cancel()
        st._pings.stop()
        return side

    def _release_link(self) -> None:
        """The connection's cleanup: the station is offline; the model hears of it."""
        st = self._st
        st._tasks = False
        st._ws = None
        if st._link_lost is not None:
            st._link_lost.set()
        st._exchange.forget_call()
        st._resume = st.charger.registration is RegistrationStatus.ACCEPTED
        st.wire.on_link(False, st.clock.now())
        st.outbox.set_online(False)  # keeps or drops the CALL that lost its answer
        st.run_model(st.charger.boot.on_disconnected)
        st._log.info("disconnected")
        publish_connection(st)

    def _link_gone(self, error: Exception | None) -> None:
        st = self._st
        if not self._active:
            return
        try:
            self._release_link()
        except Exception as exc:
            error = error or exc
        if error is not None:
            st.last_error = f"{type(error).__name__}: {error}"
            st._log.error("connection failed; reconnecting", exc_info=error)
        if st._rebooting is not None:
            st._rebooting = None
            st._resume = False
            if st._endpoints is not None:
                st._endpoints.restart()
            st.run_model(st.charger.boot.on_reboot)
        elif not st._stopping and not self._now:
            delay = self._next_delay()
            st._log.warning("connection closed; reconnecting in %.1f s", delay)
            self._pause_for(delay)
            return
        self._now = False
        self._top()


def publish_connection(station: Station) -> None:
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
