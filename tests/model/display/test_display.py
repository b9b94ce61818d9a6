"""The display block (OCPP 2.0.1 part 2 O01-O06, I03): every SetDisplayMessage status, replacement, the
selection of GetDisplayMessages, clearing, validity by start / end and by transaction, what the display
shows by priority and state, and the running cost of transactions."""

from __future__ import annotations

from typing import Any

from charger_fixtures import T0, booted, start_charging

from ocppsim.model.display.block import Display, message_state, running_transaction_ids
from ocppsim.model.display_messages import (
    DisplayMessage,
    DisplayMessageStatus,
    MessageFormat,
    MessagePriority,
    MessageState,
)
from ocppsim.model.types import AvailabilityType, Timestamp

St = DisplayMessageStatus
P = MessagePriority
AT = Timestamp(T0)
ALL_FORMATS = tuple(f.value for f in MessageFormat)
ALL_PRIORITIES = tuple(p.value for p in MessagePriority)


def msg(message_id: int, priority: P = P.NORMAL_CYCLE, **fields: Any) -> DisplayMessage:
    fields.setdefault("format", MessageFormat.UTF8)
    fields.setdefault("content", f"message {message_id}")
    return DisplayMessage(id=message_id, priority=priority, **fields)


def put(
    d: Display,
    m: DisplayMessage,
    *,
    at: float = T0,
    running: frozenset[str] = frozenset(),
    formats: tuple[str, ...] = ALL_FORMATS,
    priorities: tuple[str, ...] = ALL_PRIORITIES,
) -> St:
    return d.set_message(m, Timestamp(at), running, formats=formats, priorities=priorities)


def test_set_statuses() -> None:
    d = Display(capacity=2)
    assert put(d, msg(1, format=MessageFormat.HTML), formats=("UTF8",)) is St.NOT_SUPPORTED_MESSAGE_FORMAT
    assert put(d, msg(1, P.ALWAYS_FRONT), priorities=("NormalCycle",)) is St.NOT_SUPPORTED_PRIORITY
    refused = d.set_message(
        msg(1, state=MessageState.FAULTED),
        AT,
        frozenset(),
        formats=ALL_FORMATS,
        priorities=ALL_PRIORITIES,
        states=("Idle",),
    )
    assert refused is St.NOT_SUPPORTED_STATE
    assert put(d, msg(1, transaction_id="5")) is St.UNKNOWN_TRANSACTION
    assert put(d, msg(1, start=Timestamp(T0 + 10), end=Timestamp(T0 + 10))) is St.REJECTED
    assert d.get_messages(AT, frozenset()) == ()  # nothing refused was kept
    assert put(d, msg(1)) is St.ACCEPTED
    assert put(d, msg(2, transaction_id="5"), running=frozenset({"5"})) is St.ACCEPTED
    assert put(d, msg(3), running=frozenset({"5"})) is St.REJECTED  # full
    assert put(d, msg(1, content="new"), running=frozenset({"5"})) is St.ACCEPTED  # O06 replace


def test_replace_makes_the_message_the_newest() -> None:
    d = Display()
    put(d, msg(1))
    put(d, msg(2))
    put(d, msg(1, content="again"))
    assert [m.id for m in d.get_messages(AT, frozenset())] == [2, 1]


def test_get_by_every_criterion() -> None:
    d = Display()
    put(d, msg(1, state=MessageState.IDLE))
    put(d, msg(2, P.IN_FRONT, state=MessageState.CHARGING))
    put(d, msg(3, P.IN_FRONT))
    none: frozenset[str] = frozenset()
    assert [m.id for m in d.get_messages(AT, none, ids=[3, 1])] == [1, 3]
    assert [m.id for m in d.get_messages(AT, none, priority=P.IN_FRONT)] == [2, 3]
    assert [m.id for m in d.get_messages(AT, none, state=MessageState.CHARGING)] == [2]
    assert d.get_messages(AT, none, ids=[1], priority=P.IN_FRONT) == ()


def test_clear() -> None:
    d = Display()
    put(d, msg(1))
    assert d.clear_message(2, AT, frozenset()) is False
    assert d.clear_message(1, AT, frozenset()) is True
    assert d.count(AT, frozenset()) == 0


def test_end_time_and_transaction_end_remove() -> None:
    d = Display()
    put(d, msg(1, end=Timestamp(T0 + 60)))
    put(d, msg(2, transaction_id="7"), running=frozenset({"7"}))
    assert d.count(Timestamp(T0 + 59), frozenset({"7"})) == 2
    assert d.count(Timestamp(T0 + 60), frozenset({"7"})) == 1  # "after this date/time ... removed"
    assert d.count(Timestamp(T0 + 61), frozenset()) == 0  # O02: its transaction ended


def test_on_display_by_priority_start_and_state() -> None:
    d = Display()
    idle = MessageState.IDLE
    put(d, msg(1))
    put(d, msg(2, start=Timestamp(T0 + 100)))
    assert [m.id for m in d.on_display(AT, frozenset(), idle)] == [1]
    assert [m.id for m in d.on_display(Timestamp(T0 + 100), frozenset(), idle)] == [1, 2]
    put(d, msg(3, P.IN_FRONT, state=MessageState.CHARGING))
    assert [m.id for m in d.on_display(AT, frozenset(), idle)] == [1]  # not its state
    assert [m.id for m in d.on_display(AT, frozenset(), MessageState.CHARGING)] == [3]
    put(d, msg(4, P.ALWAYS_FRONT))
    put(d, msg(5, P.ALWAYS_FRONT))
    assert [m.id for m in d.on_display(AT, frozenset(), idle)] == [5]


def test_costs_kept_while_the_transaction_runs() -> None:
    d = Display()
    assert d.cost_updated("9", 1.5, frozenset()) is False
    assert d.cost_updated("9", 2.25, frozenset({"9"})) is True
    assert d.costs(frozenset({"9"})) == {"9": 2.25}
    assert d.costs(frozenset()) == {}
    d.prune(AT, frozenset())
    assert d.costs(frozenset({"9"})) == {}


def test_station_state_and_running_ids() -> None:
    ch = booted(number_of_connectors=2)
    assert message_state(ch.state) is MessageState.IDLE
    assert running_transaction_ids(ch.state) == frozenset()
    start_charging(ch)
    assert message_state(ch.state) is MessageState.CHARGING
    [c] = [c for c in ch.state.connectors.values() if c.tx is not None]
    assert c.tx is not None and running_transaction_ids(ch.state) == frozenset({str(c.tx.ref)})
    ch = booted(number_of_connectors=2)
    ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
    assert message_state(ch.state) is MessageState.UNAVAILABLE
