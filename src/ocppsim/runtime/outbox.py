"""The single CALL sender of one charger (OCPP-J section 4.1.1: one CALL in flight per direction).

Order and gating (offline-and-reliability.md):
- before BootNotification is Accepted only BootNotification goes out; everything else waits;
- messages go out in the order the charger produced them;
- transaction-related messages survive a lost connection (kept at the head, no attempt consumed) and are
  retried after a CALLERROR or timeout: TransactionMessageAttempts in all, waiting
  TransactionMessageRetryInterval x attempt between tries (section 4.10 / 9.1);
- other messages are dropped when the connection is lost (statuses are re-sent after the next boot).

The persistent (crash-proof) version of this queue belongs to the "nothing lost" issue; this one keeps
the queue in memory across reconnects and resets.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    BootNotificationReq,
    HeartbeatReq,
    MeterValuesReq,
    ReplayedReq,
    Request,
    StatusNotificationReq,
)
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.convert import journal_body, request_payload
from ocppsim.ocpp16.results import apply_failure, apply_result
from ocppsim.runtime.clock import Clock, LazyEvent, running_loop, sleep_or_event

__all__ = ["Answer", "ConnectionLostError", "Outbox"]

log = logging.getLogger("ocppsim.outbox")


_TRIGGERABLE = (HeartbeatReq, StatusNotificationReq, MeterValuesReq)


class ConnectionLostError(Exception):
    """The connection closed before the CALL was answered."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A CALLRESULT payload, or an error code (CALLERROR code, "Timeout", "InvalidResult")."""

    payload: dict[str, Any] | None
    error: str | None = None


# (request, uniqueId, the payload already built for the journal or None) -> the answer.
SendCall = Callable[[Request, str, "dict[str, Any] | None"], Awaitable[Answer]]


class CallObserver(Protocol):
    def call_answered(self, action: str, latency_s: float, error: str | None) -> None: ...


class Journal(Protocol):
    """Durable record of transaction-related messages (the store). Writes may be grouped into one
    commit per event-loop turn; the station commits them before it sends any frame."""

    def journal_append(self, charger_id: str, action: str, tx_ref: int | None, body: str) -> int: ...

    def journal_remove(self, seq: int) -> None: ...

    def set_transaction_id(self, charger_id: str, tx_ref: int, transaction_id: int) -> None: ...

    def forget_transaction_id(self, charger_id: str, tx_ref: int) -> None: ...


@dataclass(slots=True)
class _Item:
    request: Request
    future: asyncio.Future[object]
    attempts: int = 0
    not_before: float = 0.0
    journal_seq: int | None = None
    # Kept across re-sends: a CSMS that got the CALL but whose answer was lost can recognise the repeat.
    unique_id: str | None = None
    # The payload built for the journal (without transactionId): the send reuses it rather than building
    # a MeterValues payload twice, the fleet's most frequent message.
    payload: dict[str, Any] | None = None


