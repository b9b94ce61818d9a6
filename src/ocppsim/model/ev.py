"""The electric vehicle on a connector: battery, SoC, how much current it takes.

The compatibility contract fixes the draw: min(offer, EV max current, `max` cap), constant, no taper
(existing suites compare energy = offer x 230 V x 3 phases x time within +-500 Wh).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EV"]


@dataclass(slots=True)
class EV:
    capacity_wh: float = 100_000.0
    soc: float = 20.0  # percent
    max_current: float = 32.0  # A per phase
    phases: int = 3
    # The EV does not take energy: `delay`, `suspend`, `full`, or `fullafter` reached (mode 3 state B2).
    suspended: bool = False
    full_after_wh: float | None = None

    @property
    def battery_full(self) -> bool:
        return self.soc >= 100.0

    @property
    def draws(self) -> bool:
        return not self.suspended and not self.battery_full

    def current(self, offered_a: float, cap_a: float | None) -> float:
        """Per-phase current the EV takes when the EVSE offers `offered_a`."""
        if not self.draws:
            return 0.0
        current = min(offered_a, self.max_current)
        if cap_a is not None:
            current = min(current, cap_a)
        return max(current, 0.0)

    def absorb(self, energy_wh: float) -> None:
        if self.capacity_wh > 0:
            self.soc = min(100.0, self.soc + 100.0 * energy_wh / self.capacity_wh)

    def seconds_until_full(self, power_w: float) -> float | None:
        if power_w <= 0 or self.capacity_wh <= 0 or self.battery_full:
            return None
        return (100.0 - self.soc) / 100.0 * self.capacity_wh / power_w * 3600.0
