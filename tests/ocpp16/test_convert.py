"""format_time: the fast path gives exactly what datetime's strftime gives (OCPP-J 3.1.5 timestamps)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from hypothesis import given
from hypothesis import strategies as st

from meter_strategies import meter_snapshots
from ocppsim.model.key_catalogue import default_key_specs
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.meter import MeterSnapshot, MeterValue, sample_shaped
from ocppsim.model.types import ReadingContext, Timestamp
from ocppsim.ocpp16.convert import format_time, meter_values_payload


def reference(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@given(st.floats(min_value=-86_400 * 365 * 30, max_value=4_102_444_800, allow_nan=False))
def test_same_text_as_strftime(ts: float) -> None:
    assert format_time(ts) == reference(ts)


def test_edges() -> None:
    for ts in (0.0, 1.9999995, 1.9999994, 1_764_633_600.0005, 1_764_633_599.9999999, -0.0000004, -1.5):
        assert format_time(ts) == reference(ts), ts
    assert format_time(1_764_633_600.25) == "2025-12-02T00:00:00.250Z"


# The meter's values as they reach the wire: a sampled MeterValue is formatted from a cached template of
# its shape (MeterValue.shape), and gives the same JSON as the same values without a shape.

measurand_lists = st.lists(
    st.sampled_from(
        [
            "Energy.Active.Import.Register",
            "Energy.Active.Export.Register",
            "Power.Active.Import",
            "Power.Offered",
            "Current.Offered",
            "Current.Import",
            "Current.Import.L2",
            "Voltage",
            "Voltage.L3-N",
            "SoC",
            "Frequency",
            "Temperature",
        ]
    ),
    min_size=1,
    max_size=8,
    unique=True,
).map(",".join)


@given(
    measurand_lists,
    st.sampled_from(list(ReadingContext)),
    meter_snapshots,
    st.floats(1.6e9, 2e9),
)
def test_a_sampled_meter_value_has_the_json_of_its_values(
    measurands: str, context: ReadingContext, snap: MeterSnapshot, ts: float
) -> None:
    config = ConfigStore(default_key_specs(number_of_connectors=1), {"MeterValuesSampledData": measurands})
    values, shape = sample_shaped(config.get_measurands("MeterValuesSampledData"), context, snap)
    if not values:
        return  # only SoC, and no EV: the charger sends no MeterValue
    sampled = MeterValue(Timestamp(ts), values, shape)
    plain = MeterValue(Timestamp(ts), values)  # no shape: field by field
    templated, expected = meter_values_payload((sampled, plain))
    assert isinstance(templated, orjson.Fragment)
    assert orjson.loads(orjson.dumps(templated)) == orjson.loads(orjson.dumps(expected))
    assert orjson.dumps(templated) == orjson.dumps(expected)  # byte for byte, key order included
    # and twice over: the second comes from the cache
    again = meter_values_payload((MeterValue(Timestamp(ts), values, shape),))[0]
    assert orjson.dumps(again) == orjson.dumps(expected)