class Outbox:
    def __init__(
        self,
        charger: Charger,
        clock: Clock,
        send: SendCall,
        after_model: Callable[[], None],
        *,
        log_adapter: logging.LoggerAdapter[logging.Logger] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self._journal = journal
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
        self._wakeup = LazyEvent()
        self._drained = LazyEvent()
        self._online = False
        self._log = log_adapter or logging.LoggerAdapter(log, {})

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def pending(self) -> list[Request]:
        return [item.request for item in self._queue]

    def enqueue(self, request: Request) -> asyncio.Future[object]:
        future: asyncio.Future[object] = running_loop().create_future()
        item = _Item(request, future)
        if request.transaction_related:
            item.journal_seq = self._write_journal(item)
        if not self._online and not request.transaction_related:
            # Offline: nothing to wait for (an Authorize is decided locally); decided on the next loop
            # turn so effects keep their order.
            running_loop().call_soon(self._finish_failed, item)
            return future
        if isinstance(request, BootNotificationReq):
            # Boot goes first: nothing else may be sent before it is Accepted (section 4.2).
            self._queue.insert(0, item)
        else:
            self._queue.append(item)
        self._wakeup.set()
        return future

    def set_online(self, online: bool) -> None:
        self._online = online
        self._drained.set()
        if not online:
            self._drop_volatile()
        self._wakeup.set()

    def _write_journal(self, item: _Item) -> int | None:
        """Commit a transaction message before it can be sent (it survives a crash from here on)."""
        request = item.request
        if isinstance(request, ReplayedReq):
            return request.journal_seq
        if self._journal is None:
            return None
        tx_ref = getattr(request, "tx_ref", None)
        item.payload = request_payload(request, None)
        body = journal_body(item.payload)
        return self._journal.journal_append(
            self._charger.params.charge_point_id, request.ACTION, tx_ref, body
        )

    def _settled(self, item: _Item, answered: bool) -> None:
        """A transaction message is done with (answered, or dropped after its attempts)."""
        if self._journal is None or item.journal_seq is None:
            return
        cid = self._charger.params.charge_point_id
        self._journal.journal_remove(item.journal_seq)
        request = item.request
        tx_ref = getattr(request, "tx_ref", None)
        if tx_ref is None:
            return
        if request.ACTION == "StartTransaction":
            transaction_id = self._charger.transaction_id_for(tx_ref)
            self._journal.set_transaction_id(
                cid, tx_ref, transaction_id if transaction_id is not None else -1
            )
        elif request.ACTION == "StopTransaction":
            self._journal.forget_transaction_id(cid, tx_ref)

    @property
    def waiting(self) -> bool:
        """Nothing can go out before time passes or the link / registration changes."""
        head = self._next_sendable()
        return head is None or head.not_before > self._clock.now()

    def has_transaction_messages(self) -> bool:
        return any(item.request.transaction_related for item in self._queue)

    async def wait_transaction_messages_sent(self) -> None:
        """Until no transaction-related message is queued (callers bound the wait)."""
        while self.has_transaction_messages() and self._online:
            self._drained.clear()
            await self._drained.wait()

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
        result = apply_failure(self._charger, item.request, self._clock.now())
        if not item.future.done():
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
        if registration is RegistrationStatus.PENDING and isinstance(head.request, _TRIGGERABLE):
            # Pending: only what the CSMS asks for with TriggerMessage may go out (section 4.2.1); the
            # charger produces these requests before acceptance only when triggered.
            return head
        return None

    async def run(self) -> None:
        while True:
            item = self._next_sendable()
            if item is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            wait = item.not_before - self._clock.now()
            if wait > 0:
                self._wakeup.clear()
                await sleep_or_event(self._clock, wait, self._wakeup)
                continue
            if not await self._deliver(item):
                # The link is gone. Sending again at once would spin without yielding (a send on a closed
                # connection fails synchronously) and starve the receive loop that notices the close;
                # this sender ends, and the next connection starts a new one.
                return

    async def _deliver(self, item: _Item) -> bool:
        """Send one CALL and apply its outcome; False when the connection was lost on the way."""
        request = item.request
        if item.unique_id is None:
            self._id_seq += 1
            item.unique_id = f"{self._id_prefix}-{self._id_seq}"
        sent_at = time.perf_counter()
        try:
            answer = await self._send(request, item.unique_id, item.payload)
            if self.observer is not None:
                self.observer.call_answered(request.ACTION, time.perf_counter() - sent_at, answer.error)
        except ConnectionLostError:
            # Not a processing failure: keep it at the head for the next connection (section 4.10).
            if not request.transaction_related and self._queue and self._queue[0] is item:
                self._queue.pop(0)
                self._finish_failed(item)
            return False
        if self._queue and self._queue[0] is item:
            self._queue.pop(0)
            self._drained.set()
        else:  # dropped meanwhile (connection lost and volatile)
            return True
        now = self._clock.now()
        if answer.error is None and answer.payload is not None:
            result = apply_result(self._charger, request, answer.payload, now)
            self._settled(item, answered=True)
            if not item.future.done():
                item.future.set_result(result)
            self._after_model()
            return True
        self._log.warning("%s failed: %s", request.ACTION, answer.error)
        if request.transaction_related:
            item.attempts += 1
            attempts = self._charger.config.get_int("TransactionMessageAttempts")
            if item.attempts < attempts:
                interval = self._charger.config.get_int("TransactionMessageRetryInterval")
                item.not_before = now + interval * item.attempts
                self._queue.insert(0, item)
                return True
            self._log.error("%s dropped after %d attempts", request.ACTION, item.attempts)
        self._finish_failed(item)
        if request.transaction_related:
            self._settled(item, answered=False)
        return True
