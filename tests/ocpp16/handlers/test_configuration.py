"""GetConfiguration and ChangeConfiguration (handlers/configuration.py), no network."""

from __future__ import annotations

import pytest

from ocppsim.model.charger import Charger

from .handler_calls import call


def test_get_configuration(charger: Charger) -> None:
    everything = call(charger, "GetConfiguration", {})
    keys = {k["key"] for k in everything["configurationKey"]}
    assert {"HeartbeatInterval", "MeterValueSampleInterval", "NumberOfConnectors", "voltage_V"} <= keys
    assert "unknownKey" not in everything
    some = call(charger, "GetConfiguration", {"key": ["NumberOfConnectors", "Nope"]})
    assert some == {
        "configurationKey": [{"key": "NumberOfConnectors", "readonly": True, "value": "2"}],
        "unknownKey": ["Nope"],
    }


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("HeartbeatInterval", "20", "Accepted"),
        ("HeartbeatInterval", "-20", "Rejected"),
        ("GetConfigurationMaxKeys", "5", "Rejected"),
        ("Unknown", "1", "NotSupported"),
        ("SecurityProfile", "1", "Rejected"),  # no AuthorizationKey yet
    ],
)
def test_change_configuration(charger: Charger, key: str, value: str, status: str) -> None:
    assert call(charger, "ChangeConfiguration", {"key": key, "value": value}) == {"status": status}


def test_meter_values_sample_interval_alias(charger: Charger) -> None:
    """charger-sim-ocpp's spelling is accepted and answered under the name asked for (issue 17)."""
    change = {"key": "MeterValuesSampleInterval", "value": "30"}
    assert call(charger, "ChangeConfiguration", change) == {"status": "Accepted"}
    assert call(charger, "GetConfiguration", {"key": ["MeterValuesSampleInterval"]}) == {
        "configurationKey": [{"key": "MeterValuesSampleInterval", "readonly": False, "value": "30"}]
    }
    assert call(charger, "GetConfiguration", {"key": ["MeterValueSampleInterval"]}) == {
        "configurationKey": [{"key": "MeterValueSampleInterval", "readonly": False, "value": "30"}]
    }
