"""Every configuration key is declared by exactly one block, and GetConfiguration reports them in the
specification's order (configuration/keys.py REPORT_ORDER)."""

from __future__ import annotations

from collections import Counter

from ocppsim.model.authorization.keys import AUTHORIZATION_KEYS
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.configuration.keys import CONFIGURATION_KEYS, REPORT_ORDER
from ocppsim.model.core.keys import core_keys
from ocppsim.model.firmware.keys import FIRMWARE_KEYS
from ocppsim.model.key_catalogue import default_key_specs
from ocppsim.model.metering.keys import metering_keys
from ocppsim.model.reservation.keys import RESERVATION_KEYS
from ocppsim.model.security.keys import SECURITY_KEYS
from ocppsim.model.smart_charging.keys import SMART_CHARGING_KEYS
from ocppsim.model.transactions.keys import TRANSACTION_KEYS


def declared() -> list[str]:
    specs = (
        *core_keys(number_of_connectors=2),
        *TRANSACTION_KEYS,
        *metering_keys(meter_values_sample_interval=60),
        *AUTHORIZATION_KEYS,
        *RESERVATION_KEYS,
        *SMART_CHARGING_KEYS,
        *CONFIGURATION_KEYS,
        *SECURITY_KEYS,
        *FIRMWARE_KEYS,
    )
    return [spec.name for spec in specs]


def test_each_key_has_one_owner_and_one_place_in_the_report() -> None:
    names = declared()
    assert [name for name, n in Counter(names).items() if n > 1] == []
    assert [name for name, n in Counter(REPORT_ORDER).items() if n > 1] == []
    assert set(names) == set(REPORT_ORDER)


def test_get_configuration_reports_in_report_order() -> None:
    ch = Charger(ChargerParams("CP", number_of_connectors=2), now=0.0)
    known, unknown = ch.configuration.get_configuration(None)
    assert unknown == []
    # AuthorizationKey is write-only: never reported (Security Whitepaper section 2).
    assert [kv.key for kv in known] == [name for name in REPORT_ORDER if name != "AuthorizationKey"]
    assert [spec.name for spec in default_key_specs(number_of_connectors=2)] == list(REPORT_ORDER)
