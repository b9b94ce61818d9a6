from __future__ import annotations

import pytest

from ocppsim.model.key_catalogue import default_key_specs
from ocppsim.model.key_registry import ConfigStore, KeyType
from ocppsim.model.types import ConfigurationStatus as C

CORE_KEYS = {
    # key: (type, readonly)
    "AllowOfflineTxForUnknownId": (KeyType.BOOL, False),
    "AuthorizationCacheEnabled": (KeyType.BOOL, False),
    "AuthorizeRemoteTxRequests": (KeyType.BOOL, False),
    "BlinkRepeat": (KeyType.INT, False),
    "ClockAlignedDataInterval": (KeyType.INT, False),
    "ConnectionTimeOut": (KeyType.INT, False),
    "ConnectorPhaseRotation": (KeyType.CSL, False),
    "ConnectorPhaseRotationMaxLength": (KeyType.INT, True),
    "GetConfigurationMaxKeys": (KeyType.INT, True),
    "HeartbeatInterval": (KeyType.INT, False),
    "LightIntensity": (KeyType.INT, False),
    "LocalAuthorizeOffline": (KeyType.BOOL, False),
    "LocalPreAuthorize": (KeyType.BOOL, False),
    "MeterValuesAlignedData": (KeyType.MEASURANDS, False),
    "MeterValuesAlignedDataMaxLength": (KeyType.INT, True),
    "MeterValuesSampledData": (KeyType.MEASURANDS, False),
    "MeterValuesSampledDataMaxLength": (KeyType.INT, True),
    "MeterValueSampleInterval": (KeyType.INT, False),
    "NumberOfConnectors": (KeyType.INT, True),
    "ResetRetries": (KeyType.INT, False),
    "StopTransactionOnEVSideDisconnect": (KeyType.BOOL, False),
    "StopTransactionOnInvalidId": (KeyType.BOOL, False),
    "StopTxnAlignedData": (KeyType.MEASURANDS, False),
    "StopTxnAlignedDataMaxLength": (KeyType.INT, True),
    "StopTxnSampledData": (KeyType.MEASURANDS, False),
    "StopTxnSampledDataMaxLength": (KeyType.INT, True),
    "SupportedFeatureProfiles": (KeyType.CSL, True),
    "TransactionMessageAttempts": (KeyType.INT, False),
    "TransactionMessageRetryInterval": (KeyType.INT, False),
    "UnlockConnectorOnEVSideDisconnect": (KeyType.BOOL, False),
    "WebSocketPingInterval": (KeyType.INT, False),
}


@pytest.fixture
def store() -> ConfigStore:
    return ConfigStore(default_key_specs(number_of_connectors=2))


@pytest.mark.parametrize(("key", "expected"), CORE_KEYS.items())
def test_every_core_key_with_type_and_access(
    store: ConfigStore, key: str, expected: tuple[KeyType, bool]
) -> None:
    spec = store.spec(key)
    assert spec is not None
    assert (spec.type, spec.readonly) == expected


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("HeartbeatInterval", "60", C.ACCEPTED),
        ("heartbeatinterval", "60", C.ACCEPTED),  # CiString: case-insensitive key
        ("HeartbeatInterval", "-1", C.REJECTED),
        ("HeartbeatInterval", "ten", C.REJECTED),
        ("HeartbeatInterval", "1.5", C.REJECTED),
        # Digits int() refuses or reads from another script: Rejected, never a crash.
        ("HeartbeatInterval", "\u00b9", C.REJECTED),
        ("HeartbeatInterval", "--5", C.REJECTED),
        ("HeartbeatInterval", "\u0663", C.REJECTED),
        ("HeartbeatInterval", " 60 ", C.ACCEPTED),
        ("AuthorizeRemoteTxRequests", "TRUE", C.ACCEPTED),
        ("AuthorizeRemoteTxRequests", "yes", C.REJECTED),
        ("NumberOfConnectors", "3", C.REJECTED),  # read-only
        ("NoSuchKey", "1", C.NOT_SUPPORTED),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Voltage", C.ACCEPTED),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Bogus", C.REJECTED),
        ("MeterValuesSampledData", "Current.Import.L2", C.ACCEPTED),
        ("MeterValuesSampledData", ",".join(["Voltage"] * 11), C.REJECTED),  # > MaxLength 10
        ("StopTxnSampledData", "", C.ACCEPTED),
        ("LightIntensity", "101", C.REJECTED),
        ("voltage_V", "400", C.ACCEPTED),
        ("voltage_V", "abc", C.REJECTED),
        ("AuthorizationKey", "0123456789abcdef0123456789abcdef", C.ACCEPTED),
        ("AuthorizationKey", "short", C.REJECTED),
        ("TransactionMessageAttempts", "0", C.REJECTED),
    ],
)
def test_change_configuration_validation(store: ConfigStore, key: str, value: str, status: C) -> None:
    assert store.validate(key, value)[0] is status


