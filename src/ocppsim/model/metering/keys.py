"""Configuration keys owned by the metering block (OCPP 1.6 section 9.1; errata 3.89
StopTransactionMaxMeterValues) and the vendor key voltage_V of the original ocppsim."""

from __future__ import annotations

from ocppsim.model.key_registry import KeySpec, KeyType

__all__ = ["metering_keys"]


def metering_keys(*, meter_values_sample_interval: int) -> tuple[KeySpec, ...]:
    return (
        KeySpec("ClockAlignedDataInterval", KeyType.INT, "0"),
        KeySpec(
            "MeterValuesAlignedData",
            KeyType.MEASURANDS,
            "Energy.Active.Import.Register",
            max_items_key="MeterValuesAlignedDataMaxLength",
        ),
        KeySpec("MeterValuesAlignedDataMaxLength", KeyType.INT, "10", readonly=True),
        KeySpec(
            "MeterValuesSampledData",
            KeyType.MEASURANDS,
            "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Current.Offered,Voltage,SoC",
            max_items_key="MeterValuesSampledDataMaxLength",
        ),
        KeySpec("MeterValuesSampledDataMaxLength", KeyType.INT, "10", readonly=True),
        KeySpec(
            "MeterValueSampleInterval",
            KeyType.INT,
            str(meter_values_sample_interval),
            aliases=("MeterValuesSampleInterval",),  # the charger-sim-ocpp spelling (issue 17)
        ),
        KeySpec("StopTxnAlignedData", KeyType.MEASURANDS, "", max_items_key="StopTxnAlignedDataMaxLength"),
        KeySpec("StopTxnAlignedDataMaxLength", KeyType.INT, "10", readonly=True),
        KeySpec(
            "StopTxnSampledData",
            KeyType.MEASURANDS,
            "Energy.Active.Import.Register",
            max_items_key="StopTxnSampledDataMaxLength",
        ),
        KeySpec("StopTxnSampledDataMaxLength", KeyType.INT, "10", readonly=True),
        KeySpec("StopTransactionMaxMeterValues", KeyType.INT, "100", readonly=True),
        KeySpec("voltage_V", KeyType.FLOAT, "230.0", minimum=1.0, maximum=1000.0),
    )
