"""Energy register and sampled values (OCPP 1.6 section 7.43 SampledValue, metering.md).

The register only ever grows (errata 3.9: meterStart/meterStop are register readings in Wh).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from ocppsim.model.types import Location, Measurand, Phase, ReadingContext, Timestamp, UnitOfMeasure

__all__ = ["EnergyRegister", "KeptMeterValues", "MeterSnapshot", "MeterValue", "SampledValue", "sample"]

_PHASES = (Phase.L1, Phase.L2, Phase.L3)
_PHASES_N = (Phase.L1_N, Phase.L2_N, Phase.L3_N)


@dataclass(slots=True)
class EnergyRegister:
    wh: float = 0.0

    def add(self, energy_wh: float) -> None:
        if energy_wh > 0:
            self.wh += energy_wh

    @property
    def reading(self) -> int:
        """Register as the integer Wh OCPP sends in meterStart/meterStop (rounded down)."""
        return int(self.wh)


@dataclass(frozen=True, slots=True)
class SampledValue:
    value: str
    context: ReadingContext
    measurand: Measurand
    unit: UnitOfMeasure | None
    location: Location | None = None
    phase: Phase | None = None


@dataclass(frozen=True, slots=True)
class MeterValue:
    timestamp: Timestamp
    sampled_value: tuple[SampledValue, ...]


# What a SampledValue says besides its value: (context, measurand, unit, location, phase).
_Shape = tuple[ReadingContext, Measurand, UnitOfMeasure | None, Location | None, Phase | None]
_SEPARATOR = b"\x1f"  # between the values of one entry; our meter's values are numbers


class KeptMeterValues:
    """A transaction's transactionData for its StopTransaction.req (section 6.16, StopTxnSampledData and
    StopTxnAlignedData), packed.

    A session keeps up to StopTransactionMaxMeterValues entries (errata 3.89; default 100, so a session
    sampled every 10 s reaches it in 17 minutes). As MeterValue objects an entry of one value costs ~290
    bytes: 29 KiB per charging charger, most of the 40 KiB a charger may cost at 100,000 chargers. Packed:
    the time (8 bytes), an index into the few distinct shapes, and the value text, ~20 bytes an entry."""

    __slots__ = ("_lengths", "_shape_of", "_shapes", "_text", "_times")

    def __init__(self) -> None:
        self._times = array("d")
        self._shape_of = array("H")  # index into _shapes, per entry
        self._shapes: list[tuple[_Shape, ...]] = []
        self._lengths = array("I")  # bytes of _text per entry
        self._text = bytearray()

    def __len__(self) -> int:
        return len(self._times)

    def append(self, value: MeterValue) -> None:
        shape = tuple((v.context, v.measurand, v.unit, v.location, v.phase) for v in value.sampled_value)
        try:
            index = self._shapes.index(shape)
        except ValueError:
            index = len(self._shapes)
            self._shapes.append(shape)
        text = _SEPARATOR.join(v.value.encode() for v in value.sampled_value)
        self._times.append(value.timestamp)
        self._shape_of.append(index)
        self._lengths.append(len(text))
        self._text += text

    def drop(self, index: int) -> None:
        """Forget one entry (the oldest intermediate one, when over the limit)."""
        start = sum(self._lengths[:index])
        del self._text[start : start + self._lengths[index]]
        del self._times[index]
        del self._shape_of[index]
        del self._lengths[index]

    def values(self) -> tuple[MeterValue, ...]:
        result: list[MeterValue] = []
        offset = 0
        for when, index, length in zip(self._times, self._shape_of, self._lengths, strict=True):
            shape = self._shapes[index]
            texts = self._text[offset : offset + length].decode().split("\x1f") if shape else []
            offset += length
            sampled = tuple(
                SampledValue(text, context, measurand, unit, location, phase)
                for text, (context, measurand, unit, location, phase) in zip(texts, shape, strict=True)
            )
            result.append(MeterValue(Timestamp(when), sampled))
        return tuple(result)


@dataclass(frozen=True, slots=True)
class MeterSnapshot:
    """What the meter and EV show at one instant on one connector."""

    energy_wh: float
    current_a: float  # per phase
    phases_in_use: int  # phases the current flows on
    charger_phases: int
    voltage_v: float
    offered_a: float
    offered_phases: int
    soc: float | None

    @property
    def power_w(self) -> float:
        return self.current_a * self.voltage_v * self.phases_in_use


def _num(value: float) -> str:
    return f"{value:.1f}"


def _values(
    measurand: Measurand, phase: Phase | None, snap: MeterSnapshot
) -> Iterable[tuple[str, Phase | None]]:
    """(value, phase) pairs for one configured measurand; all phases when it applies per phase."""
    n = snap.charger_phases
    if measurand is Measurand.ENERGY_ACTIVE_IMPORT_REGISTER:
        yield str(int(snap.energy_wh)), None
    elif measurand is Measurand.ENERGY_ACTIVE_EXPORT_REGISTER:
        yield "0", None
    elif measurand is Measurand.POWER_ACTIVE_IMPORT:
        yield _num(snap.power_w), None
    elif measurand is Measurand.POWER_OFFERED:
        yield _num(snap.offered_a * snap.voltage_v * snap.offered_phases), None
    elif measurand is Measurand.CURRENT_OFFERED:
        yield _num(snap.offered_a), None
    elif measurand is Measurand.CURRENT_IMPORT:
        phases = _PHASES[:n] if phase is None else (phase,)
        for index, ph in enumerate(phases):
            flowing = _PHASES.index(ph) < snap.phases_in_use if ph in _PHASES else index < snap.phases_in_use
            yield _num(snap.current_a if flowing else 0.0), ph
    elif measurand is Measurand.VOLTAGE:
        phases = _PHASES_N[:n] if phase is None else (phase,)
        for ph in phases:
            yield _num(snap.voltage_v), ph
    elif measurand is Measurand.SOC:
        if snap.soc is not None:
            yield str(round(snap.soc)), None
    elif measurand is Measurand.FREQUENCY:
        yield "50.0", None
    elif measurand is Measurand.TEMPERATURE:
        yield "25.0", None


_UNITS: dict[Measurand, UnitOfMeasure | None] = {
    Measurand.ENERGY_ACTIVE_IMPORT_REGISTER: UnitOfMeasure.WH,
    Measurand.ENERGY_ACTIVE_EXPORT_REGISTER: UnitOfMeasure.WH,
    Measurand.POWER_ACTIVE_IMPORT: UnitOfMeasure.W,
    Measurand.POWER_OFFERED: UnitOfMeasure.W,
    Measurand.CURRENT_OFFERED: UnitOfMeasure.A,
    Measurand.CURRENT_IMPORT: UnitOfMeasure.A,
    Measurand.VOLTAGE: UnitOfMeasure.V,
    Measurand.SOC: UnitOfMeasure.PERCENT,
    Measurand.FREQUENCY: None,  # 1.6 has no Hertz unit (metering.md section 1)
    Measurand.TEMPERATURE: UnitOfMeasure.CELSIUS,
}

_LOCATIONS: dict[Measurand, Location] = {Measurand.SOC: Location.EV, Measurand.TEMPERATURE: Location.BODY}


def sample(
    measurands: Iterable[tuple[Measurand, Phase | None]],
    context: ReadingContext,
    snap: MeterSnapshot,
    *,
    location: Location = Location.OUTLET,
) -> tuple[SampledValue, ...]:
    result: list[SampledValue] = []
    for measurand, phase in measurands:
        unit = _UNITS.get(measurand)
        loc = _LOCATIONS.get(measurand, location)
        for value, ph in _values(measurand, phase, snap):
            result.append(SampledValue(value, context, measurand, unit, loc, ph))
    return tuple(result)
