"""MeterValuesSampleInterval (with an s, as the charger-sim-ocpp simulator spells it) is an alias of
MeterValueSampleInterval (section 9.1): one value, answered under the name asked for (issue 17)."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging

from ocppsim.model.outgoing import ConfigChanged
from ocppsim.model.types import ConfigurationStatus


def test_change_through_the_alias_changes_the_real_key_and_applies() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    status = ch.configuration.change_configuration("MeterValuesSampleInterval", "15", T0)
    assert status is ConfigurationStatus.ACCEPTED
    assert ch.config.get_int("MeterValueSampleInterval") == 15
    # Persisted under the real name, and the metering block re-armed its sampling at once.
    assert ConfigChanged("MeterValueSampleInterval", "15") in ch.drain()
    tx = ch.state.connectors[1].tx
    assert tx is not None and tx.next_sample == T0 + 15


def test_get_configuration_answers_under_the_name_asked_for() -> None:
    ch = booted()
    ch.configuration.change_configuration("MeterValueSampleInterval", "20", T0)
    known, unknown = ch.configuration.get_configuration(
        ["MeterValuesSampleInterval", "metervaluessampleinterval", "MeterValueSampleInterval"]
    )
    assert unknown == []
    assert [(k.key, k.value) for k in known] == [
        ("MeterValuesSampleInterval", "20"),
        ("MeterValuesSampleInterval", "20"),
        ("MeterValueSampleInterval", "20"),
    ]


def test_the_full_listing_names_only_the_real_key() -> None:
    known, _ = booted().configuration.get_configuration(None)
    names = [k.key for k in known]
    assert names.count("MeterValueSampleInterval") == 1
    assert "MeterValuesSampleInterval" not in names


def test_an_invalid_value_through_the_alias_is_rejected() -> None:
    ch = booted()
    assert ch.configuration.change_configuration("MeterValuesSampleInterval", "-1", T0) is (
        ConfigurationStatus.REJECTED
    )
    assert ch.config.get_int("MeterValueSampleInterval") == 60
