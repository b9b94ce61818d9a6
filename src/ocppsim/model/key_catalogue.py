"""Every configuration key this charger supports, collected from the blocks that own them and put in
the order GetConfiguration reports them (`configuration.keys.REPORT_ORDER`)."""

from __future__ import annotations

import functools
from dataclasses import replace

from ocppsim.model.authorization.keys import AUTHORIZATION_KEYS
from ocppsim.model.configuration.keys import CONFIGURATION_KEYS, REPORT_ORDER
from ocppsim.model.core.keys import core_keys
from ocppsim.model.device_model.keys import DEVICE_MODEL_DEFAULTS, DEVICE_MODEL_KEYS
from ocppsim.model.firmware.keys import FIRMWARE_KEYS
from ocppsim.model.key_registry import KeySpec
from ocppsim.model.metering.keys import metering_keys
from ocppsim.model.reservation.keys import RESERVATION_KEYS
from ocppsim.model.security.keys import SECURITY_KEYS
from ocppsim.model.smart_charging.keys import SMART_CHARGING_KEYS
from ocppsim.model.transactions.keys import TRANSACTION_KEYS

__all__ = ["default_key_specs"]

_RANK = {name: index for index, name in enumerate(REPORT_ORDER)}


@functools.lru_cache(maxsize=64)
def default_key_specs(
    *, number_of_connectors: int, meter_values_sample_interval: int = 60, device_model: bool = False
) -> tuple[KeySpec, ...]:
    """Every key, in report order (built once per shape: a fleet's chargers share the tuple);
    `device_model`: with the keys only OCPP 2.0.1's device model has (after the 1.6 keys)."""
    specs = (
        *core_keys(number_of_connectors=number_of_connectors),
        *TRANSACTION_KEYS,
        *metering_keys(meter_values_sample_interval=meter_values_sample_interval),
        *AUTHORIZATION_KEYS,
        *RESERVATION_KEYS,
        *SMART_CHARGING_KEYS,
        *CONFIGURATION_KEYS,
        *SECURITY_KEYS,
        *FIRMWARE_KEYS,
    )
    # A key without a place in the report order would be a declaration the report forgot: fail loudly.
    ordered = tuple(sorted(specs, key=lambda spec: _RANK[spec.name]))
    if not device_model:
        return ordered
    # A 1.6 key that a 2.0.1 variable reads, with the default the device model wants (keys.py).
    shared = tuple(
        replace(spec, default=DEVICE_MODEL_DEFAULTS[spec.name])
        if spec.name in DEVICE_MODEL_DEFAULTS
        else spec
        for spec in ordered
    )
    return shared + DEVICE_MODEL_KEYS
