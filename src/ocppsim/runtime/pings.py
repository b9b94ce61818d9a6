"""WebSocket pings of one station: its ping timer and whether a pong is due.

WebSocket pings every WebSocketPingInterval s (0 = none) while connected ("the number of seconds between
pings", OCPP-J 1.6 section 7); no pong within MessageTimeout means a dead link: close it (OCPP-J 5.3,
offline doc 1). One timer, no task, and a pong only sets a flag: the timer after a ping looks at it (an
interval after the ping, or MessageTimeout after it when that comes first) and sends the next ping or
closes the link. A ChangeConfiguration applies at once (while no pong is due; else at that check).

The link, the clock, the configuration and the ping itself are the station's: a ping goes out through
`Station._send_ping`, so that tests can count pings or withhold them on the class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocppsim.runtime.clock import TimerHandle

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["Pings"]


class Pings:
    __slots__ = ("_pong_due", "_sent", "_station", "_timer")

    def __init__(self, station: Station) -> None:
        self._station = station
        # The next ping, or the check after one (see `_due`); when the last ping went out.
        self._timer: TimerHandle | None = None
        self._sent = 0.0
        self._pong_due = False

    def arm(self) -> None:
        """The next ping an interval from now (none at interval 0 or without a link)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        station = self._station
        interval = station.charger.config.get_int("WebSocketPingInterval")
        if station._ws is not None and interval > 0:
            self._timer = station.clock.call_at(station.clock.now() + interval, self._due)

    def interval_changed(self) -> None:
        """WebSocketPingInterval changed: applies at once (a ping in flight re-arms when its pong is in)."""
        if not self._pong_due:
            self.arm()

    def on_pong(self) -> None:
        """A pong: the link is alive (the ping's timer reads this)."""
        self._pong_due = False

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pong_due = False

    def _due(self) -> None:
        self._timer = None
        station = self._station
        ws = station._ws
        if ws is None:
            return
        clock = station.clock
        now = clock.now()
        self._pong_due = True
        self._sent = now
        station._send_ping(ws)
        # MessageTimeout on the simulation clock, as for a CALL's answer (so --speed applies).
        config = station.charger.config
        wait = min(config.get_int("WebSocketPingInterval"), config.get_int("MessageTimeout"))
        self._timer = clock.call_at(now + max(wait, 1), self._check)

    def _check(self) -> None:
        self._timer = None
        station = self._station
        ws = station._ws
        if ws is None:
            return
        clock = station.clock
        now = clock.now()
        config = station.charger.config
        if self._pong_due:
            timeout = config.get_int("MessageTimeout")
            if now - self._sent < timeout - 1e-6:  # the next ping waits for this pong
                self._timer = clock.call_at(self._sent + timeout, self._check)
                return
            self._pong_due = False
            station._log.warning("no pong within %d s: closing the connection", timeout)
            ws.close()
            return
        interval = config.get_int("WebSocketPingInterval")
        if interval <= 0:
            return  # switched off meanwhile
        if self._sent + interval <= now + 1e-6:
            self._due()
        else:
            self._timer = clock.call_at(self._sent + interval, self._due)
