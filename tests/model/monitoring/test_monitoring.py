"""The monitoring block (model/monitoring/, OCPP 2.0.1 N02-N08) driven with explicit `now`: what a
SetVariableMonitoring answers, what the bases, the level and ClearVariableMonitoring do, and the events
the monitors raise as the charger's values change (status, faults, power, time), offline included."""

from __future__ import annotations

from typing import Any

from charger_fixtures import ACCEPTED, T0, booted, start_charging

from ocppsim.model.charger import Charger, ChargerParams, Fault
from ocppsim.model.device_model.block import ComponentRef, VariableRef
from ocppsim.model.device_model.variables import VariableSpec
from ocppsim.model.monitoring.block import Monitoring, MonitorRequest
from ocppsim.model.monitoring.keys import ACTIVE_BASE, MONITORS
from ocppsim.model.monitoring.monitors import MonitorKind, MonitorType
from ocppsim.model.monitoring.requests import EventData, NotifyEventReq
from ocppsim.model.outgoing import AuthorizeReq, ConfigChanged, StartTransactionReq
from ocppsim.model.types import ChargePointErrorCode

UPPER = MonitorType.UPPER_THRESHOLD
LOWER = MonitorType.LOWER_THRESHOLD
DELTA = MonitorType.DELTA


def charger(**params: Any) -> Charger:
    return booted(ocpp_versions=("2.0.1",), **params)


def monitoring(ch: Charger) -> Monitoring:
    assert ch.monitoring is not None
    return ch.monitoring


def spec(
    ch: Charger, component: str, variable: str, evse: int | None = None, connector: int | None = None
) -> VariableSpec:
    found, unknown = ch.device_model().find(
        ComponentRef(component, None, evse, connector), VariableRef(variable)
    )
    assert found is not None, unknown
    return found


def power(ch: Charger) -> VariableSpec:
    return spec(ch, "EVSE", "Power", 1)


def events(effects: list[Any]) -> list[EventData]:
    return [e for r in effects if isinstance(r, NotifyEventReq) for e in r.events]


def seen(effects: list[Any]) -> list[tuple[str, str, str, str]]:
    return [
        (e.monitor.spec.component, e.monitor.spec.variable, e.trigger, e.actual_value)
        for e in events(effects)
    ]


def charge(ch: Charger, now: float) -> list[Any]:
    """As charger_fixtures.start_charging, keeping every effect on the way."""
    ch.ev_inputs.plug_in(1, now)
    ch.authorization.present_tag(1, "TAG", now)
    effects = ch.drain()
    req = next(e for e in effects if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(req, ACCEPTED, now)
    effects += ch.drain()
    start = next(e for e in effects if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(start.tx_ref, 42, ACCEPTED, now)
    return effects + ch.drain()


def test_a_1_6_charger_has_no_monitors() -> None:
    assert booted().monitoring is None


def test_the_station_comes_with_its_monitors() -> None:
    ch = charger(number_of_connectors=2)
    active = monitoring(ch).active()
    assert [(m.id, m.kind, m.spec.component, m.spec.variable, m.spec.evse) for m in active] == [
        (1, MonitorKind.HARD_WIRED, "ChargingStation", "Problem", None),
        (2, MonitorKind.PRECONFIGURED, "ChargingStation", "AvailabilityState", None),
        (11, MonitorKind.PRECONFIGURED, "Connector", "AvailabilityState", 1),
        (12, MonitorKind.PRECONFIGURED, "Connector", "AvailabilityState", 2),
    ]
    assert events(ch.drain()) == []  # nothing changed since the start (a reboot starts afresh)


def test_a_connector_status_change_is_a_delta_event() -> None:
    ch = charger()
    ch.ev_inputs.plug_in(1, T0 + 5)
    effects = ch.drain()
    [req] = [r for r in effects if isinstance(r, NotifyEventReq)]
    assert (req.seq_no, req.tbc, req.queued, float(req.generated_at)) == (0, False, False, T0 + 5)
    [event] = req.events
    assert (event.trigger, event.actual_value, event.monitor.id, event.monitor.kind) == (
        "Delta",
        "Occupied",
        11,
        MonitorKind.PRECONFIGURED,
    )
    ch.ev_inputs.unplug(1, T0 + 6)
    [again] = events(ch.drain())
    assert again.actual_value == "Available" and again.event_id == event.event_id + 1


def test_a_fault_raises_the_hard_wired_problem_monitor_with_its_code() -> None:
    ch = charger()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE, "RCD tripped"), T0 + 1)
    raised = events(ch.drain())
    assert [(e.monitor.id, e.actual_value, e.tech_code, e.tech_info) for e in raised] == [
        (1, "true", "GroundFailure", "RCD tripped"),
        (11, "Faulted", "GroundFailure", "RCD tripped"),
    ]
    ch.availability.set_fault(1, None, T0 + 2)
    assert [(e.monitor.id, e.actual_value, e.tech_code) for e in events(ch.drain())] == [
        (1, "false", None),
        (11, "Available", None),
    ]


