"""Energy register and sampled values (OCPP 1.6 section 7.43 SampledValue, metering.md).

The register only ever grows (errata 3.9: meterStart/meterStop are register readings in Wh).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, cast

from ocppsim.model.types import (
    Location,
    Measurand,
    Phase,
    ReadingContext,
    Timestamp,
    UnitOfMeasure,
    ValueFormat,
)

__all__ = [
    "EnergyRegister",
    "KeptMeterValues",
    "MeterSnapshot",
    "MeterValue",
    "SampledValue",
    "Shape",
    "sample",
    "sample_shaped",
]

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


class SampledValue(NamedTuple):
    """One value of a MeterValue (section 7.43). A named tuple: a MeterValues of the default configuration
    has ten, and a tuple is made in a third of the time of a frozen dataclass."""

    value: str
    context: ReadingContext
    measurand: Measurand
    unit: UnitOfMeasure | None
    location: Location | None = None
    phase: Phase | None = None
    # None: Raw, left out of the payload (section 7.45's default). SignedData: an OCMF document
    # (runtime/ocmf_signer.py), never made by the meter itself.
    format: ValueFormat | None = None


# What a SampledValue says besides its value: (context, measurand, unit, location, phase).
_Shape = tuple[ReadingContext, Measurand, UnitOfMeasure | None, Location | None, Phase | None]
_SHAPE_FIELDS = ("context", "measurand", "unit", "location", "phase")
# What a MeterValue's sampled values say besides their values, in order.
Shape = tuple[_Shape, ...]


@dataclass(frozen=True, slots=True)
class MeterValue:
    timestamp: Timestamp
    sampled_value: tuple[SampledValue, ...]
    # `sampled_value` without the values, when the meter sampled it (`sample_shaped`): one object for every
    # MeterValue of one configuration, so that whoever formats or packs thousands of them a second can
    # key a cache on it. The values of such a MeterValue are decimal numbers.
    shape: Shape | None = field(default=None, compare=False)


_SEPARATOR = b"\x1f"  # between the values of one entry; our meter's values are numbers
# The containers of every KeptMeterValues without entries (never written: append() makes its own first).
_NO_TIMES: Final = array("d")
_NO_SHAPE_OF: Final = array("H")
_NO_LENGTHS: Final = array("I")
_NO_SHAPES: Final[list[tuple[tuple[Any, ...], ...]]] = []
_NO_TEXT: Final = bytearray()


class KeptMeterValues:
    """A transaction's transactionData for its StopTransaction.req (section 6.16, StopTxnSampledData and
    StopTxnAlignedData), packed.

    A session keeps up to StopTransactionMaxMeterValues entries (errata 3.89; default 100, so a session
    sampled every 10 s reaches it in 17 minutes). As MeterValue objects an entry of one value costs ~290
    bytes: 29 KiB per charging charger, most of the 40 KiB a charger may cost at 100,000 chargers. Packed:
    the time (8 bytes), an index into the few distinct shapes, and the value text, ~20 bytes an entry."""

    __slots__ = ("_lengths", "_shape_of", "_shapes", "_text", "_times")

    def __init__(self) -> None:
        # Empty and shared until the first entry (_fresh): with StopTxnSampledData and StopTxnAlignedData
        # empty (the default) a session keeps nothing, and its five empty containers were ~0.35 KiB.
        self._times = _NO_TIMES
        self._shape_of = _NO_SHAPE_OF  # index into _shapes, per entry
        # Shapes (a MeterValue's, or its values' fields after the value, with the format when one is set)
        self._shapes: list[tuple[tuple[Any, ...], ...]] = _NO_SHAPES
        self._lengths = _NO_LENGTHS  # bytes of _text per entry
        self._text = _NO_TEXT

    def _fresh(self) -> None:
        self._times, self._shape_of, self._lengths = array("d"), array("H"), array("I")
        self._shapes, self._text = [], bytearray()

    def __len__(self) -> int:
        return len(self._times)

    def append(self, value: MeterValue) -> None:
        if self._times is _NO_TIMES:
            self._fresh()
        sampled = value.sampled_value
        if value.shape is not None:
            shape: tuple[tuple[Any, ...], ...] = value.shape
        elif any(v.format is not None for v in sampled):  # with its format: never a template (below)
            shape = tuple(v[1:] for v in sampled)
        else:
            shape = tuple(v[1:6] for v in sampled)
        try:
            index = self._shapes.index(shape)
        except ValueError:
            index = len(self._shapes)
            self._shapes.append(shape)
        text = "\x1f".join([v[0] for v in value.sampled_value]).encode()  # _SEPARATOR
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
            sampled = tuple(SampledValue(text, *rest) for text, rest in zip(texts, shape, strict=True))
            # A shape is what the adapter formats decimal numbers with: not for values with a format.
            plain = not shape or len(shape[0]) == len(_SHAPE_FIELDS)
            result.append(MeterValue(Timestamp(when), sampled, cast(Shape, shape) if plain else None))
        return tuple(result)


class MeterSnapshot(NamedTuple):
    """What the meter and EV show at one instant on one connector. A named tuple: one is made for every
    sampling instant, and a tuple is made in a fraction of the time of a frozen dataclass."""

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


# How each measurand's value is read from a snapshot (the kinds of `_Step`).
_ENERGY, _EXPORT, _POWER, _POWER_OFFERED, _CURRENT_OFFERED, _CURRENT, _VOLTAGE, _SOC, _FREQUENCY, _TEMP = (
    range(10)
)
_KINDS: dict[Measurand, int] = {
    Measurand.ENERGY_ACTIVE_IMPORT_REGISTER: _ENERGY,
    Measurand.ENERGY_ACTIVE_EXPORT_REGISTER: _EXPORT,
    Measurand.POWER_ACTIVE_IMPORT: _POWER,
    Measurand.POWER_OFFERED: _POWER_OFFERED,
    Measurand.CURRENT_OFFERED: _CURRENT_OFFERED,
    Measurand.CURRENT_IMPORT: _CURRENT,
    Measurand.VOLTAGE: _VOLTAGE,
    Measurand.SOC: _SOC,
    Measurand.FREQUENCY: _FREQUENCY,
    Measurand.TEMPERATURE: _TEMP,
}

# (kind, measurand, phase, unit, location, rank): one SampledValue to make. `rank`: for Current.Import,
# the phase's place (L1 = 0); the current flows on the first `phases_in_use` phases.
_Step = tuple[int, Measurand, Phase | None, UnitOfMeasure | None, Location | None, int]


_Sampler = Callable[[MeterSnapshot], tuple[tuple[SampledValue, ...], Shape]]


class _Plan:
    """The steps of one measurand list, and the shapes of what they make (per context, and whether the
    SoC step gave a value: it gives none without an EV)."""

    __slots__ = ("_samplers", "_shapes", "steps")

    def __init__(self, steps: tuple[_Step, ...]) -> None:
        self.steps = steps
        self._shapes: dict[tuple[ReadingContext, bool], Shape] = {}
        self._samplers: dict[ReadingContext, _Sampler] = {}

    def sampler(self, context: ReadingContext) -> _Sampler:
        sampler = self._samplers.get(context)
        if sampler is None:
            sampler = self._samplers[context] = _compile(self, context)
        return sampler

    def shape(self, context: ReadingContext, soc: bool) -> Shape:
        shape = self._shapes.get((context, soc))
        if shape is None:
            shape = self._shapes[context, soc] = tuple(
                (context, measurand, unit, loc, phase)
                for kind, measurand, phase, unit, loc, _ in self.steps
                if soc or kind != _SOC
            )
        return shape


# A plan per configured measurand list (by identity: ConfigStore keeps one tuple per distinct value, so
# a fleet shares a handful), number of phases and default location.
_PLANS: dict[tuple[int, int, int], tuple[object, _Plan]] = {}


def _plan(measurands: Iterable[tuple[Measurand, Phase | None]], n: int, location: Location) -> _Plan:
    key = (id(measurands), n, id(location))
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is measurands:
        return cached[1]
    steps: list[_Step] = []
    for measurand, phase in measurands:
        kind = _KINDS.get(measurand)
        if kind is None:
            continue
        unit = _UNITS.get(measurand)
        loc = _LOCATIONS.get(measurand, location)
        if kind == _CURRENT:  # every phase of the charger, unless the configuration names one
            for index, ph in enumerate(_PHASES[:n] if phase is None else (phase,)):
                rank = _PHASES.index(ph) if ph in _PHASES else index
                steps.append((kind, measurand, ph, unit, loc, rank))
        elif kind == _VOLTAGE:
            for ph in _PHASES_N[:n] if phase is None else (phase,):
                steps.append((kind, measurand, ph, unit, loc, 0))
        else:
            steps.append((kind, measurand, None, unit, loc, 0))
    plan = _Plan(tuple(steps))
    if isinstance(measurands, tuple):  # kept alive by the cache, so its id is not reused
        if len(_PLANS) >= 4096:  # lists the CSMS keeps changing: start over rather than grow
            _PLANS.clear()
        _PLANS[key] = (measurands, plan)
    return plan


def sample(
    measurands: Iterable[tuple[Measurand, Phase | None]],
    context: ReadingContext,
    snap: MeterSnapshot,
    *,
    location: Location = Location.OUTLET,
) -> tuple[SampledValue, ...]:
    """The configured measurands' values now (metering.md section 2): per-phase measurands on every
    phase of the charger unless one is named; SoC only with an EV."""
    return sample_shaped(measurands, context, snap, location=location)[0]


def sample_shaped(
    measurands: Iterable[tuple[Measurand, Phase | None]],
    context: ReadingContext,
    snap: MeterSnapshot,
    *,
    location: Location = Location.OUTLET,
) -> tuple[tuple[SampledValue, ...], Shape]:
    """As `sample`, with the shape of the values (see MeterValue.shape)."""
    return _plan(measurands, snap.charger_phases, location).sampler(context)(snap)


# The value each kind of step reads from the snapshot, as source text for `_compile` (the unpacked
# snapshot's names; `cur` and `volt` are formatted once for all phases).
_VALUE_SOURCE = {
    _ENERGY: "str(int(energy_wh))",
    _EXPORT: '"0"',
    _POWER: 'f"{current_a * voltage_v * phases_in_use:.1f}"',
    _POWER_OFFERED: 'f"{offered_a * voltage_v * offered_phases:.1f}"',
    _CURRENT_OFFERED: 'f"{offered_a:.1f}"',
    _VOLTAGE: "volt",
    _SOC: "str(round(soc))",
    _FREQUENCY: '"50.0"',
    _TEMP: '"25.0"',
}


def _compile(plan: _Plan, context: ReadingContext) -> _Sampler:
    """A function that samples `plan` in `context` in one go: the plan's steps written out, with no loop
    or branch per value (tests/model/test_meter_sample.py checks it against a direct reading of the
    metering rules). Built once per plan and context, as dataclasses and named tuples build their
    methods: a fleet samples ten values thousands of times a second."""
    namespace: dict[str, object] = {
        "_new": tuple.__new__,
        "_SV": SampledValue,
        "context": context,
        "shape_soc": plan.shape(context, True),
        "shape_no_soc": plan.shape(context, False),
    }
    made: list[tuple[str, bool]] = []  # (expression, is the SoC step)
    for index, (kind, measurand, phase, unit, loc, rank) in enumerate(plan.steps):
        namespace.update({f"m{index}": measurand, f"u{index}": unit, f"l{index}": loc, f"p{index}": phase})
        value = f'(cur if {rank} < phases_in_use else "0.0")' if kind == _CURRENT else _VALUE_SOURCE[kind]
        # tuple.__new__ skips the defaults: every field, the format None (Raw)
        made.append(
            (f"_new(_SV, ({value}, context, m{index}, u{index}, l{index}, p{index}, None))", kind == _SOC)
        )

    def values(with_soc: bool) -> str:
        items = [expression for expression, is_soc in made if with_soc or not is_soc]
        return "(" + "".join(f"{item}, " for item in items) + ")"

    source = [
        "def sampler(snap):",
        "    energy_wh, current_a, phases_in_use, _, voltage_v, offered_a, offered_phases, soc = snap",
        '    cur = f"{current_a:.1f}"',
        '    volt = f"{voltage_v:.1f}"',
        f"    if soc is None: return {values(False)}, shape_no_soc",
        f"    return {values(True)}, shape_soc",
    ]
    exec("\n".join(source), namespace)
    return namespace["sampler"]  # type: ignore[return-value]
