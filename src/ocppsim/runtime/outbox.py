"""The single CALL sender of one charger (OCPP-J section 4.1.1: one CALL in flight per direction).

Order and gating (offline-and-reliability.md):
- before BootNotification is Accepted only BootNotification goes out; everything else waits;
- messages go out in the order the charger produced them;
- transaction-related messages survive a lost connection (kept at the head, no attempt consumed) and are
  retried after a CALLERROR: TransactionMessageAttempts in all, waiting TransactionMessageRetryInterval x
  attempt between tries (section 4.10 / 9.1); after a timeout they are re-sent every
  TransactionMessageRetryInterval until answered (no answer is no failure to process, OCPP-J errata 3.2);
- other messages are dropped when the connection is lost (statuses are re-sent after the next boot).

Transaction-related messages are written to the journal (the store) when they are queued and removed
once answered, so a crash loses none of them.

No task: the outbox is driven by callbacks. Whatever may let a message go out (a new message, the link
coming up, an answer, a retry falling due) asks for a `pump` at the end of the event-loop turn, where one
`SendBatch` pumps every outbox that asked. The turn's journal writes are then committed once, before the
first frame of the batch leaves (the station commits before every send), however many chargers queued a
MeterValues in that turn; and nothing waits in a task per charger (three task wake-ups per message, and
~2 KiB a charger, at 100,000 chargers).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    BootNotificationReq,
    HeartbeatReq,
    MeterValuesReq,
    NotifyReportReq,
    ReplayedReq,
    Request,
    StatusNotificationReq,
)
from ocppsim.model.types import RegistrationStatus
from ocppsim.runtime.clock import Clock, LazyEvent, TimerHandle, per_loop, running_loop
from ocppsim.runtime.wire import Prepared, Wire, wire_for

__all__ = ["Answer", "Outbox", "SendBatch"]

log = logging.getLogger("ocppsim.outbox")


# NotifyReport: OCPP 2.0.1 B02.FR.02, a Pending station answers a GetBaseReport with its report.
_TRIGGERABLE = (HeartbeatReq, StatusNotificationReq, MeterValuesReq, NotifyReportReq)


# The Security Whitepaper's messages are an extension a central system may not offer: its CALLERROR
# NotImplemented / NotSupported (OCPP-J 4.2.3) to a SecurityEventNotification is final, not retried, so
# that the transaction messages behind it do not wait through TransactionMessageAttempts. The same for a
# 2.0.1 NotifyEvent queued by severity (N07.FR.04): a CSMS without monitoring answers NotImplemented.
_EXTENSION_ACTIONS = frozenset({"SecurityEventNotification", "NotifyEvent"})
_NOT_OFFERED = frozenset({"NotImplemented", "NotSupported"})


def _not_offered(request: Request, error: str | None) -> bool:
    return error in _NOT_OFFERED and request.ACTION in _EXTENSION_ACTIONS


class Answer(NamedTuple):
    """A CALLRESULT payload, or an error code (CALLERROR code, "Timeout", "InvalidResult"). A named
    tuple: one is made for every answer."""

    payload: dict[str, Any] | None
    error: str | None = None


# (request, uniqueId, the action and payload already built (journal; 2.0.1 always) or None) -> sent? The
# answer comes later, through `Outbox.answered`; False: the link is gone, nothing was sent.
SendCall = Callable[[Request, str, "Prepared | None"], bool]


class CallObserver(Protocol):
    def call_answered(self, action: str, latency_s: float, error: str | None) -> None: ...


class JournalRecords(Protocol):
    def append(self, charger_id: str, action: str, tx_ref: int | None, body: str) -> int: ...

    def remove(self, seq: int) -> None: ...


class TransactionIdRecords(Protocol):
    def set_id(self, charger_id: str, tx_ref: int, transaction_id: int) -> None: ...

    def forget_id(self, charger_id: str, tx_ref: int) -> None: ...


class Journal(Protocol):
    """Durable record of transaction-related messages (the store: `store.journal`, and the transactionIds
    in `store.transactions`). Writes may be grouped into one commit per event-loop turn; the station
    commits them before it sends any frame."""

    @property
    def journal(self) -> JournalRecords: ...

    @property
    def transactions(self) -> TransactionIdRecords: ...


class SendBatch:
    """The outboxes of one event loop that have something they may send, pumped together by one callback
    at the end of the loop turn (see the module docstring)."""

    __slots__ = ("_due", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._due: list[Outbox] = []

    @property
    def closed(self) -> bool:
        return self._loop.is_closed()

    def defer(self, outbox: Outbox) -> None:
        if not self._due:
            self._loop.call_soon(self._run)
        self._due.append(outbox)

    def _run(self) -> None:
        due, self._due = self._due, []
        for outbox in due:
            try:
                outbox.pump()
            except Exception:  # one charger's failure must not strand the others of the batch
                outbox.log.exception("sending failed")


_batches: dict[asyncio.AbstractEventLoop, SendBatch] = {}


def _batch() -> SendBatch:
    return per_loop(_batches, lambda: SendBatch(running_loop()))


@dataclass(slots=True)
class _Item:
    request: Request
    # Only when somebody waits for the outcome (a control surface): a future per message is ~100 B and
    # a loop lookup, for the thousands a fleet sends every second.
    future: asyncio.Future[object] | None = None
    attempts: int = 0
    not_before: float = 0.0
    journal_seq: int | None = None
    # Kept across re-sends: a CSMS that got the CALL but whose answer was lost can recognise the repeat.
    unique_id: str | None = None
    # The action and payload built for the journal (1.6: without transactionId; 2.0.1: every message,
    # built when queued, ocpp201/wire.py): the send reuses it rather than building a MeterValues payload
    # twice, the fleet's most frequent message.
    payload: Prepared | None = None
    sent_at: float = 0.0  # perf_counter() of the last send (the observer's answer latency)


class Outbox:
    __slots__ = (
        "_after_model",
        "_batch",
        "_charger",
        "_clock",
        "_drained",
        "_id_prefix",
        "_id_seq",
        "_in_flight",
        "_journal",
        "_log_adapter",
        "_logger",
        "_online",
        "_queue",
        "_retry_timer",
        "_scheduled",
        "_send",
        "observer",
        "wire",
    )

    def __init__(
        self,
        charger: Charger,
        clock: Clock,
        send: SendCall,
        after_model: Callable[[], None],
        *,
        log_adapter: logging.LoggerAdapter[logging.Logger] | None = None,
        logger: logging.Logger | None = None,
        journal: Journal | None = None,
        wire: Wire | None = None,
    ) -> None:
        self._journal = journal
        # The protocol adapter (runtime/wire.py): the station sets the one its connection speaks.
        self.wire = wire if wire is not None else wire_for(charger)
        # Optional fleet statistics (answer latency in real seconds, errors by kind).
        self.observer: CallObserver | None = None
        # Message ids unique across connections and restarts: a random per-run prefix plus a counter.
        self._id_prefix = secrets.token_hex(4)
        self._id_seq = 0
        self._charger = charger
        self._clock = clock
        self._send = send
        self._after_model = after_model
        # A list, not a deque: an empty deque is 624 B (a block of 64 slots) at every charger, and the
        # queue is almost always 0 or 1 long (a day offline is ~9,000 items: still cheap to pop from).
        self._queue: list[_Item] = []
        self._in_flight: _Item | None = None
        self._retry_timer: TimerHandle | None = None
        self._scheduled = False
        self._batch: SendBatch | None = None
        # Made by the first wait_transaction_messages_sent() (a Soft reset, a stop): 48 B at each charger.
        self._drained: LazyEvent | None = None
        self._online = False
        # `logger`: an adapter naming the charger is made when something is logged (rarely), not kept
        # at each of a fleet's chargers (~0.35 KiB each); `log_adapter`: one made by the caller.
        self._log_adapter = log_adapter
        self._logger = logger

    @property
    def log(self) -> logging.LoggerAdapter[logging.Logger]:
        if self._log_adapter is not None:
            return self._log_adapter
        if self._logger is not None:
            return logging.LoggerAdapter(self._logger, {"charger": self._charger.params.charge_point_id})
        return logging.LoggerAdapter(log, {})

    def __len__(self) -> int:
        return len(self._queue) + (self._in_flight is not None)

    @property
    def pending(self) -> list[Request]:
        """Every request not yet settled, the one awaiting its answer first."""
        head = [self._in_flight.request] if self._in_flight is not None else []
        return head + [item.request for item in self._queue]

    def enqueue(self, request: Request) -> None:
        self._enqueue(_Item(request))

    def enqueue_awaitable(self, request: Request) -> asyncio.Future[object]:
        """As `enqueue`, with a future of the outcome: what the model answered (or None on a failure)."""
        future: asyncio.Future[object] = running_loop().create_future()
        self._enqueue(_Item(request, future))
        return future

    def _enqueue(self, item: _Item) -> None:
        request = item.request
        wire = self.wire
        if not wire.wanted(request):
            # Not a message of this protocol version (a 1.6 notion 2.0.1 sends otherwise or not at all).
            if item.future is not None and not item.future.done():
                item.future.set_result(None)
            return
        if wire.prepare_always:
            item.payload = wire.prepare(request)
        if request.transaction_related:
            item.journal_seq = self._write_journal(item)
        elif not self._online:
            # Offline: nothing to wait for (an Authorize is decided locally); decided on the next loop
            # turn so effects keep their order.
            running_loop().call_soon(self._finish_failed, item)
            return
        if isinstance(request, BootNotificationReq):
            # Boot goes first: nothing else may be sent before it is Accepted (section 4.2).
            self._queue.insert(0, item)
        else:
            self._queue.append(item)
        self._schedule()

    def set_online(self, online: bool) -> None:
        self._online = online
        if self._drained is not None:
            self._drained.set()
        if online:
            self._schedule()
            return
        if self._retry_timer is not None:
            self._retry_timer.cancel()
            self._retry_timer = None
        item, self._in_flight = self._in_flight, None
        if item is not None:
            # Its answer will not come. Not a processing failure: a transaction message stays at the
            # head for the next connection with no attempt consumed (section 4.10); others are dropped.
            self._queue.insert(0, item)
        self._drop_volatile()

    def _schedule(self) -> None:
        if not self._scheduled and self._online:
            self._scheduled = True
            batch = self._batch
            if batch is None or batch.closed:  # an outbox lives in one loop; look it up once
                batch = self._batch = _batch()
            batch.defer(self)

    def _write_journal(self, item: _Item) -> int | None:
        """Journal a transaction message (committed before it can be sent: it survives a crash from then)."""
        request = item.request
        if isinstance(request, ReplayedReq):
            return request.journal_seq
        if self._journal is None:
            return None
        tx_ref = getattr(request, "tx_ref", None)
        if item.payload is None:
            item.payload = self.wire.prepare(request)
        action, payload = item.payload
        body = self.wire.journal_body(payload)
        return self._journal.journal.append(self._charger.params.charge_point_id, action, tx_ref, body)

    def _settled(self, item: _Item) -> None:
        """A transaction message is done with (answered, or dropped after its attempts)."""
        if self._journal is None or item.journal_seq is None:
            return
        cid = self._charger.params.charge_point_id
        self._journal.journal.remove(item.journal_seq)
        request = item.request
        tx_ref = getattr(request, "tx_ref", None)
        if tx_ref is None:
            return
        if request.ACTION == "StartTransaction":
            transaction_id = self._charger.transactions.transaction_id_for(tx_ref)
            self._journal.transactions.set_id(
                cid, tx_ref, transaction_id if transaction_id is not None else -1
            )
        elif request.ACTION == "StopTransaction":
            self._journal.transactions.forget_id(cid, tx_ref)

    @property
    def waiting(self) -> bool:
        """Nothing can go out before time passes, an answer comes, or the link / registration changes."""
        if self._in_flight is not None:
            return True
        head = self._next_sendable()
        return head is None or head.not_before > self._clock.now()

    def has_transaction_messages(self) -> bool:
        if self._in_flight is not None and self._in_flight.request.transaction_related:
            return True
        return any(item.request.transaction_related for item in self._queue)

    async def wait_transaction_messages_sent(self) -> None:
        """Until no transaction-related message is queued (callers bound the wait)."""
        while self.has_transaction_messages() and self._online:
            drained = self._drained
            if drained is None:
                drained = self._drained = LazyEvent()
            drained.clear()
            await drained.wait()

    def _drop_volatile(self) -> None:
        """Connection lost: non-transaction messages are not kept (they are regenerated after reconnect)."""
        kept: list[_Item] = []
        dropped: list[_Item] = []
        for item in self._queue:
            (kept if item.request.transaction_related else dropped).append(item)
        self._queue = kept
        # Only after the queue is rebuilt: failing an item runs the model, which may queue new messages.
        for item in dropped:
            self._finish_failed(item)

    def _finish_failed(self, item: _Item) -> None:
        result = self.wire.apply_failure(item.request, self._clock.now())
        if item.future is not None and not item.future.done():
            item.future.set_result(result)
        self._after_model()

    def _next_sendable(self) -> _Item | None:
        if not self._online or not self._queue:
            return None
        head = self._queue[0]
        if isinstance(head.request, BootNotificationReq):
            return head
        registration = self._charger.registration
        if registration is RegistrationStatus.ACCEPTED:
            return head
        if registration is RegistrationStatus.PENDING:
            # Pending: only what the CSMS asks for with TriggerMessage may go out (section 4.2.1); the
            # charger produces these requests before acceptance only when triggered. They pass what waits
            # for the acceptance (a journaled SecurityEventNotification of the start-up, say), which keeps
            # its order.
            for item in self._queue:
                if isinstance(item.request, _TRIGGERABLE):
                    return item
        return None

    def _retry_due(self) -> None:
        self._retry_timer = None
        self._schedule()

    def pump(self) -> None:
        """Send the head of the queue if it may go now (the send batch calls this)."""
        self._scheduled = False
        if self._in_flight is not None:
            return
        item = self._next_sendable()
        if item is None:
            return
        if item.not_before > self._clock.now():
            if self._retry_timer is None:
                self._retry_timer = self._clock.call_at(item.not_before, self._retry_due)
            return
        queue = self._queue
        if queue[0] is item:
            queue.pop(0)
        else:
            del queue[next(i for i, queued in enumerate(queue) if queued is item)]
        self._in_flight = item
        if item.unique_id is None:
            self._id_seq += 1
            item.unique_id = f"{self._id_prefix}-{self._id_seq}"
        if self.observer is not None:
            item.sent_at = time.perf_counter()
        if not self._send(item.request, item.unique_id, item.payload):
            # The link is gone and the station has not seen it yet: back at the head; when it sees it,
            # `set_online(False)` keeps or drops it. Nothing retries before something changes, so a send
            # that fails at once cannot spin.
            self._in_flight = None
            self._queue.insert(0, item)

    def answered(self, answer: Answer) -> None:
        """The answer to the CALL in flight (or its timeout): apply it, retry, or give up."""
        item = self._in_flight
        if item is None:
            return
        self._in_flight = None
        if self._drained is not None:
            self._drained.set()
        request = item.request
        if self.observer is not None:
            # The action on the wire (2.0.1's TransactionEvent for the model's StartTransaction ...).
            action = item.payload[0] if item.payload is not None else request.ACTION
            self.observer.call_answered(action, time.perf_counter() - item.sent_at, answer.error)
        now = self._clock.now()
        if answer.error is None and answer.payload is not None:
            result = self.wire.apply_result(request, answer.payload, now)
            self._settled(item)
            if item.future is not None and not item.future.done():
                item.future.set_result(result)
            if self.wire.result_changes_model(request):
                self._after_model()
            if self._queue:
                self._schedule()
            return
        self.log.warning("%s failed: %s", request.ACTION, answer.error)
        if request.transaction_related and answer.error == "Timeout" and not self.wire.silence_is_failure:
            # No answer is no 'failure to process the message' (OCPP-J errata 3.2: the CSMS reports that
            # with a CALLERROR), the only failure that lets a charge point skip a transaction message
            # (OCPP 1.6 section 3.7.1): re-send it, under its uniqueId, every TransactionMessageRetryInterval
            # until it is answered. Counted as attempts, a link that lost answers a few times in a row
            # (stalled, blackholed) made the charger give MeterValues up: lost for the CSMS.
            item.not_before = now + self._charger.config.get_int("TransactionMessageRetryInterval")
            self._queue.insert(0, item)
            self._schedule()
            return
        if request.transaction_related and not _not_offered(request, answer.error):
            item.attempts += 1
            attempts = self._charger.config.get_int("TransactionMessageAttempts")
            if item.attempts < attempts:
                interval = self._charger.config.get_int("TransactionMessageRetryInterval")
                item.not_before = now + interval * item.attempts
                self._queue.insert(0, item)
                self._schedule()
                return
            self.log.error("%s dropped after %d attempts", request.ACTION, item.attempts)
        self._finish_failed(item)
        if request.transaction_related:
            self._settled(item)
        self._schedule()
