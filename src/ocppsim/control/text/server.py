"""The WebSocket text command interface of the original ocppsim: one line in, one line out, in order,
any path, several clients at once. Binds 127.0.0.1 unless configured otherwise."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from ocppsim.control.connector_actions import data_transfer, present_tag, swipe, unplug
from ocppsim.control.switches import SwitchError, power_cut, set_switch, switch_states
from ocppsim.control.text.commands import (
    Command,
    CommandError,
    format_id_tag_info,
    format_json_status,
    format_number,
    format_status,
    parse_command,
    parse_float_arg,
)
from ocppsim.model.charger import Fault, UnplugOutcome
from ocppsim.model.decimal_text import parse_whole_number
from ocppsim.model.security.events import NAMES_201, SecurityEvent, from_name
from ocppsim.model.types import ChargePointErrorCode, ChargingRateUnit, ResetType
from ocppsim.model.vehicles import VehicleRegistry
from ocppsim.runtime.interception import (
    InterceptionError,
    add_spec,
    clear_overrides,
    overrides,
    remove_override,
    spec_from_words,
)
from ocppsim.runtime.profiles_report import profiles_report
from ocppsim.runtime.station import Station

__all__ = ["HELP", "CommandExecutor", "CommandRunner", "SessionState", "TextServer"]

log = logging.getLogger("ocppsim.control")

LAST_WRITABLE_TIME = 253_402_300_800.0  # 10000-01-01T00:00:00Z

HELP = (
    "Commands: status, jsonstatus, plugin, unplug, tag [id], full, suspend, fullafter [wh], resume, delay, "
    "nodelay, delay_notrans, delay_trans (clears delay_notrans), max [A], clock [s], wait [s], reset, "
    "shutdown, quit (words after a command that takes none are ignored, as in the original); "
    "datatransfer <vendorId> [messageId] [data]; fault <errorCode> [info]; nofault; "
    "profiles [A|W] [seconds] (installed profiles + composite schedules, JSON); "
    "swipe [id] (a badge as the spec has it: before the cable it waits ConnectionTimeOut for it; during a "
    "transaction the same id, or one with the same parentIdTag, stops it); "
    "switch [name on|off | feature_profiles Core,...] (behaviour a test switches on); "
    "powercut [stop] (the power fails and returns; stop: StopTransactions before going down); "
    "intercept [answer|send <Action> <option>... | remove <id>|all] (expert mode: override answers and "
    "messages per action; no argument lists them, JSON); "
    "security_event <type> [techInfo] (e.g. TamperDetectionActivated: security log, pushed when critical); "
    "arrive, depart (a bay sensor: an EV enters / leaves the parking bay, OCPP 2.0.1 TxStartPoint / "
    "TxStopPoint ParkingBayOccupancy; plugin implies arrive, and unplug frees a bay it implied). "
    "Prefix @N (e.g. '@2 plugin') or 'connector N' to address connector N."
)


@dataclass(slots=True)
class SessionState:
    connector: int = 1
    closing: bool = False
    charger: str | None = None  # the fleet interface: the charger this session talks to


class CommandExecutor(Protocol):
    async def execute(self, line: str, session: SessionState) -> str: ...


class CommandRunner:
    """Executes parsed commands against one station; returns the exact reply text."""

    def __init__(
        self,
        station: Station,
        *,
        default_tag: str,
        on_shutdown: Callable[[], None],
        vehicles: VehicleRegistry | None = None,
    ) -> None:
        """`vehicles`: a tag registered there brings its EV (REST API /api/vehicles)."""
        self.station = station
        self.default_tag = default_tag
        self.on_shutdown = on_shutdown
        self.vehicles = vehicles

    async def execute(self, line: str, session: SessionState) -> str:
        try:
            command = parse_command(line)
            return await self._run(command, session)
        except CommandError as exc:
            return f"Error: {exc}"
        except Exception as exc:  # a command must never take the simulator down
            log.exception("command %r failed", line[:200])
            return f"Error: {type(exc).__name__}: {exc}"

    def _connector(self, command: Command, session: SessionState) -> int:
        cid = command.connector if command.connector is not None else session.connector
        if not self.station.charger.has_connector(cid):
            raise CommandError(f"connector {cid} does not exist")
        return cid

    async def _run(self, command: Command, session: SessionState) -> str:
        verb, args = command.verb, command.args
        st = self.station
        ch = st.charger
        c = self._connector(command, session)
        if verb == "status":
            return format_status(ch.view(c, st.clock.now()))
        if verb == "jsonstatus":
            # The contract's nine keys first, unchanged; then the connection state (appended, issue 4).
            return format_json_status(
                ch.view(c, st.clock.now()),
                {
                    "connected": st.online,
                    "registration": ch.registration.value if ch.registration else None,
                    "queued": len(st.outbox),
                },
            )
        if verb == "plugin":
            plugged = st.run_model(lambda now: ch.ev_inputs.plug_in(c, now))
            if not plugged:
                return "Already plugged"
            return f"Cable plugged. Status {ch.connector_status(c).value}"
        if verb == "unplug":
            return await self._unplug(c)
        if verb == "arrive":
            if not st.run_model(lambda now: ch.ev_inputs.arrive(c, now)):
                return "Parking bay already occupied"
            return f"EV in the parking bay. Status {ch.connector_status(c).value}"
        if verb == "depart":
            if not st.run_model(lambda now: ch.ev_inputs.depart(c, now)):
                return "Parking bay already free"
            return f"EV left the parking bay. Status {ch.connector_status(c).value}"
        if verb == "tag":
            return await self._tag(c, args[0] if args else self.default_tag)
        if verb == "swipe":
            return await self._swipe(c, args[0] if args else self.default_tag)
        if verb in ("full", "suspend"):
            if st.run_model(lambda now: ch.ev_inputs.suspend_ev(c, now)):
                return f"Suspended charging. Status: {self._status(c)}"
            return f"Cannot full/suspend in a non current state: {self._status(c)}"
        if verb == "fullafter":
            wh = parse_float_arg(args[0], "fullafter") if args else None
            st.run_model(lambda now: ch.ev_inputs.set_full_after(c, wh, now))
            return f"ok, full after {format_number(wh) if wh is not None else None}"
        if verb == "resume":
            status = st.run_model(lambda now: ch.ev_inputs.resume_ev(c, now))
            return f"Resumed charging. Status: {status.value}"
        if verb == "delay":
            st.run_model(lambda now: ch.ev_inputs.set_delay(c, True, now))
            return "Ok charger delay True"
        if verb == "nodelay":
            st.run_model(lambda now: ch.ev_inputs.set_delay(c, False, now))
            return f"Ok. Status now {self._status(c)}"
        if verb == "delay_notrans":
            st.run_model(lambda now: ch.ev_inputs.set_delay_notrans(c, True, now))
            return "Ok charger delay_notrans True"
        if verb == "delay_trans":
            # The reply names delay_notrans (the flag it clears, now False): the original's reply, fixed
            # byte for byte by the compatibility contract. Like the original and every command the contract
            # gives no argument, extra words are ignored (`delay_trans xyz` is `delay_trans`).
            st.run_model(lambda now: ch.ev_inputs.set_delay_notrans(c, False, now))
            return "Ok charger delay_notrans False"
        if verb == "max":
            amps = parse_float_arg(args[0], "max") if args else None
            if amps is not None and amps < 0:
                raise CommandError("max must be >= 0")
            st.run_model(lambda now: ch.ev_inputs.set_max_usage(c, amps, now))
            return f"Ok. max set to {amps}"
        if verb == "clock":
            offset: float | int = parse_float_arg(args[0], "clock offset") if args else 0
            if not 0 <= st.clock.now() + offset < LAST_WRITABLE_TIME:
                # Every timestamp sent is an ISO 8601 date, four-digit year (1.6 section 3.15 Time notations).
                raise CommandError("clock offset must keep the time between 1970 and 9999")
            # Through the model driver: the change is a security event (SettingSystemTime) to send.
            st.run_model(lambda now: ch.boot.set_clock_offset(float(offset)))
            return f"Offset is now {offset}"
        if verb == "wait":
            seconds = parse_float_arg(args[0], "wait") if args else 5.0
            if not 0 <= seconds <= 86400:
                raise CommandError("wait must be between 0 and 86400 seconds")
            await st.clock.sleep(seconds)
            return "Done waiting"
        if verb == "reset":
            st.run_model(lambda now: ch.boot.reset(ResetType.SOFT, now))
            return "Charger reset successfully - automatic reconnect"
        if verb == "shutdown":
            self.on_shutdown()
            return "Shutting down"
        if verb in ("quit", "exit"):
            session.closing = True
            return "bye"
        if verb == "fault":
            if not args:
                raise CommandError("usage: fault <ChargePointErrorCode> [info...]")
            try:
                code = ChargePointErrorCode(args[0])
            except ValueError:
                raise CommandError(f"unknown error code {args[0]!r}") from None
            info = " ".join(args[1:])[:50] or None  # StatusNotification.info is CiString50
            status = st.run_model(lambda now: ch.availability.set_fault(c, Fault(code, info), now))
            return f"Ok. Status {status.value}"
        if verb == "nofault":
            status = st.run_model(lambda now: ch.availability.set_fault(c, None, now))
            return f"Ok. Status {status.value}"
        if verb == "profiles":
            return self._profiles(args)
        if verb == "switch":
            return self._switch(args)
        if verb == "powercut":
            if args not in ((), ("stop",)):
                raise CommandError("usage: powercut [stop]")
            stopped = power_cut(st, stop_first=bool(args))
            return f"Ok. Power failure, {stopped} transaction(s) stopped (PowerLoss)"
        if verb == "intercept":
            return self._intercept(args)
        if verb == "security_event":
            return self._security_event(args)
        if verb == "datatransfer":
            return await self._data_transfer(args)
        if verb == "connector":
            wanted = parse_whole_number(args[0]) if len(args) == 1 else None
            if wanted is None:
                raise CommandError("usage: connector N")
            if not ch.has_connector(wanted):
                raise CommandError(f"connector {wanted} does not exist")
            session.connector = wanted
            return f"Ok. connector {wanted}"
        return HELP  # help

    def _security_event(self, args: tuple[str, ...]) -> str:
        """A security event the hardware would raise (Security Whitepaper section 8: a tamper sensor,
        memory running out ...), for testing a central system's handling of them."""
        # A 2.0.1 charger also knows the 2.0.1 names (part 2 appendix 1: four renamed, two new) and
        # pushes what 2.0.1 calls critical; the reply names the event as it was asked for.
        v201 = "2.0.1" in self.station.charger.params.ocpp_versions
        event = from_name(args[0], v201=v201) if args else None
        if event is None:
            raise CommandError(
                "usage: security_event <" + "|".join(e.value for e in SecurityEvent) + "> [techInfo]"
            )
        renamed = NAMES_201.get(event.value, "")
        name = renamed if v201 and args[0].lower() == renamed.lower() else event.value
        info = " ".join(args[1:]) or None
        security = self.station.charger.security
        pushed = self.station.run_model(lambda now: security.event(event, now, info))
        return f"Ok. {name} " + ("pushed" if pushed else "logged")

    def _status(self, connector: int) -> str:
        view = self.station.charger.view(connector, self.station.clock.now())
        return view.status.value if view.status else "None"

    async def _tag(self, c: int, id_tag: str) -> str:
        if len(id_tag) > 20:
            raise CommandError("id tag longer than 20 characters (OCPP IdToken is CiString20)")
        result = await present_tag(self.station, c, id_tag, vehicles=self.vehicles, registered_only=True)
        if result.stopping:
            return "Ok, stopping transaction. Reason local"
        outcome = result.outcome
        if outcome is None:
            return "Tag not accepted. Error: no answer to Authorize"
        if outcome.reserved_for_other:
            # Section 5.13: the connector is reserved for another idTag (and parent idTag).
            return "Tag not accepted. Error: Reserved"
        if outcome.unusable:
            return f"Tag not accepted. Error: {self._status(c)}"  # Unavailable or Faulted
        if outcome.withdrawn:
            # Not in the original (it had no unplug during Authorize): the driver left before the answer.
            return "Tag not accepted. Error: EV unplugged while authorizing"
        if not outcome.accepted:
            return f"Tag not accepted. Error: {outcome.auth_status.value}"
        return f"Tag Accepted. Parent: {outcome.parent_id_tag or ''}, new status: {self._status(c)}"

    async def _swipe(self, c: int, id_tag: str) -> str:
        """An extension beside the contract's `tag` (whose replies stay as they are): sections 3.10, 4.1,
        4.10, 9.1 ConnectionTimeOut."""
        if len(id_tag) > 20:
            raise CommandError("id tag longer than 20 characters (OCPP IdToken is CiString20)")
        result = await swipe(self.station, c, id_tag, vehicles=self.vehicles)
        if result.stopping:
            if result.had_transaction:
                return "Ok, stopping transaction. Reason local"
            return f"Ok, cancelled before the cable. Status {self._status(c)}"
        if result.in_use:
            return f"Nothing done: the connector waits for another idTag. Status {self._status(c)}"
        outcome = result.outcome
        if outcome is None:
            return "Tag not accepted. Error: no answer to Authorize"
        parent = outcome.parent_id_tag or ""
        if outcome.stopped:
            return f"Ok, stopping transaction. Reason local. Parent: {parent}"
        if outcome.stopped is False:
            if not outcome.accepted:
                return f"Not stopped: tag not accepted ({outcome.auth_status.value})"
            return f"Not stopped: parent {parent!r} is not the transaction's. Status {self._status(c)}"
        if outcome.reserved_for_other:
            return "Tag not accepted. Error: Reserved"
        if outcome.unusable:
            return f"Tag not accepted. Error: {self._status(c)}"
        if not outcome.accepted:
            return f"Tag not accepted. Error: {outcome.auth_status.value}"
        return f"Tag Accepted. Parent: {parent}, new status: {self._status(c)}"

    def _profiles(self, args: tuple[str, ...]) -> str:
        """Installed profiles (OCPP JSON, with their connector) and each connector's composite schedule for
        the next hour (or `profiles W` / `profiles A 7200`), as one JSON line."""
        unit = ChargingRateUnit.AMPS
        duration = 3600
        for arg in args:
            if arg in ("A", "W"):
                unit = ChargingRateUnit(arg)
            elif 0 < (seconds := parse_whole_number(arg) or 0) <= 7 * 86400:
                duration = seconds
            else:
                raise CommandError("usage: profiles [A|W] [seconds]")
        start = float(int(self.station.clock.now()))
        return json.dumps(profiles_report(self.station.charger, start, duration, unit))

    def _switch(self, args: tuple[str, ...]) -> str:
        """`switch`: every switch as JSON; `switch <name> on|off`; `switch feature_profiles Core,...`."""
        if not args:
            return json.dumps(switch_states(self.station))
        if len(args) != 2:
            raise CommandError("usage: switch [<name> on|off] | switch feature_profiles Core,...")
        try:
            value = set_switch(self.station, args[0], args[1])
        except SwitchError as exc:
            raise CommandError(str(exc)) from None
        shown = ",".join(value) if isinstance(value, list) else ("on" if value else "off")
        return f"Ok. {args[0]} {shown}"

    def _intercept(self, args: tuple[str, ...]) -> str:
        """Expert mode (runtime/interception.py): `intercept` lists the overrides as JSON;
        `intercept answer|send <Action> <option>...` adds one; `intercept remove <id>|all`."""
        st = self.station
        if not args:
            return json.dumps([o.as_dict() for o in overrides(st)])
        if args[0] == "remove":
            if len(args) != 2:
                raise CommandError("usage: intercept remove <id>|all")
            if args[1] == "all":
                return f"Ok. removed {clear_overrides(st)}"
            wanted = parse_whole_number(args[1])
            if wanted is None or remove_override(st, wanted) is None:
                raise CommandError(f"no override {args[1]!r}")
            return f"Ok. removed #{args[1]}"
        try:
            override = add_spec(st, spec_from_words(args))
        except InterceptionError as exc:
            raise CommandError(str(exc)) from None
        spec = override.spec
        return f"Ok. intercept #{override.id} {spec.target} {spec.action}: {spec.describe()}"

    async def _data_transfer(self, args: tuple[str, ...]) -> str:
        if not args or len(args[0]) > 255:
            raise CommandError("usage: datatransfer <vendorId> [messageId] [data...]")
        message_id = args[1] if len(args) > 1 else None
        result = await data_transfer(self.station, args[0], message_id, " ".join(args[2:]) or None)
        if result is None:
            return "DataTransfer failed: no answer from the central system"
        return f"DataTransfer status: {result.get('status')}, data: {result.get('data')}"

    async def _unplug(self, c: int) -> str:
        result = await unplug(self.station, c)
        if result.outcome is UnplugOutcome.NOTHING:
            return "Ok, nothing to do"
        if result.outcome is UnplugOutcome.AVAILABLE:
            return "Ok, status change to available"
        if result.outcome is UnplugOutcome.EV_SIDE_SUSPENDED:
            return f"Ok, EV side disconnected, transaction continues. Status {self._status(c)}"
        return f"Succesfully stopped transaction. id_tag_info: {format_id_tag_info(result.id_tag_info)}"


class TextServer:
    def __init__(self, runner: CommandExecutor, *, before_reply: Callable[[], None] | None = None) -> None:
        """`before_reply`: makes what the command did durable (the store's commit) before the reply."""
        self.runner = runner
        self._before_reply = before_reply
        self._server: Server | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        # Large max_size: an oversized command gets an `Error:` line instead of a closed session.
        self._server = await serve(self._handler, host, port, max_size=1 << 20)
        self.port = next(iter(self._server.sockets)).getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handler(self, ws: ServerConnection) -> None:
        session = SessionState()
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    try:
                        line = message.decode("utf-8")
                    except UnicodeDecodeError:
                        await ws.send("Error: commands must be UTF-8 text")
                        continue
                else:
                    line = message
                reply = await self.runner.execute(line, session)
                if self._before_reply is not None:
                    self._before_reply()
                await ws.send(reply)
                if session.closing:
                    await ws.close()
                    return
        except ConnectionClosed:
            pass
        finally:
            closed = getattr(self.runner, "session_closed", None)
            if closed is not None:
                await closed(session)
