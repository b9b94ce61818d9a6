"""The live event stream: status changes, meter samples, frames and connection changes of every charger,
fanned out to subscribers (the REST API's stream, the dashboard). Publishing costs nothing while nobody
listens; a slow subscriber loses its oldest events, never blocks a charger."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["CLOSED", "EVENT_KINDS", "Event", "EventBus", "Subscription"]

EVENT_KINDS: Final = ("status", "meter", "frame", "connection", "charger")
# Offered to every subscription by `close_all()`: the reader ends its stream (server shutdown).
CLOSED: Final = "closed"


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    charger_id: str
    time: float
    data: Mapping[str, object]


class Subscription:
    def __init__(
        self,
        bus: EventBus,
        *,
        charger_ids: frozenset[str] | None,
        kinds: frozenset[str] | None,
        maxsize: int,
    ) -> None:
        self._bus = bus
        self.charger_ids = charger_ids
        self.kinds = kinds
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        self.dropped = 0

    def wants(self, event: Event) -> bool:
        return (self.kinds is None or event.kind in self.kinds) and (
            self.charger_ids is None or event.charger_id in self.charger_ids
        )

    def offer(self, event: Event) -> None:
        if self._queue.full():
            self._queue.get_nowait()  # drop the oldest: the newest state matters most
            self.dropped += 1
        self._queue.put_nowait(event)

    async def get(self) -> Event:
        return await self._queue.get()

    def close(self) -> None:
        self._bus.unsubscribe(self)


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: list[Subscription] = []

    @property
    def active(self) -> bool:
        return bool(self._subscriptions)

    def subscribe(
        self,
        *,
        charger_ids: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        maxsize: int = 1000,
    ) -> Subscription:
        sub = Subscription(
            self,
            charger_ids=frozenset(charger_ids) if charger_ids is not None else None,
            kinds=frozenset(kinds) if kinds is not None else None,
            maxsize=maxsize,
        )
        self._subscriptions.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subscriptions:
            self._subscriptions.remove(sub)

    def publish(self, event: Event) -> None:
        for sub in self._subscriptions:
            if sub.wants(event):
                sub.offer(event)

    def close_all(self) -> None:
        """Tell every reader to end (a `closed` event, whatever it subscribed to)."""
        for sub in list(self._subscriptions):
            sub.offer(Event(CLOSED, "", 0.0, {}))