def test_set_monitor_statuses() -> None:
    ch = charger()
    m = monitoring(ch)
    problem = spec(ch, "ChargingStation", "Problem")
    state = spec(ch, "EVSE", "AvailabilityState", 1)
    date = spec(ch, "ClockCtrlr", "DateTime")
    # Part 1 section 4.4: thresholds only on numbers, periodic not on dateTime (N04.FR.05).
    assert m.set_monitor(MonitorRequest(problem, UPPER, 1, 5)) == ("UnsupportedMonitorType", None)
    assert m.set_monitor(MonitorRequest(state, LOWER, 1, 5)) == ("UnsupportedMonitorType", None)
    assert m.set_monitor(MonitorRequest(date, MonitorType.PERIODIC, 60, 5)) == (
        "UnsupportedMonitorType",
        None,
    )
    assert m.set_monitor(MonitorRequest(power(ch), UPPER, 1e9, 5)) == (
        "Rejected",
        None,
    )  # N04.FR.06: > maxLimit
    assert m.set_monitor(MonitorRequest(power(ch), DELTA, -1, 5)) == ("Rejected", None)  # N04.FR.14
    assert m.set_monitor(MonitorRequest(power(ch), DELTA, 100, 10)) == ("Rejected", None)  # severity 0-9
    assert m.set_monitor(MonitorRequest(power(ch), MonitorType.PERIODIC, 0, 5)) == ("Rejected", None)
    assert m.set_monitor(MonitorRequest(power(ch), DELTA, 100, 5, id=4242)) == ("Rejected", 4242)  # N04.FR.13
    status, first = m.set_monitor(MonitorRequest(power(ch), UPPER, 5000, 4))
    assert status == "Accepted" and first is not None and first > 100  # N04.FR.11: the station's id
    # N04.FR.10: the same type and severity on a variable again is a Duplicate, another severity is not.
    assert m.set_monitor(MonitorRequest(power(ch), UPPER, 6000, 4)) == ("Duplicate", None)
    status, second = m.set_monitor(MonitorRequest(power(ch), UPPER, 6000, 3))
    assert status == "Accepted" and second == first + 1
    # N04.FR.12 replaces; N04.FR.16 not onto another variable; N04.FR.18 never a hard-wired one.
    assert m.set_monitor(MonitorRequest(power(ch), UPPER, 7000, 4, id=first)) == ("Accepted", first)
    assert m.set_monitor(MonitorRequest(state, DELTA, 1, 4, id=first)) == ("Rejected", first)
    assert m.set_monitor(MonitorRequest(problem, DELTA, 1, 1, id=1)) == ("Rejected", 1)
    assert [(x.id, x.value) for x in m.active() if x.id > 100] == [(first, 7000.0), (second, 6000.0)]
    # N04.FR.15: a replaced pre-configured monitor is a custom one from then on.
    connector = spec(ch, "Connector", "AvailabilityState", 1, 1)
    assert m.set_monitor(MonitorRequest(connector, DELTA, 1, 6, id=11)) == ("Accepted", 11)
    [eleven] = [x for x in m.active() if x.id == 11]
    assert (eleven.kind, eleven.severity) == (MonitorKind.CUSTOM, 6)


