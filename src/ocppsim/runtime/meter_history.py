"""The last hour of each connector's power, current, offer, limit, energy and SoC, so that a chart opened
late (the dashboard's charger page) is not empty.

Memory is bounded twice, because a fleet holds up to 100,000 chargers: only `max_chargers` chargers are
recorded at a time (the first ones that change, which is every charger of a demo or a small fleet, then
the ones somebody looks at: `watch()` evicts the charger looked at least recently), and each connector
keeps a ring of at most `per_connector` samples, none older than `window_s`. A charger nobody records
costs one set lookup after each model input.

A sample is taken after each model input whose outcome changed what a chart draws (status, power, offer,
limit), and while the connector draws also after inputs at least `every_s` apart (the meter values' ticks
are such inputs: energy and SoC rise between the steps).
Values hold until the next sample: a chart draws power as a step function, so a stop at 22 kW is a drop to
0 at the stop's instant, not a slope to the next meter sample."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from ocppsim.model.charger import Charger

__all__ = ["MeterHistory", "Sample"]

WINDOW_S: Final = 3600.0


class Sample(NamedTuple):
    time: float  # epoch seconds
    status: str | None  # None before the first accepted BootNotification
    power_w: float
    current_a: float
    offer_a: float  # what the charger offers the EV now (profiles, hardware, shared maximum)
    limit_a: float  # the composite schedule's limit now (section 3.13.4): profiles and hardware
    session_wh: float
    soc: float


class _Connector:
    __slots__ = ("last_at", "samples")

    def __init__(self, size: int) -> None:
        self.samples: deque[Sample] = deque(maxlen=size)
        self.last_at = 0.0


class MeterHistory:
    __slots__ = ("_chargers", "every_s", "max_chargers", "per_connector", "window_s")

    def __init__(
        self,
        *,
        max_chargers: int = 100,
        per_connector: int = 1200,
        window_s: float = WINDOW_S,
        every_s: float = 10.0,
    ) -> None:
        self.max_chargers = max_chargers
        self.per_connector = per_connector
        self.window_s = window_s
        self.every_s = every_s
        # charger id -> connector id -> its ring; ordered by when it was last watched (oldest first).
        self._chargers: OrderedDict[str, dict[int, _Connector]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chargers)

    def recording(self, charger_id: str) -> bool:
        return charger_id in self._chargers

    def watch(self, charger_id: str) -> None:
        """Somebody looks at this charger: record it from now on (evicting the least recently watched)."""
        if charger_id in self._chargers:
            self._chargers.move_to_end(charger_id)
            return
        while len(self._chargers) >= self.max_chargers:
            self._chargers.popitem(last=False)
        self._chargers[charger_id] = {}

    def forget(self, charger_id: str) -> None:
        self._chargers.pop(charger_id, None)

    def observe(self, charger_id: str, charger: Charger, now: float) -> None:
        """After a model input: a sample of each connector whose drawn values changed."""
        connectors = self._chargers.get(charger_id)
        if connectors is None:
            if len(self._chargers) >= self.max_chargers:
                return
            connectors = self._chargers[charger_id] = {}
        for cid in charger.connector_ids:
            ring = connectors.get(cid)
            if ring is None:
                ring = connectors[cid] = _Connector(self.per_connector)
            self._sample(ring, charger, cid, now)

    def _sample(self, ring: _Connector, charger: Charger, cid: int, now: float) -> None:
        view = charger.view(cid, now)
        status = view.status.value if view.status is not None else None
        limit = charger.smart_charging.limit_amps_at(cid, now)
        samples = ring.samples
        last = samples[-1] if samples else None
        if (
            last is not None
            and (last.status, last.power_w, last.offer_a, last.limit_a)
            == (status, view.power_w, view.offer, limit)
            and (view.power_w == 0 or now - ring.last_at < self.every_s)
        ):
            return
        sample = Sample(now, status, view.power_w, view.usage, view.offer, limit, view.energy, view.soc)
        if last is not None and last.time == now:
            samples[-1] = sample  # several inputs at one instant: the last outcome counts
        else:
            samples.append(sample)
        ring.last_at = now

    def samples(
        self, charger_id: str, connector: int, now: float, seconds: float | None = None
    ) -> list[Sample]:
        """Oldest first, at most `seconds` (default the window) old; the sample in force at the window's
        start is kept (clamped to it), so a value that held all along is drawn from the left edge."""
        connectors = self._chargers.get(charger_id)
        ring = connectors.get(connector) if connectors is not None else None
        if ring is None:
            return []
        since = now - min(seconds if seconds is not None else self.window_s, self.window_s)
        out: list[Sample] = []
        before: Sample | None = None
        for sample in ring.samples:
            if sample.time < since:
                before = sample
            else:
                out.append(sample)
        if before is not None and (not out or out[0].time > since):
            out.insert(0, before._replace(time=since))
        return out
