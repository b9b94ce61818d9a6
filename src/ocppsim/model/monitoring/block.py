"""The monitoring block (OCPP 2.0.1 use cases N02-N08): the monitors installed on device-model
variables and the events they raise.

- N04 SetVariableMonitoring: one status per item (N04.FR.01); a monitor type the variable's data type
  cannot take is UnsupportedMonitorType (N04.FR.05, part 1 section 4.4); a threshold outside the
  variable's limits (N04.FR.06), a negative delta (N04.FR.14), a severity outside 0-9 or an id no
  monitor has (N04.FR.13) is Rejected; a second monitor of the same type and severity on a variable is
  a Duplicate (N04.FR.10). An id replaces that monitor (N04.FR.12), unless it is hard-wired (N04.FR.18)
  or watches another variable (N04.FR.16); a replaced pre-configured monitor becomes a custom one
  (N04.FR.15) until SetMonitoringBase resets it.
- N03 SetMonitoringBase: All activates every pre-configured monitor and keeps the custom ones
  (N03.FR.03); FactoryDefault removes the custom ones and activates the factory set (N03.FR.04);
  HardWiredOnly removes the custom ones and disables the pre-configured ones (N03.FR.05).
- N05 SetMonitoringLevel: only monitors of that severity or a more severe one report (N05.FR.03).
- N06 ClearVariableMonitoring: Accepted, NotFound (N06.FR.02), Rejected for a monitor the CSMS did not
  install (N06.FR.03: hard-wired and pre-configured ones are the station's).
- N07 / N08: `evaluate(now)` compares each active monitor's variable (its Actual value, read from the
  device model at that instant) with what it saw before. A threshold raises Alerting when the value goes
  beyond it (N07.FR.16, N07.FR.17: beyond, not at) and again with `cleared` when it is back (N07.FR.02);
  a Delta raises when a number moved more than the monitor's value, or any other type changed at all,
  since the monitor was set or last raised (N07.FR.18, N07.FR.19); Periodic every `value` seconds
  since it was set or last raised (N08.FR.06), PeriodicClockAligned on the clock's multiples of `value`
  (N08.FR.07). After a reboot each monitor starts from the value it finds (part 1 section 4.4).
  Offline, events of OfflineQueuingSeverity or more severe are queued, the others dropped (N07.FR.04).

The charger runs `evaluate` whenever it hands out its effects (`Charger.drain`), so every input that
changes a watched value (a status change, a fault, a meter sample, a tick) is seen at its instant.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.device_model.block import ComponentRef, DeviceModel, VariableRef
from ocppsim.model.device_model.variables import AttributeType, DataType, Mutability, VariableSpec
from ocppsim.model.monitoring.keys import (
    ACTIVE_BASE,
    ACTIVE_LEVEL,
    ENABLED,
    MONITORING_BASES,
    MONITORS,
    OFFLINE_QUEUING_SEVERITY,
)
from ocppsim.model.monitoring.monitors import (
    NUMERIC,
    Monitor,
    MonitorKind,
    MonitorType,
    preconfigured,
    supports,
)
from ocppsim.model.monitoring.requests import EventData, NotifyEventReq
from ocppsim.model.outgoing import ConfigChanged

__all__ = ["CRITERIA", "EVENTS_PER_MESSAGE", "MAX_CUSTOM", "MonitorRequest", "Monitoring"]

# How many monitors the CSMS may install: each is persisted in one key, kept small.
MAX_CUSTOM = 100
# Events of one evaluation go in parts of this many (seqNo / tbc, N07.FR.07).
EVENTS_PER_MESSAGE = 50
# MonitoringCriterionEnumType -> the monitor types it selects (N02.FR.12-14).
CRITERIA: dict[str, frozenset[MonitorType]] = {
    "ThresholdMonitoring": frozenset({MonitorType.UPPER_THRESHOLD, MonitorType.LOWER_THRESHOLD}),
    "DeltaMonitoring": frozenset({MonitorType.DELTA}),
    "PeriodicMonitoring": frozenset({MonitorType.PERIODIC, MonitorType.PERIODIC_CLOCK_ALIGNED}),
}


@dataclass(frozen=True, slots=True)
class MonitorRequest:
    """One SetMonitoringData item whose component and variable the device model knows."""

    spec: VariableSpec
    type: MonitorType
    value: float
    severity: int
    transaction: bool = False
    id: int | None = None


def _number(spec: VariableSpec, text: str) -> float | None:
    """A value as a number for the comparisons (dateTime in seconds, part 1 section 4.4)."""
    try:
        if spec.data_type is DataType.DATETIME:
            return datetime.fromisoformat(text).timestamp()
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class Monitoring:
    __slots__ = (
        "_active",
        "_custom",
        "_due",
        "_model",
        "_next_event",
        "_reference",
        "_s",
        "_suppressed",
        "_tripped",
        "busy",
        "next_due",
    )

    def __init__(self, state: ChargerState, model: Callable[[], DeviceModel]) -> None:
        self._s = state
        self._model = model
        self._custom: dict[int, Monitor] = {}
        # Pre-configured ids a custom monitor replaced (N04.FR.15); thresholds whose value is beyond them.
        # Tuples, rarely written: an empty set costs ~200 bytes a charger, a fleet holds thousands.
        self._suppressed: tuple[int, ...] = ()
        self._active: tuple[Monitor, ...] | None = None
        # What each monitor saw last (made at its first evaluation: a reboot starts afresh).
        self._reference: dict[int, str] = {}
        self._tripped: tuple[int, ...] = ()
        self._due: dict[int, float] = {}  # periodic monitors: when they raise next
        self._next_event = 1
        # Plain attributes the charger reads after every input (Charger.drain, next_deadline):
        # `busy`: the next drain must evaluate whatever the input did (a monitor has no first value
        # yet, or custom monitors watch values that change silently); `next_due`: the earliest
        # periodic monitor.
        self.busy = True
        self.next_due: float | None = None
        self._load(state.config.raw(MONITORS))

    # ------------------------------------------------------------------ what is installed

    def _preconfigured(self) -> tuple[Monitor, ...]:
        params = self._s.params
        return preconfigured(self._model().specs, params.number_of_connectors)

    def active(self) -> tuple[Monitor, ...]:
        """The monitors in force, by id: the hard-wired ones, the pre-configured ones the base activates
        and no custom monitor replaced, and the custom ones."""
        if self._active is None:
            station = _station_monitors(self._preconfigured(), self._s.config.raw(ACTIVE_BASE))
            if not self._custom and not self._suppressed:
                self._active = station  # shared by every charger of this shape and base
            else:
                chosen = {m.id: m for m in station if m.id not in self._suppressed}
                chosen.update(self._custom)
                self._active = tuple(chosen[i] for i in sorted(chosen))
        return self._active

    def _changed(self) -> None:
        """Persist the custom monitors (one hidden key, keys.py) and forget the cached active set."""
        self._active = None
        self.busy = True
        entries = [_record(m) for m in self._custom.values()]
        text = json.dumps({"custom": entries, "suppressed": sorted(self._suppressed)}, separators=(",", ":"))
        config = self._s.config
        if text != config.raw(MONITORS):
            config.store(MONITORS, text)
            self._s.emit(ConfigChanged(MONITORS, text))

    def _load(self, text: str) -> None:
        if not text:
            return
        try:
            saved = json.loads(text)
            specs = self._model().specs
            for mid, component, evse, connector, variable, instance, kind, value, severity, tx in saved[
                "custom"
            ]:
                spec = next(
                    (
                        s
                        for s in specs
                        if (s.component, s.evse, s.connector, s.variable, s.instance)
                        == (component, evse, connector, variable, instance)
                    ),
                    None,
                )
                if spec is not None:  # a variable the station no longer has loses its monitor (N04)
                    self._custom[int(mid)] = Monitor(
                        int(mid), spec, MonitorType(kind), float(value), int(severity), transaction=bool(tx)
                    )
            self._suppressed = tuple(int(i) for i in saved["suppressed"])
        except (ValueError, KeyError, TypeError):
            self._custom.clear()  # an unreadable record is dropped whole, not half-applied
            self._suppressed = ()

    def _forget(self, monitor_id: int) -> None:
        self.busy = True
        self._reference.pop(monitor_id, None)
        if monitor_id in self._tripped:
            self._tripped = tuple(i for i in self._tripped if i != monitor_id)
        if self._due.pop(monitor_id, None) is not None:
            self.next_due = min(self._due.values(), default=None)

    # ------------------------------------------------------------------ N04 SetVariableMonitoring

    def set_monitor(self, request: MonitorRequest) -> tuple[str, int | None]:
        """(SetMonitoringStatusEnumType, the monitor's id when Accepted or given)."""
        spec, kind, value = request.spec, request.type, request.value
        if not supports(spec, kind):
            return "UnsupportedMonitorType", request.id
        if not 0 <= request.severity <= 9 or not math.isfinite(value):
            return "Rejected", request.id
        if kind in CRITERIA["ThresholdMonitoring"] and (
            (spec.min_limit is not None and value < spec.min_limit)
            or (spec.max_limit is not None and value > spec.max_limit)
        ):
            return "Rejected", request.id
        if kind is MonitorType.DELTA and value < 0:
            return "Rejected", request.id
        if kind in CRITERIA["PeriodicMonitoring"] and value < 1:
            return "Rejected", request.id  # an interval of whole seconds (part 1 section 4.4)
        active = {m.id: m for m in self.active()}
        existing = active.get(request.id) if request.id is not None else None
        if request.id is not None and (
            existing is None or existing.kind is MonitorKind.HARD_WIRED or existing.spec != spec
        ):
            return "Rejected", request.id
        for m in active.values():
            if m.spec == spec and m.type is kind and m.severity == request.severity and m.id != request.id:
                return "Duplicate", request.id
        if existing is None and len(self._custom) >= MAX_CUSTOM:
            return "Rejected", request.id
        monitor_id = request.id if request.id is not None else max(100, *active, *self._custom) + 1
        monitor = Monitor(monitor_id, spec, kind, value, request.severity, transaction=request.transaction)
        if existing is not None:
            if existing.kind is MonitorKind.PRECONFIGURED:
                self._suppressed = (*self._suppressed, monitor_id)
            # A threshold changed in place keeps whether it was beyond, so that the next evaluation says
            # whether the new one clears it (N07.FR.11); anything else starts afresh.
            if not (existing.is_threshold and existing.type is kind):
                self._forget(monitor_id)
        self._custom[monitor_id] = monitor
        self._changed()
        return "Accepted", monitor_id

    # ------------------------------------------------------------------ N06, N03, N05

    def clear(self, monitor_id: int) -> str:
        """ClearMonitoringStatusEnumType for one id."""
        monitor = next((m for m in self.active() if m.id == monitor_id), None)
        if monitor is None:
            return "NotFound"
        if monitor.kind is not MonitorKind.CUSTOM:
            return "Rejected"
        del self._custom[monitor_id]
        self._forget(monitor_id)  # a cleared threshold sends no `cleared` event (N07.FR.12)
        self._changed()
        return "Accepted"

    def set_base(self, base: str) -> str:
        if base not in MONITORING_BASES:
            return "NotSupported"  # N03.FR.02
        if base != "All":
            for monitor_id in self._custom:
                self._forget(monitor_id)
            self._custom.clear()
            self._suppressed = ()
        for monitor in self._preconfigured():
            if monitor.kind is MonitorKind.PRECONFIGURED:
                self._forget(monitor.id)  # (re)activated: it starts from the value it finds
        config = self._s.config
        config.store(ACTIVE_BASE, base)
        self._s.emit(ConfigChanged(ACTIVE_BASE, base))
        self._changed()
        return "Accepted"

    def set_level(self, severity: int) -> str:
        if not 0 <= severity <= 9:
            return "Rejected"  # N05.FR.02
        self._s.config.store(ACTIVE_LEVEL, str(severity))
        self._s.emit(ConfigChanged(ACTIVE_LEVEL, str(severity)))
        return "Accepted"

    # ------------------------------------------------------------------ N02 GetMonitoringReport

    def report(
        self, criteria: Iterable[str], selectors: Iterable[tuple[ComponentRef, VariableRef | None]]
    ) -> list[Monitor] | None:
        """The active monitors a GetMonitoringReport selects (N02.FR.05-08, .11-21), or None for a
        criterion this station does not know (N02.FR.02)."""
        types: set[MonitorType] = set()
        for criterion in criteria:
            if criterion not in CRITERIA:
                return None
            types |= CRITERIA[criterion]
        chosen = [m for m in self.active() if not types or m.type in types]
        selectors = list(selectors)
        if selectors:
            chosen = [m for m in chosen if any(_selects(c, v, m.spec) for c, v in selectors)]
        return chosen

    # ------------------------------------------------------------------ N07, N08 events

    def deadline(self) -> float | None:
        """When the next periodic monitor raises (None: no periodic monitor is waiting)."""
        return self.next_due

    def evaluate(self, now: float) -> None:
        """Look at every active monitor's value now. The charger skips the call after an input that
        cannot have changed what the station's own monitors watch (Charger.drain) unless `busy`."""
        state = self._s
        config = state.config
        if not config.get_bool(ENABLED):
            return
        active = self.active()
        if not active:
            return
        model = self._model()
        self.busy = bool(self._custom)
        raised: list[EventData] = []
        for monitor in active:
            if monitor.transaction and not self._in_transaction(monitor.spec):
                self._forget(monitor.id)  # inactive: it starts afresh when a transaction runs
                continue
            value = model.read(monitor.spec, AttributeType.ACTUAL, now)
            event = self._check(monitor, value, now)
            if event is not None:
                raised.append(event)
        if raised:
            self._send(raised, now)

    def _in_transaction(self, spec: VariableSpec) -> bool:
        connectors = self._s.connectors
        if spec.evse is not None:
            c = connectors.get(spec.evse)
            return c is not None and c.tx is not None
        return any(c.tx is not None for c in connectors.values())

    def _check(self, monitor: Monitor, value: str, now: float) -> EventData | None:
        mid = monitor.id
        spec = monitor.spec
        if monitor.is_periodic:
            due = self._due.get(mid)
            if due is None:
                self._set_due(mid, self._next_due(monitor, now))
                return None
            if now < due:
                return None
            self._set_due(mid, self._next_due(monitor, now))
            return self._event(monitor, "Periodic", value, now)
        if monitor.is_threshold:
            number = _number(spec, value)
            if number is None:
                return None
            beyond = (
                number > monitor.value
                if monitor.type is MonitorType.UPPER_THRESHOLD
                else number < monitor.value
            )
            was = mid in self._tripped
            if beyond == was:
                return None
            self._tripped = (*self._tripped, mid) if beyond else tuple(i for i in self._tripped if i != mid)
            return self._event(monitor, "Alerting", value, now, cleared=not beyond)
        previous = self._reference.get(mid)
        if previous is None or previous == value:
            self._reference[mid] = value
            return None
        if spec.data_type in NUMERIC or spec.data_type is DataType.DATETIME:
            old, new = _number(spec, previous), _number(spec, value)
            if old is not None and new is not None and abs(new - old) <= monitor.value:
                return None  # N07.FR.18: more than `value` away from the last reported value
        self._reference[mid] = value
        return self._event(monitor, "Delta", value, now)

    def _set_due(self, monitor_id: int, due: float) -> None:
        self._due[monitor_id] = due
        self.next_due = min(self._due.values())

    def _next_due(self, monitor: Monitor, now: float) -> float:
        if monitor.type is MonitorType.PERIODIC:
            return now + monitor.value
        # Clock-aligned: the next multiple of the interval on the station's clock (N08.FR.07).
        wall = float(self._s.ts(now))
        return (math.floor(wall / monitor.value) + 1) * monitor.value - (wall - now)

    def _event(
        self, monitor: Monitor, trigger: str, value: str, now: float, *, cleared: bool = False
    ) -> EventData:
        event_id = self._next_event
        self._next_event += 1
        if monitor.spec.mutability is Mutability.WRITE_ONLY:
            value = ""  # N07.FR.10: a write-only variable's value is not told
        code, info = self._tech(monitor.spec, value)
        c = self._s.connectors.get(monitor.spec.evse) if monitor.spec.evse is not None else None
        tx_ref = c.tx.ref if c is not None and c.tx is not None else None
        return EventData(
            event_id, self._s.ts(now), trigger, value[:2500], monitor, cleared, code, info, tx_ref
        )

    def _tech(self, spec: VariableSpec, value: str) -> tuple[str | None, str | None]:
        """techCode / techInfo: the fault behind a Problem or a Faulted connector (its 1.6 error code)."""
        if value not in ("true", "Faulted"):
            return None, None
        connectors = self._s.connectors
        chosen = [connectors[spec.evse]] if spec.evse in connectors else list(connectors.values())
        fault = next((c.fault for c in chosen if c.fault is not None), None)
        if fault is None:
            return None, None
        return fault.error_code.value, fault.info

    def _send(self, raised: list[EventData], now: float) -> None:
        """The events the monitoring level lets through (N05.FR.03, N07.FR.15), in parts; offline, only
        those to be queued (N07.FR.04, N08.FR.03)."""
        state = self._s
        config = state.config
        level = config.get_int(ACTIVE_LEVEL)
        queue_up_to = config.get_int(OFFLINE_QUEUING_SEVERITY)
        for queued in (True, False):
            chosen = [
                e
                for e in raised
                if e.monitor.severity <= level and (e.monitor.severity <= queue_up_to) is queued
            ]
            if not queued and not state.connected:
                continue
            parts = [chosen[i : i + EVENTS_PER_MESSAGE] for i in range(0, len(chosen), EVENTS_PER_MESSAGE)]
            for seq_no, part in enumerate(parts):
                state.emit(
                    NotifyEventReq(state.ts(now), seq_no, seq_no < len(parts) - 1, tuple(part), queued)
                )


@functools.lru_cache(maxsize=64)
def _station_monitors(preconfigured: tuple[Monitor, ...], base: str) -> tuple[Monitor, ...]:
    """The station's own monitors a base activates (N03.FR.03-05)."""
    return tuple(
        m
        for m in preconfigured
        if m.kind is MonitorKind.HARD_WIRED
        or base == "All"
        or (base == "FactoryDefault" and m.factory_default)
    )


def _record(m: Monitor) -> list[object]:
    spec = m.spec
    place = [spec.component, spec.evse, spec.connector, spec.variable, spec.instance]
    return [m.id, *place, m.type.value, m.value, m.severity, m.transaction]


def _selects(component: ComponentRef, variable: VariableRef | None, spec: VariableSpec) -> bool:
    """A GetMonitoringReport componentVariable: a missing EVSE, connector, variable or instance
    selects all of them (N02.FR.15-21, errata 2023-06 2.3.3); names are case-insensitive."""
    if component.instance is not None or component.name.lower() != spec.component.lower():
        return False
    if component.evse is not None and component.evse != spec.evse:
        return False
    if component.connector is not None and component.connector != spec.connector:
        return False
    if variable is None:
        return True
    if variable.name.lower() != spec.variable.lower():
        return False
    return variable.instance is None or (spec.instance or "").lower() == variable.instance.lower()
