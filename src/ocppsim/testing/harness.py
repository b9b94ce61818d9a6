"""Simulated chargers for one test or one scenario, in the running event loop: a fleet on a FakeClock with a
message log, against a central system's URL (the CSMS under test, or the built-in one). What the pytest
plugin (in its own thread) and the scenario runner (in the CLI's loop) both drive.

Time is a FakeClock started at the wall clock's now: timestamps the CSMS sees are current, and nothing
periodic (heartbeats, meter samples, timeouts) happens until a test advances it. Each harness has its own
store in a fresh directory: a charger id used by an earlier test starts with nothing of that test's state."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from ocppsim.app.charger import station_options
from ocppsim.control.text.server import CommandRunner, SessionState
from ocppsim.csms.server import CentralSystem, Responder
from ocppsim.model.types import ChargePointErrorCode, ConfigurationStatus, MessageTrigger
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.interception import clear_overrides
from ocppsim.runtime.message_log import LoggedFrame, MessageLog
from ocppsim.runtime.station import Station
from ocppsim.settings.ini_file import load_settings
from ocppsim.store import Store
from ocppsim.testing.exchanges import Exchange, exchanges, format_frames
from ocppsim.testing.matching import mismatches

__all__ = [
    "DEFAULT_TIMEOUT",
    "SENDABLE",
    "ExpectationError",
    "Harness",
    "SimCharger",
    "advance_clock",
    "refuse_tags",
    "start_builtin_csms",
    "wait_quiet",
]

DEFAULT_TIMEOUT: Final = 5.0  # real seconds a helper waits for the wire, never for simulated time
_POLL: Final = 0.002
# CP->CS messages a `send` can make the charger send through its model (OCPP 1.6 section 5.17
# TriggerMessage semantics: the charger sends them as it would on a trigger), plus DataTransfer.
SENDABLE: Final = {
    "BootNotification": MessageTrigger.BOOT_NOTIFICATION,
    "Heartbeat": MessageTrigger.HEARTBEAT,
    "StatusNotification": MessageTrigger.STATUS_NOTIFICATION,
    "MeterValues": MessageTrigger.METER_VALUES,
    "DiagnosticsStatusNotification": MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION,
    "FirmwareStatusNotification": MessageTrigger.FIRMWARE_STATUS_NOTIFICATION,
}


class ExpectationError(AssertionError):
    """A helper's expectation that did not come true: the message says what was expected and what was
    seen; `frames` are the frames that decided it (a scenario's verdict shows them)."""

    def __init__(self, message: str, frames: list[LoggedFrame] | None = None) -> None:
        super().__init__(message)
        self.frames = frames or []


def refuse_tags(csms: CentralSystem, tags: Iterable[str]) -> Callable[[], None]:
    """Make the built-in central system answer these idTags Invalid (Authorize and StartTransaction
    idTagInfo, sections 4.1, 4.8) while every other tag stays Accepted; returns what undoes it."""
    refused = {t.lower() for t in tags}  # idTokens compare case-insensitively (section 7.19)
    old = {action: csms.responders.get(action) for action in ("Authorize", "StartTransaction")}

    def responder(action: str) -> Responder:
        def answer(charger_id: str, payload: dict[str, Any]) -> Any:
            reply = csms.default_answer(charger_id, action, payload)
            if str(payload.get("idTag", "")).lower() in refused and isinstance(reply, dict):
                reply["idTagInfo"] = {"status": "Invalid"}
            return reply

        return answer

    for action in old:
        csms.responders[action] = responder(action)

    def restore() -> None:
        for action, previous in old.items():
            if previous is None:
                csms.responders.pop(action, None)
            else:
                csms.responders[action] = previous

    return restore


async def start_builtin_csms() -> CentralSystem:
    """The built-in central system on a free loopback port (accepts every charger, authorizes every tag)."""
    csms = CentralSystem(heartbeat_interval=300)
    await csms.start()
    return csms


async def wait_quiet(
    idle: Callable[[], bool],
    timeout: float = DEFAULT_TIMEOUT,
    why: Callable[[], str] | None = None,
    *,
    poll: float = _POLL,
) -> None:
    """Wait (real time, bounded) until `idle()` holds three polls in a row: the chargers have nothing
    queued or in flight (a CALL just answered may start the next one on the following turn)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    stable = 0
    while stable < 3:
        await asyncio.sleep(poll)
        stable = stable + 1 if idle() else 0
        if loop.time() > deadline:
            raise ExpectationError("the chargers never went quiet" + (f": {why()}" if why else ""))


async def advance_clock(clock: FakeClock, seconds: float, quiet: Callable[[], Awaitable[None]]) -> None:
    """Move a FakeClock `seconds` forward one timer at a time, awaiting `quiet()` in between: a heartbeat
    or meter sample due on the way is sent and answered at its own instant, before the next one fires."""
    if seconds < 0:
        raise ValueError("time only moves forward")
    target = clock.now() + seconds
    while True:
        nxt = clock.next_timer()
        if nxt is None or nxt > target:
            break
        await clock.advance(max(0.0, nxt - clock.now()))
        await quiet()
    await clock.advance(target - clock.now())
    await quiet()


class Harness:
    def __init__(
        self,
        url: str,
        *,
        workdir: Path | None = None,
        default_tag: str = "12345678",
        ca_file: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
    ) -> None:
        self.url = url
        self.default_tag = default_tag
        self.tls = {"ca_file": ca_file, "client_cert": client_cert, "client_key": client_key}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="ocppsim-test-")
            workdir = Path(self._tmp.name)
        self.workdir = workdir
        self.clock = FakeClock(start=time.time())
        self.log = MessageLog(per_charger=20_000)
        self.fleet: Fleet | None = None
        self._task: asyncio.Task[None] | None = None
        self.chargers: list[SimCharger] = []

    async def start(self) -> None:
        validators.warm()
        self.fleet = Fleet(clock=self.clock, store=Store(self.workdir), message_log=self.log)
        self._task = asyncio.get_running_loop().create_task(self.fleet.run())
        await asyncio.sleep(0)

    async def close(self) -> None:
        for charger in self.chargers:
            # Expert-mode overrides end with the test or scenario that made them: whatever the chargers
            # send while they stop goes out as the model makes it.
            if charger.station is not None:
                clear_overrides(charger.station)
        if self.fleet is not None:
            self.fleet.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, DEFAULT_TIMEOUT)
            except TimeoutError:
                self._task.cancel()
                with suppress(asyncio.CancelledError):
                    await self._task
        if self.fleet is not None:
            self.fleet.store.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    async def __aenter__(self) -> Harness:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def charger(
        self,
        charger_id: str,
        *,
        connectors: int = 1,
        security_profile: int | None = None,
        authorization_key: str | None = None,
        url: str | None = None,
        **params: Any,
    ) -> SimCharger:
        """A charger, not yet connected (`connect()` starts it): `params` are ChargerParams fields
        (max_offer_a, meter_values_sample_interval, default_profiles, ...)."""
        assert self.fleet is not None, "start() the harness first"
        base = load_settings(None)
        settings = replace(
            base,
            charger=replace(
                base.charger, charge_point_id=charger_id, number_of_connectors=connectors, **params
            ),
            server_url=url or self.url,
            ca_file=Path(self.tls["ca_file"]) if self.tls["ca_file"] else None,
            client_cert=Path(self.tls["client_cert"]) if self.tls["client_cert"] else None,
            client_key=Path(self.tls["client_key"]) if self.tls["client_key"] else None,
        )
        seeds: dict[str, str] = {}
        if authorization_key:
            seeds["AuthorizationKey"] = authorization_key
        if security_profile is not None:
            seeds["SecurityProfile"] = str(security_profile)
        charger = SimCharger(self, settings.charger.charge_point_id, settings, seeds)
        self.chargers.append(charger)
        return charger

    def frames(self) -> list[LoggedFrame]:
        """Every frame of every charger of this harness, in the order they were logged."""
        out = [f for c in self.chargers for f in self.log.frames(c.id)]
        return sorted(out, key=lambda f: f.seq)

    def format_frames(self) -> str:
        return format_frames(self.frames())

    @property
    def idle(self) -> bool:
        return all(c.station is None or c.station.idle for c in self.chargers)

    async def quiet(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait (real time, bounded) until no charger has anything queued or in flight."""

        def pending() -> str:
            waiting = {c.id: c.station.outbox.pending for c in self.chargers if c.station}
            return f"waiting for answers to {waiting}"

        await wait_quiet(lambda: self.idle, timeout, pending)

    async def advance(self, seconds: float) -> None:
        """Move simulated time `seconds` forward (see advance_clock)."""
        await advance_clock(self.clock, seconds, self.quiet)


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(_POLL)
    return True


class SimCharger:
    """One simulated charger of a harness and the helpers a test drives it with. Every wait is bounded by
    a real-time `timeout` (seconds) and fails with an `ExpectationError` that names what was seen instead."""

    def __init__(self, harness: Harness, charger_id: str, settings: Any, seeds: dict[str, str]) -> None:
        self.harness = harness
        self.id = charger_id
        self._settings = settings
        self._seeds = seeds
        self.station: Station | None = None
        self._runner: CommandRunner | None = None

    # ------------------------------------------------------------------ connection

    async def connect(self, *, boot: bool = True, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Start the charger; with `boot`, wait until its BootNotification was answered Accepted and it
        reported every connector's status (OCPP 1.6 section 4.2, 4.9)."""
        fleet = self.harness.fleet
        assert fleet is not None
        if self.station is None:
            options = station_options(self._settings)
            self.station = fleet.add(self._settings.charger, options, config_defaults=dict(self._seeds))
            self._runner = CommandRunner(
                self.station,
                default_tag=self.harness.default_tag,
                on_shutdown=lambda: None,
                vehicles=fleet.vehicles,
            )
        else:
            self.station.connect()
        if boot:
            await _wait_booted(self, timeout)

    async def disconnect(self) -> None:
        """Close the WebSocket (the charger keeps running and queues transaction messages)."""
        self._require().disconnect()
        await _until(lambda: not self._require().online, DEFAULT_TIMEOUT)

    async def reconnect(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Connect again after `disconnect()` and wait until everything queued was sent and answered."""
        station = self._require()
        station.connect()
        if not await _until(lambda: station.online, timeout):
            raise ExpectationError(f"{self.id} did not reconnect to {station.url} within {timeout} s")
        await self.harness.quiet(timeout)

    def _require(self) -> Station:
        if self.station is None:
            raise RuntimeError(f"charger {self.id} is not connected: call connect() first")
        return self.station

    # ------------------------------------------------------------------ driving

    async def command(self, line: str, *, connector: int = 1) -> str:
        """One line of the text command interface (docs/commands.md), its reply line."""
        self._require()
        assert self._runner is not None
        return await self._runner.execute(line, SessionState(connector=connector))

    async def plug(self, connector: int = 1) -> str:
        """The EV's cable is plugged in (Preparing)."""
        return await self.command("plugin", connector=connector)

    async def unplug(self, connector: int = 1) -> str:
        """The cable is pulled: stops a running transaction (EVDisconnected) and waits for its answer."""
        return await self.command("unplug", connector=connector)

    async def tag(self, id_tag: str | None = None, *, connector: int = 1) -> str:
        """A tag at the reader (the text interface's `tag`: plugs in, authorizes, starts charging; during
        a transaction of this connector it stops it). The reply line, e.g. 'Tag Accepted. ...'."""
        return await self.command(f"tag {id_tag or self.harness.default_tag}", connector=connector)

    async def swipe(self, id_tag: str | None = None, *, connector: int = 1) -> str:
        """A badge swipe as the spec has it: before the cable it authorizes and waits for the cable."""
        return await self.command(f"swipe {id_tag or self.harness.default_tag}", connector=connector)

    async def fault(self, error_code: str, info: str = "", *, connector: int = 1) -> str:
        """A hardware fault (StatusNotification with this ChargePointErrorCode, section 7.6)."""
        ChargePointErrorCode(error_code)  # ValueError names a code that does not exist
        return await self.command(f"fault {error_code} {info}".strip(), connector=connector)

    async def clear_fault(self, *, connector: int = 1) -> str:
        return await self.command("nofault", connector=connector)

    def set_config(self, key: str, value: str) -> str:
        """Change a configuration key as ChangeConfiguration would (its validation and status)."""
        station = self._require()
        status: ConfigurationStatus = station.run_model(
            lambda now: station.charger.configuration.change_configuration(key, value, now)
        )
        return status.value

    async def send(
        self, action: str, payload: dict[str, Any] | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> Exchange:
        """Make the charger send a CP->CS message through its model and wait for the CSMS's answer:
        one of SENDABLE (as on a TriggerMessage; `payload` may give connectorId) or DataTransfer
        (`payload`: vendorId, messageId, data)."""
        station = self._require()
        payload = dict(payload or {})
        mark = self.mark()
        if action == "DataTransfer":
            if "vendorId" not in payload:
                raise ValueError("DataTransfer needs a vendorId")
            station.run_model(
                lambda now: station.charger.ev_inputs.data_transfer(
                    str(payload["vendorId"]), payload.get("messageId"), payload.get("data")
                )
            )
        elif action in SENDABLE:
            connector = payload.get("connectorId")
            status = station.run_model(
                lambda now: station.charger.remote_trigger.trigger_message(SENDABLE[action], connector, now)
            )
            if status.value != "Accepted":
                raise ExpectationError(f"{self.id} cannot send {action} now ({status.value}, section 5.17)")
        else:
            raise ValueError(
                f"the charger cannot send {action!r}: one of DataTransfer, {', '.join(SENDABLE)}"
            )
        exchange = await self.expect_call(action, direction="CP->CS", since=mark, timeout=timeout)
        return await self.answered(exchange, timeout=timeout)

    async def answered(self, exchange: Exchange, *, timeout: float = DEFAULT_TIMEOUT) -> Exchange:
        """`exchange` once its answer has come (or as it is after `timeout`)."""

        def find() -> Exchange | None:
            for e in self.calls(exchange.action, since=exchange.call.seq):
                if e.call.seq == exchange.call.seq and e.answer_frame is not None:
                    return e
            return None

        await _until(lambda: find() is not None, timeout)
        return find() or exchange

    # ------------------------------------------------------------------ reading

    def status(self, connector: int = 1) -> str | None:
        """The connector's ChargePointStatus as the charger has it now (None before the first boot)."""
        station = self._require()
        if station.charger.registration is None:
            return None
        return station.charger.connector_status(connector).value

    def view(self, connector: int = 1) -> Any:
        """What `status` shows of a connector (offer, energy, transaction_id, ...): a ConnectorView."""
        station = self._require()
        return station.charger.view(connector, station.clock.now())

    def mark(self) -> int:
        """A position in this charger's frames: pass it as `since` to look only at what comes after."""
        frames = self.harness.log.frames(self.id, limit=1)
        return frames[-1].seq + 1 if frames else 0

    def frames(self, since: int = 0) -> list[LoggedFrame]:
        return self.harness.log.frames(self.id, after_seq=since - 1 if since else None)

    def calls(
        self, action: str | None = None, *, since: int = 0, direction: str | None = None
    ) -> list[Exchange]:
        """Every CALL (with its answer) since `since`, optionally of one action and direction."""
        return [
            e
            for e in exchanges(self.frames(0))
            if e.call.seq >= since
            and (action is None or e.action == action)
            and (direction is None or e.direction == direction)
        ]

    # ------------------------------------------------------------------ expectations

    async def expect_call(
        self,
        action: str,
        *,
        direction: str | None = None,
        since: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
        match: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Exchange:
        """The first CALL of `action` (either direction unless given: "CP->CS" / "CS->CP") since `since`
        whose payload matches `fields` and `match` (testing/matching.py: values, dotted keys, operators,
        predicates), waiting up to `timeout`; with its answer when that came meanwhile."""
        expected = {**(match or {}), **fields}

        def find() -> Exchange | None:
            for e in self.calls(action, since=since, direction=direction):
                if not mismatches(e.payload, expected):
                    return e
            return None

        found: Exchange | None = None

        def seen() -> bool:
            nonlocal found
            found = find()
            return found is not None

        if not await _until(seen, timeout):
            candidates = self.calls(action, since=since, direction=direction)
            wanted = ", ".join(f"{k}={v!r}" for k, v in expected.items())
            lines = [f"expected {action}({wanted}) from {self.id} within {timeout} s"]
            if not candidates:
                others = sorted({e.action for e in self.calls(since=since)})
                lines.append(f"no {action} at all; calls seen: {', '.join(others) or 'none'}")
            for e in candidates[-5:]:
                lines.append(
                    f"  {e.direction} {action} {e.payload}: " + "; ".join(mismatches(e.payload, expected))
                )
            raise ExpectationError("\n".join(lines), [f for e in candidates[-5:] for f in e.frames])
        assert found is not None
        return await self.answered(found, timeout=min(timeout, 1.0)) if found.answer_frame is None else found

    async def expect_no_call(
        self, action: str, *, since: int = 0, within: float = 0.2, **fields: Any
    ) -> None:
        """Fail if a CALL of `action` matching `fields` comes (or came) since `since` within `within` s."""
        try:
            exchange = await self.expect_call(action, since=since, timeout=within, **fields)
        except ExpectationError:
            return
        raise ExpectationError(
            f"unexpected {exchange.direction} {action} {exchange.payload}", exchange.frames
        )

    async def wait_for_status(
        self, status: str, *, connector: int = 1, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Wait until the connector is in `status` (ChargePointStatus, e.g. "Charging")."""
        if not await _until(lambda: self.status(connector) == status, timeout):
            reports = self.calls("StatusNotification", direction="CP->CS")
            mine = [e for e in reports if e.payload.get("connectorId") == connector][-5:]
            raise ExpectationError(
                f"connector {connector} of {self.id} is {self.status(connector)}, not {status},"
                f" after {timeout} s",
                [f for e in mine for f in e.frames],
            )
        await self.harness.quiet(timeout)

    async def advance(self, seconds: float) -> None:
        """Move simulated time (shared by the chargers of this test)."""
        await self.harness.advance(seconds)

    def __repr__(self) -> str:
        return f"<SimCharger {self.id} {'connected' if self.station and self.station.online else 'offline'}>"


async def _wait_booted(charger: SimCharger, timeout: float) -> None:
    """Until the BootNotification was answered Accepted and the last connector's status was sent
    (sections 4.2, 4.9: the charger reports every connector after registering)."""
    station = charger._require()
    n = int(charger._settings.charger.number_of_connectors)
    start = charger.mark()

    def booted() -> bool:
        if station.charger.registration is None or station.charger.registration.value != "Accepted":
            return False
        sent = {
            e.payload.get("connectorId")
            for e in charger.calls("StatusNotification", since=start, direction="CP->CS")
        }
        return n in sent or (station.online and station.idle and charger.status(n) is not None)

    if not await _until(booted, timeout):
        boots = charger.calls("BootNotification")
        raise ExpectationError(
            f"{charger.id} did not boot within {timeout} s: registration "
            f"{station.charger.registration}, {'online' if station.online else 'not connected'} "
            f"to {station.url}" + (f" ({station.last_error})" if station.last_error else ""),
            [f for e in boots for f in e.frames],
        )
    await charger.harness.quiet(timeout)
