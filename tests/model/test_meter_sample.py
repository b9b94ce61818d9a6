"""The meter's sampling (a cached plan per measurand list) gives what metering.md section 2 says, checked
against a direct reading of the rules for any configuration and snapshot."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from meter_strategies import meter_snapshots
from ocppsim.model.key_catalogue import default_key_specs
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.meter import MeterSnapshot, SampledValue, sample
from ocppsim.model.types import Location, Measurand, Phase, ReadingContext, UnitOfMeasure

M = Measurand
L = (Phase.L1, Phase.L2, Phase.L3)
LN = (Phase.L1_N, Phase.L2_N, Phase.L3_N)
UNITS = {
    M.ENERGY_ACTIVE_IMPORT_REGISTER: UnitOfMeasure.WH,
    M.ENERGY_ACTIVE_EXPORT_REGISTER: UnitOfMeasure.WH,
    M.POWER_ACTIVE_IMPORT: UnitOfMeasure.W,
    M.POWER_OFFERED: UnitOfMeasure.W,
    M.CURRENT_OFFERED: UnitOfMeasure.A,
    M.CURRENT_IMPORT: UnitOfMeasure.A,
    M.VOLTAGE: UnitOfMeasure.V,
    M.SOC: UnitOfMeasure.PERCENT,
    M.FREQUENCY: None,
    M.TEMPERATURE: UnitOfMeasure.CELSIUS,
}


def reference(
    measurands: tuple[tuple[Measurand, Phase | None], ...], context: ReadingContext, s: MeterSnapshot
) -> tuple[SampledValue, ...]:
    out: list[SampledValue] = []
    for m, phase in measurands:
        loc = {M.SOC: Location.EV, M.TEMPERATURE: Location.BODY}.get(m, Location.OUTLET)

        def add(value: str, ph: Phase | None = None, m: Measurand = m, loc: Location = loc) -> None:
            out.append(SampledValue(value, context, m, UNITS[m], loc, ph))

        if m is M.ENERGY_ACTIVE_IMPORT_REGISTER:
            add(str(int(s.energy_wh)))
        elif m is M.ENERGY_ACTIVE_EXPORT_REGISTER:
            add("0")
        elif m is M.POWER_ACTIVE_IMPORT:
            add(f"{s.current_a * s.voltage_v * s.phases_in_use:.1f}")
        elif m is M.POWER_OFFERED:
            add(f"{s.offered_a * s.voltage_v * s.offered_phases:.1f}")
        elif m is M.CURRENT_OFFERED:
            add(f"{s.offered_a:.1f}")
        elif m is M.CURRENT_IMPORT:
            for i, ph in enumerate(L[: s.charger_phases] if phase is None else (phase,)):
                flowing = (L.index(ph) if ph in L else i) < s.phases_in_use
                add(f"{s.current_a if flowing else 0.0:.1f}", ph)
        elif m is M.VOLTAGE:
            for ph in LN[: s.charger_phases] if phase is None else (phase,):
                add(f"{s.voltage_v:.1f}", ph)
        elif m is M.SOC:
            if s.soc is not None:
                add(str(round(s.soc)))
        elif m is M.FREQUENCY:
            add("50.0")
        elif m is M.TEMPERATURE:
            add("25.0")
    return tuple(out)


measurand_item = st.one_of(
    st.sampled_from(list(UNITS)).map(lambda m: m.value),
    st.tuples(st.sampled_from([M.CURRENT_IMPORT, M.VOLTAGE]), st.sampled_from(L + LN)).map(
        lambda mp: f"{mp[0].value}.{mp[1].value}"
    ),
)


@given(st.lists(measurand_item, max_size=8), st.sampled_from(ReadingContext), meter_snapshots)
def test_sample_follows_the_metering_rules(
    items: list[str], context: ReadingContext, snap: MeterSnapshot
) -> None:
    store = ConfigStore(default_key_specs(number_of_connectors=1))
    text = ",".join(items)
    _, canonical = store.validate("MeterValuesSampledData", text)
    if canonical is None:
        return  # a list the key refuses (too long)
    store.store("MeterValuesSampledData", canonical)
    measurands = store.get_measurands("MeterValuesSampledData")
    assert sample(measurands, context, snap) == reference(measurands, context, snap)
    assert sample(measurands, context, snap) == reference(measurands, context, snap)  # the cached plan
