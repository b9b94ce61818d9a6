"""GetConfiguration and ChangeConfiguration (handlers/configuration.py), no network."""

from __future__ import annotations

import pytest

from ocppsim.model.charger import Charger
from ocppsim.model.hardware import ALL_PROFILES, set_profiles

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


# Section 9.2-9.4: the keys of the Local Auth List Management, Reservation and Smart Charging profiles.
PROFILE_KEYS = {
    "LocalAuthListManagement": {"LocalAuthListEnabled", "LocalAuthListMaxLength", "SendLocalListMaxLength"},
    "Reservation": {"ReserveConnectorZeroSupported"},
    "SmartCharging": {
        "ChargeProfileMaxStackLevel",
        "ChargingScheduleAllowedChargingRateUnit",
        "ChargingScheduleMaxPeriods",
        "ConnectorSwitch3to1PhaseSupported",
        "MaxChargingProfilesInstalled",
    },
}


@pytest.mark.parametrize("missing", sorted(PROFILE_KEYS))
def test_keys_of_a_profile_the_charger_lacks_are_not_its_keys(charger: Charger, missing: str) -> None:
    """SupportedFeatureProfiles without `missing`: its keys are neither listed nor known (GetConfiguration
    5.8: unknownKey) and ChangeConfiguration answers NotSupported (5.3); the other profiles' keys stay."""
    set_profiles(charger.config, tuple(p for p in ALL_PROFILES if p != missing))
    listed = {k["key"] for k in call(charger, "GetConfiguration", {})["configurationKey"]}
    others = set().union(*(keys for profile, keys in PROFILE_KEYS.items() if profile != missing))
    assert not listed & PROFILE_KEYS[missing]
    assert others <= listed and {"HeartbeatInterval", "SupportedFeatureProfiles"} <= listed
    for key in PROFILE_KEYS[missing]:
        asked = [key.lower(), "HeartbeatInterval"]  # CiString50: any case is the same key
        assert call(charger, "GetConfiguration", {"key": asked}) == {
            "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}],
            "unknownKey": [key.lower()],
        }
        assert call(charger, "ChangeConfiguration", {"key": key, "value": "true"}) == {
            "status": "NotSupported"
        }
    # Built with the profile again (the surfaces' `profiles` switch): the keys are back.
    set_profiles(charger.config, ALL_PROFILES)
    listed = {k["key"] for k in call(charger, "GetConfiguration", {})["configurationKey"]}
    assert PROFILE_KEYS[missing] <= listed


def test_local_list_key_of_a_charger_with_the_profile_is_still_changeable(charger: Charger) -> None:
    set_profiles(charger.config, ("Core", "LocalAuthListManagement"))
    change = {"key": "LocalAuthListEnabled", "value": "false"}
    assert call(charger, "ChangeConfiguration", change) == {"status": "Accepted"}
    assert call(charger, "ChangeConfiguration", {"key": "ChargeProfileMaxStackLevel", "value": "3"}) == {
        "status": "NotSupported"
    }
