"""The station's display (OCPP 2.0.1 part 2 O Display Message) and the running cost of its transactions
(I03 "Show EV Driver running total cost during charging", CostUpdated). Pure: every call takes the
instant as the CSMS's time (`ChargerState.ts(now)`) and, where it matters, the transactions running then.

- O01 / O06: SetDisplayMessage stores a message by id; the same id replaces it (O06). A format or
  priority the display does not support is refused with NotSupportedMessageFormat / NotSupportedPriority
  (the supported ones are DisplayMessageCtrlr.SupportedFormats / SupportedPriorities), a state it does not
  support with NotSupportedState, a full store (DisplayMessageCtrlr.DisplayMessages maxLimit) or a start
  after the end with Rejected.
- O02: a message for a transaction that does not run is refused (UnknownTransaction); it is removed when
  the transaction ends.
- endDateTime: "after this date/time this message SHALL be removed" (MessageInfoType). Removal is done
  when the store is next looked at (every read prunes first): nothing can observe a message in between,
  so the display needs no timer of its own.
- O03 / O04: GetDisplayMessages selects by ids, priority and state (all given must match).
- O05: ClearDisplayMessage removes a message by id (Accepted) or answers Unknown.
- What is shown now (`on_display`): the messages whose start has come and whose state (if any) is the
  station's; the newest AlwaysFront alone ("when a newer message with this priority is received, this
  message is replaced"), else the InFront ones (cycled), else the NormalCycle ones (cycled).

Nothing here is persisted across a restart: neither part 6 nor the errata of this 2.0.1 edition ask for
it, and the test tool's persistence case for display messages (TC_O_20) is one of OCPP 2.1's; a CSMS
sets its messages again after the BootNotification. (Checked against those texts only: part 2's O01
requirements are not at hand here.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.display_messages import (
    DISPLAY_CAPACITY,
    DisplayMessage,
    DisplayMessageStatus,
    MessagePriority,
    MessageState,
)
from ocppsim.model.types import ChargePointStatus, Timestamp

__all__ = ["Display", "message_state", "running_transaction_ids"]

P = MessagePriority
St = DisplayMessageStatus
CS = ChargePointStatus


def running_transaction_ids(state: ChargerState) -> frozenset[str]:
    """The 2.0.1 transactionIds of the transactions running now: the station names a transaction by the
    decimal text of its reference (ocpp201/convert.py `transaction_id`). Messages (O02) and costs (I03)
    bound to any other transaction have ended."""
    return frozenset(str(c.tx.ref) for c in state.connectors.values() if c.tx is not None)


def message_state(state: ChargerState) -> MessageState:
    """The station's MessageStateEnumType for `on_display`: Charging while a transaction runs, Faulted or
    Unavailable when the station (or every EVSE) is, else Idle."""
    connectors = state.connectors.values()
    if any(c.tx is not None for c in connectors):
        return MessageState.CHARGING
    statuses = {c.status for c in connectors}
    if state.status0 is CS.FAULTED or statuses == {CS.FAULTED}:
        return MessageState.FAULTED
    if state.status0 is CS.UNAVAILABLE or statuses <= {CS.UNAVAILABLE, CS.FAULTED}:
        return MessageState.UNAVAILABLE
    return MessageState.IDLE


class Display:
    __slots__ = ("_costs", "_messages", "capacity")

    def __init__(self, capacity: int = DISPLAY_CAPACITY) -> None:
        self.capacity = capacity
        # By id, oldest first: a replaced message (O06) is the newest (AlwaysFront: the newest wins).
        self._messages: dict[int, DisplayMessage] = {}
        self._costs: dict[str, float] = {}

    # ------------------------------------------------------------------ O01, O02, O06

    def set_message(
        self,
        message: DisplayMessage,
        at: Timestamp,
        running: Collection[str],
        *,
        formats: Collection[str],
        priorities: Collection[str],
        states: Collection[str] = tuple(MessageState),
    ) -> DisplayMessageStatus:
        self.prune(at, running)
        if message.format.value not in formats:
            return St.NOT_SUPPORTED_MESSAGE_FORMAT
        if message.priority.value not in priorities:
            return St.NOT_SUPPORTED_PRIORITY
        if message.state is not None and message.state.value not in states:
            return St.NOT_SUPPORTED_STATE
        if message.transaction_id is not None and message.transaction_id not in running:
            return St.UNKNOWN_TRANSACTION
        if message.start is not None and message.end is not None and message.start >= message.end:
            return St.REJECTED  # it would never be shown
        messages = self._messages
        if message.id not in messages and len(messages) >= self.capacity:
            return St.REJECTED
        messages.pop(message.id, None)
        messages[message.id] = message
        return St.ACCEPTED

    # ------------------------------------------------------------------ O03, O04, O05

    def get_messages(
        self,
        at: Timestamp,
        running: Collection[str],
        *,
        ids: Iterable[int] | None = None,
        priority: MessagePriority | None = None,
        state: MessageState | None = None,
    ) -> tuple[DisplayMessage, ...]:
        self.prune(at, running)
        wanted = set(ids) if ids is not None else None
        return tuple(
            m
            for m in self._messages.values()
            if (wanted is None or m.id in wanted)
            and (priority is None or m.priority is priority)
            and (state is None or m.state is state)
        )

    def clear_message(self, message_id: int, at: Timestamp, running: Collection[str]) -> bool:
        self.prune(at, running)
        return self._messages.pop(message_id, None) is not None

    def count(self, at: Timestamp, running: Collection[str]) -> int:
        self.prune(at, running)
        return len(self._messages)

    # ------------------------------------------------------------------ what the display shows

    def on_display(
        self, at: Timestamp, running: Collection[str], state: MessageState
    ) -> tuple[DisplayMessage, ...]:
        self.prune(at, running)
        current = [
            m
            for m in self._messages.values()
            if (m.start is None or m.start <= at) and (m.state is None or m.state is state)
        ]
        front = [m for m in current if m.priority is P.ALWAYS_FRONT]
        if front:
            return (front[-1],)
        in_front = tuple(m for m in current if m.priority is P.IN_FRONT)
        return in_front or tuple(m for m in current if m.priority is P.NORMAL_CYCLE)

    def prune(self, at: Timestamp, running: Collection[str]) -> None:
        """Remove what ended: past its endDateTime, or bound to a transaction that no longer runs (O02).
        Costs of ended transactions go too."""
        messages = self._messages
        if messages:
            gone = [
                m.id
                for m in messages.values()
                if (m.end is not None and m.end <= at)
                or (m.transaction_id is not None and m.transaction_id not in running)
            ]
            for message_id in gone:
                del messages[message_id]
        costs = self._costs
        if costs:
            for tx in [tx for tx in costs if tx not in running]:
                del costs[tx]

    # ------------------------------------------------------------------ I03: running cost

    def cost_updated(self, transaction_id: str, total_cost: float, running: Collection[str]) -> bool:
        """CostUpdated: the running total of a transaction (in TariffCostCtrlr.Currency); kept while the
        transaction runs. False (nothing kept) for a transaction that does not run."""
        if transaction_id not in running:
            return False
        self._costs[transaction_id] = total_cost
        return True

    def costs(self, running: Collection[str]) -> dict[str, float]:
        """The running cost of each transaction the CSMS reported one for."""
        costs = self._costs
        return {tx: cost for tx, cost in costs.items() if tx in running} if costs else {}
