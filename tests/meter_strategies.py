"""Hypothesis strategies shared by the meter's tests (model sampling, adapter formatting)."""

from __future__ import annotations

from hypothesis import strategies as st

from ocppsim.model.meter import MeterSnapshot

# What the meter and the EV may show at one instant.
meter_snapshots = st.builds(
    MeterSnapshot,
    energy_wh=st.floats(0, 1e9),
    current_a=st.floats(0, 80),
    phases_in_use=st.integers(1, 3),
    charger_phases=st.integers(1, 3),
    voltage_v=st.floats(100, 400),
    offered_a=st.floats(0, 80),
    offered_phases=st.integers(1, 3),
    soc=st.one_of(st.none(), st.floats(0, 100)),
)