def test_upper_threshold_alerts_and_clears() -> None:
    ch = charger()
    m = monitoring(ch)
    _, mid = m.set_monitor(MonitorRequest(power(ch), UPPER, 1000, 4))
    ch.drain()
    alert = [e for e in events(charge(ch, T0 + 1)) if e.monitor.id == mid]
    assert [(e.trigger, e.cleared, float(e.actual_value) > 1000) for e in alert] == [
        ("Alerting", False, True)
    ]
    ch.ev_inputs.unplug(1, T0 + 100)
    cleared = [e for e in events(ch.drain()) if e.monitor.id == mid]
    assert [(e.trigger, e.cleared, e.actual_value) for e in cleared] == [("Alerting", True, "0")]


def test_a_numeric_delta_waits_for_more_than_its_value() -> None:
    ch = charger()
    m = monitoring(ch)
    _, small = m.set_monitor(MonitorRequest(power(ch), DELTA, 10, 5))
    m.set_monitor(MonitorRequest(power(ch), DELTA, 1e6, 6))
    ch.drain()
    raised = [e.monitor.id for e in events(charge(ch, T0 + 1)) if e.monitor.spec == power(ch)]
    assert raised == [small]


def test_periodic_and_clock_aligned_monitors() -> None:
    ch = charger()
    m = monitoring(ch)
    _, periodic = m.set_monitor(MonitorRequest(power(ch), MonitorType.PERIODIC, 60, 5))
    _, aligned = m.set_monitor(MonitorRequest(power(ch), MonitorType.PERIODIC_CLOCK_ALIGNED, 900, 5))
    ch.drain()
    assert ch.next_deadline() == T0 + 60  # T0 is 800 s past a quarter hour: the aligned one is later
    ch.tick(T0 + 60)
    assert [(e.monitor.id, e.trigger, e.actual_value) for e in events(ch.drain())] == [
        (periodic, "Periodic", "0")
    ]
    quarter = (T0 // 900 + 1) * 900
    assert m.deadline() == quarter
    ch.tick(quarter)
    assert [e.monitor.id for e in events(ch.drain())] == [aligned]
    assert m.deadline() == T0 + 120


def test_the_monitoring_level_filters_events() -> None:
    ch = charger()
    m = monitoring(ch)
    assert m.set_level(10) == "Rejected"  # N05.FR.02
    assert m.set_level(5) == "Accepted"
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert events(ch.drain()) == []  # the connector monitor is severity 8 (N05.FR.03)
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.OTHER_ERROR), T0 + 2)
    assert [e.monitor.id for e in events(ch.drain())] == [1]  # the Problem monitor is severity 2


def test_monitoring_bases() -> None:
    ch = charger()
    m = monitoring(ch)
    _, custom = m.set_monitor(MonitorRequest(power(ch), DELTA, 100, 5))
    assert m.set_base("HardWiredOnly") == "Accepted"  # N03.FR.05
    assert [x.id for x in m.active()] == [1]
    assert m.set_base("FactoryDefault") == "Accepted"  # N03.FR.04: the factory set
    assert [x.id for x in m.active()] == [1, 11]
    _, custom = m.set_monitor(MonitorRequest(power(ch), DELTA, 100, 5))
    assert m.set_base("All") == "Accepted"  # N03.FR.03: custom monitors stay
    assert [x.id for x in m.active()] == [1, 2, 11, custom]
    assert ch.config.raw(ACTIVE_BASE) == "All"
    assert m.set_base("Everything") == "NotSupported"


def test_clear_monitors() -> None:
    ch = charger()
    m = monitoring(ch)
    _, custom = m.set_monitor(MonitorRequest(power(ch), DELTA, 100, 5))
    assert custom is not None
    assert [m.clear(i) for i in (custom, custom, 1, 11)] == ["Accepted", "NotFound", "Rejected", "Rejected"]