def test_bool_values_are_canonical(store: ConfigStore) -> None:
    status, canonical = store.validate("LocalPreAuthorize", "True")
    assert (status, canonical) == (C.ACCEPTED, "true")


def test_get_configuration_all_keys_skips_write_only(store: ConfigStore) -> None:
    known, unknown = store.report(None)
    names = {kv.key for kv in known}
    assert "AuthorizationKey" not in names
    assert set(CORE_KEYS) <= names
    assert unknown == []


def test_get_configuration_unknown_and_secret(store: ConfigStore) -> None:
    store.load("AuthorizationKey", "0123456789abcdef0123456789abcdef")
    known, unknown = store.report(["heartbeatinterval", "Nope", "AuthorizationKey"])
    assert [(kv.key, kv.value) for kv in known] == [("HeartbeatInterval", "300"), ("AuthorizationKey", None)]
    assert unknown == ["Nope"]


def test_overrides_load_only_valid_values() -> None:
    store = ConfigStore(default_key_specs(number_of_connectors=1), {"HeartbeatInterval": "30", "Bogus": "1"})
    assert store.get_int("HeartbeatInterval") == 30
    assert not store.load("HeartbeatInterval", "-5")
    assert store.get_int("HeartbeatInterval") == 30


def test_typed_values_follow_every_change(store: ConfigStore) -> None:
    """The getters cache parsed values; a store or load must show at once, in every type asked for."""
    assert store.get_int("HeartbeatInterval") == 300
    store.store("HeartbeatInterval", "42")
    assert store.get_int("HeartbeatInterval") == 42
    assert store.get_float("HeartbeatInterval") == 42.0 and store.get_int("HeartbeatInterval") == 42
    assert store.get_bool("LocalPreAuthorize") is False
    assert store.load("LocalPreAuthorize", "TRUE")
    assert store.get_bool("LocalPreAuthorize") is True
    assert len(store.get_measurands("MeterValuesSampledData")) > 2
    store.store("MeterValuesSampledData", "Power.Active.Import,SoC")
    assert [m.value for m, _ in store.get_measurands("MeterValuesSampledData")] == [
        "Power.Active.Import",
        "SoC",
    ]


def test_equal_stores_share_values_until_one_changes() -> None:
    """Copy on write: chargers of one template share their values, a change stays with its charger."""
    specs = default_key_specs(number_of_connectors=2)
    a = ConfigStore(specs, {"HeartbeatInterval": "120"})
    b = ConfigStore(specs, {"HeartbeatInterval": "120"})
    assert a._values is b._values and a._typed is b._typed
    assert a.get_int("HeartbeatInterval") == b.get_int("HeartbeatInterval") == 120
    b.store("HeartbeatInterval", "30")
    assert (a.get_int("HeartbeatInterval"), b.get_int("HeartbeatInterval")) == (120, 30)
    assert a.load("MeterValueSampleInterval", "15")
    assert (a.get_int("MeterValueSampleInterval"), b.get_int("MeterValueSampleInterval")) == (15, 60)
    c = ConfigStore(specs, {"HeartbeatInterval": "120"})
    assert c.get_int("HeartbeatInterval") == 120 and c.get_int("MeterValueSampleInterval") == 60
    assert c.raw("MeterValueSampleInterval") == "60"


def test_stores_changed_alike_share_again() -> None:
    specs = default_key_specs(number_of_connectors=1)
    a, b = ConfigStore(specs), ConfigStore(specs)
    a.store("HeartbeatInterval", "77")
    b.store("HeartbeatInterval", "77")
    assert a._values is b._values and a.get_int("HeartbeatInterval") == b.get_int("HeartbeatInterval") == 77
