"""Vehicles by id tag: which EV arrives when a driver presents a tag, so every session has a battery and a
sensible SoC curve. A tag nobody registered gets the default EV (100 kWh at 20 %)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["DEFAULT_VEHICLE", "EvMix", "Vehicle", "VehicleError", "VehicleRegistry"]

# Nominal voltage used to turn a power limit into a per-phase current (ocpp16/metering.md: 230 V default).
_NOMINAL_V = 230.0


class VehicleError(ValueError):
    """A vehicle description that no EV could have."""


@dataclass(frozen=True, slots=True)
class Vehicle:
    capacity_wh: float = 100_000.0
    initial_soc: float = 20.0  # percent, at plug-in
    max_current_a: float = 32.0  # per phase
    phases: int = 3
    max_power_w: float | None = None  # the on-board charger's limit; None: only the current limits

    def __post_init__(self) -> None:
        if not self.capacity_wh > 0:
            raise VehicleError("capacity_wh must be > 0")
        if not 0 <= self.initial_soc <= 100:
            raise VehicleError("initial_soc must be between 0 and 100")
        if not self.max_current_a > 0:
            raise VehicleError("max_current_a must be > 0")
        if self.phases not in (1, 2, 3):
            raise VehicleError("phases must be 1, 2 or 3")
        if self.max_power_w is not None and not self.max_power_w > 0:
            raise VehicleError("max_power_w must be > 0")

    def current_limit(self, voltage: float = _NOMINAL_V) -> float:
        """Per-phase current the EV takes at most: its current limit, lowered by its power limit."""
        if self.max_power_w is None:
            return self.max_current_a
        return min(self.max_current_a, self.max_power_w / (voltage * self.phases))


DEFAULT_VEHICLE = Vehicle()


@dataclass(frozen=True, slots=True)
class EvMix:
    """The EVs that arrive at a kind of charger (a fleet template): each session draws one of each."""

    capacities_wh: tuple[float, ...] = (40_000.0, 60_000.0, 77_000.0, 100_000.0)
    initial_soc: tuple[float, float] = (10.0, 60.0)  # uniform between
    max_currents_a: tuple[float, ...] = (16.0, 32.0)
    phases: tuple[int, ...] = (1, 3, 3, 3)

    def __post_init__(self) -> None:
        if not (self.capacities_wh and self.max_currents_a and self.phases):
            raise VehicleError("an EV mix needs at least one capacity, max current and phase count")
        if any(c <= 0 for c in self.capacities_wh) or any(a <= 0 for a in self.max_currents_a):
            raise VehicleError("capacities and max currents must be > 0")
        low, high = self.initial_soc
        if not 0 <= low <= high <= 100:
            raise VehicleError("initial_soc must be [low, high] within 0..100")
        if any(p not in (1, 2, 3) for p in self.phases):
            raise VehicleError("phases must be 1, 2 or 3")


class VehicleRegistry:
    """id tag -> Vehicle; ids compare case-insensitively, as IdToken does (CiString20, section 7.28)."""

    def __init__(self, default: Vehicle = DEFAULT_VEHICLE) -> None:
        self.default = default
        self._by_tag: dict[str, tuple[str, Vehicle]] = {}

    def put(self, id_tag: str, vehicle: Vehicle) -> None:
        self._by_tag[id_tag.casefold()] = (id_tag, vehicle)

    def remove(self, id_tag: str) -> bool:
        return self._by_tag.pop(id_tag.casefold(), None) is not None

    def get(self, id_tag: str) -> Vehicle | None:
        entry = self._by_tag.get(id_tag.casefold())
        return entry[1] if entry else None

    def for_tag(self, id_tag: str | None) -> Vehicle:
        """The vehicle behind `id_tag`, or the default one."""
        return (self.get(id_tag) if id_tag else None) or self.default

    def __iter__(self) -> Iterator[tuple[str, Vehicle]]:
        return iter(sorted(self._by_tag.values(), key=lambda item: item[0].casefold()))

    def __len__(self) -> int:
        return len(self._by_tag)