def test_offline_events_are_queued_by_severity() -> None:
    ch = charger()
    ch.boot.on_disconnected(T0 + 1)
    ch.ev_inputs.plug_in(1, T0 + 2)
    assert events(ch.drain()) == []  # severity 8 > OfflineQueuingSeverity 2: dropped (N07.FR.04)
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.OTHER_ERROR), T0 + 3)
    [req] = [r for r in ch.drain() if isinstance(r, NotifyEventReq)]
    assert req.queued and req.transaction_related  # kept through the outage
    assert [e.monitor.id for e in req.events] == [1]


def test_transaction_monitors_watch_only_during_a_transaction() -> None:
    ch = charger()
    m = monitoring(ch)
    _, mid = m.set_monitor(MonitorRequest(power(ch), MonitorType.PERIODIC, 10, 5, transaction=True))
    ch.drain()
    assert m.deadline() is None
    start_charging(ch, T0 + 1)
    ch.drain()
    assert m.deadline() == T0 + 11
    ch.tick(T0 + 11)
    assert [e.monitor.id for e in events(ch.drain())] == [mid]


def test_enabled_false_silences_every_monitor() -> None:
    ch = charger()
    ch.config.store("MonitoringCtrlr.Enabled", "false")
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert events(ch.drain()) == []


def test_report_by_criteria_and_component() -> None:
    ch = charger(number_of_connectors=2)
    m = monitoring(ch)
    _, upper = m.set_monitor(MonitorRequest(power(ch), UPPER, 1000, 4))
    _, periodic = m.set_monitor(MonitorRequest(power(ch), MonitorType.PERIODIC, 60, 4))
    assert [x.id for x in m.report(["ThresholdMonitoring"], [])] == [upper]
    assert [x.id for x in m.report(["PeriodicMonitoring", "ThresholdMonitoring"], [])] == [upper, periodic]
    assert [x.id for x in m.report([], [(ComponentRef("connector"), None)])] == [11, 12]  # every EVSE
    assert [
        x.id for x in m.report([], [(ComponentRef("Connector", evse=2), VariableRef("AvailabilityState"))])
    ] == [12]
    assert m.report(["DeltaMonitoring"], [(ComponentRef("EVSE", evse=1), VariableRef("Power"))]) == []
    assert m.report(["Nonsense"], []) is None


def test_custom_monitors_survive_a_reboot() -> None:
    ch = charger()
    m = monitoring(ch)
    _, mid = m.set_monitor(MonitorRequest(power(ch), UPPER, 1000, 4, transaction=True))
    m.set_monitor(MonitorRequest(spec(ch, "Connector", "AvailabilityState", 1, 1), DELTA, 1, 3, id=11))
    saved = {e.key: e.value for e in ch.drain() if isinstance(e, ConfigChanged)}
    assert MONITORS in saved
    again = Charger(ChargerParams("CP", ocpp_versions=("2.0.1",)), now=T0, config_overrides=saved)
    restored = monitoring(again).active()
    assert [(x.id, x.kind, x.value, x.severity, x.transaction) for x in restored if x.id in (11, mid)] == [
        (11, MonitorKind.CUSTOM, 1.0, 3, False),
        (mid, MonitorKind.CUSTOM, 1000.0, 4, True),
    ]
    again.boot.on_connected(T0)
    assert events(again.drain()) == []  # a new momentary value after the reboot


def test_a_reactivated_monitor_starts_from_the_value_it_finds() -> None:
    ch = charger()
    m = monitoring(ch)
    m.set_base("HardWiredOnly")
    ch.drain()
    ch.ev_inputs.plug_in(1, T0 + 1)
    assert events(ch.drain()) == []  # the connector's monitor is disabled
    m.set_base("All")
    assert events(ch.drain()) == []  # Occupied is where it starts, not a change
    ch.ev_inputs.unplug(1, T0 + 2)
    assert [(e.monitor.id, e.actual_value) for e in events(ch.drain())] == [(11, "Available")]
