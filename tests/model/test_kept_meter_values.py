"""A transaction's kept meter values (transactionData): the packed form gives back exactly what was
kept, in order, after any drops."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ocppsim.model.meter import KeptMeterValues, MeterValue, SampledValue
from ocppsim.model.types import Location, Measurand, Phase, ReadingContext, Timestamp, UnitOfMeasure

sampled = st.builds(
    SampledValue,
    value=st.one_of(st.integers(0, 10**9).map(str), st.floats(0, 1e6).map(lambda x: f"{x:.1f}")),
    context=st.sampled_from(ReadingContext),
    measurand=st.sampled_from(Measurand),
    unit=st.one_of(st.none(), st.sampled_from(UnitOfMeasure)),
    location=st.one_of(st.none(), st.sampled_from(Location)),
    phase=st.one_of(st.none(), st.sampled_from(Phase)),
)
meter_value = st.builds(
    MeterValue,
    timestamp=st.floats(0, 4e9).map(Timestamp),
    sampled_value=st.lists(sampled, max_size=4).map(tuple),
)
steps = st.lists(st.one_of(meter_value, st.integers(0, 200)), max_size=60)


@given(steps)
def test_gives_back_what_was_kept(ops: list[MeterValue | int]) -> None:
    kept = KeptMeterValues()
    plain: list[MeterValue] = []
    for op in ops:
        if isinstance(op, MeterValue):
            kept.append(op)
            plain.append(op)
        elif plain:
            index = op % len(plain)
            kept.drop(index)
            del plain[index]
        assert len(kept) == len(plain)
    assert kept.values() == tuple(plain)


def test_an_entry_costs_a_few_dozen_bytes() -> None:
    kept = KeptMeterValues()
    value = SampledValue(
        "12345", ReadingContext.SAMPLE_PERIODIC, Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, UnitOfMeasure.WH
    )
    for i in range(100):
        kept.append(MeterValue(Timestamp(1.7e9 + 10 * i), (value,)))
    packed = sum(
        part.__sizeof__() for part in (kept._times, kept._shape_of, kept._lengths, kept._text, kept._shapes)
    )
    assert packed < 100 * 40, packed


@given(st.lists(meter_value, max_size=5), st.lists(meter_value, max_size=5))
def test_sessions_keep_their_own_values(first: list[MeterValue], second: list[MeterValue]) -> None:
    """Empty kept values share their containers until the first entry: entries never leak across."""
    a, b, idle = KeptMeterValues(), KeptMeterValues(), KeptMeterValues()
    for value in first:
        a.append(value)
    for value in second:
        b.append(value)
    assert (len(a), len(b), len(idle)) == (len(first), len(second), 0)
    assert [v.timestamp for v in a.values()] == [v.timestamp for v in first]
    assert [v.timestamp for v in b.values()] == [v.timestamp for v in second]
    assert idle.values() == ()
