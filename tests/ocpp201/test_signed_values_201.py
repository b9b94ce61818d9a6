"""Signed meter values in the 2.0.1 adapter: a SignedData value (runtime/ocmf_signer.py) becomes the
signedMeterValue of the Raw value it signs (convert.meter_values, SignedMeterValueType as the schema
has it), the signer's End reading for the Ended event (complete_ended), the public key in base64 of DER
(ocmf.public_key_base64 / load_public_key) and signedMeterData back to the document (ocmf.document_of)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ocppsim import ocmf
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.meter import MeterValue, SampledValue
from ocppsim.model.outgoing import BootInfo, MeterValuesReq, SignedReading, StopTransactionReq
from ocppsim.model.types import (
    Location,
    Measurand,
    ReadingContext,
    Reason,
    Timestamp,
    UnitOfMeasure,
    ValueFormat,
)
from ocppsim.ocpp201 import convert
from ocppsim.ocpp201.validation import validators
from ocppsim.runtime.ocmf_signer import OcmfSigner

T0 = 1_780_000_000.0
END = ReadingContext.TRANSACTION_END
BEGIN = ReadingContext.TRANSACTION_BEGIN
REGISTER = Measurand.ENERGY_ACTIVE_IMPORT_REGISTER


def charger() -> Charger:
    boot = BootInfo("Vendor", "Model", charge_point_serial_number="SN-1")
    params = ChargerParams("CP", ocpp_versions=("2.0.1",), boot_info=boot, signed_meter_values="ocmf")
    return Charger(params, now=T0)


def raw(wh: int, context: ReadingContext) -> SampledValue:
    return SampledValue(str(wh), context, REGISTER, UnitOfMeasure.WH, Location.OUTLET)


def reading(wh: int, context: ReadingContext, at: float) -> MeterValuesReq:
    kind = "B" if context is BEGIN else "E"
    return MeterValuesReq(
        1, (MeterValue(Timestamp(at), (raw(wh, context),)),), 7, context, SignedReading(kind, wh, "AB", True)
    )


def stop(data: tuple[MeterValue, ...], at: float) -> StopTransactionReq:
    return StopTransactionReq(
        tx_ref=7,
        meter_stop=2000,
        timestamp=Timestamp(at),
        reason=Reason.EV_DISCONNECTED,
        transaction_data=data,
    )


def event(values: list[dict[str, object]]) -> dict[str, object]:
    return {
        "eventType": "Updated",
        "timestamp": "2026-01-01T00:00:00Z",
        "triggerReason": "SignedDataReceived",
        "seqNo": 1,
        "transactionInfo": {"transactionId": "7"},
        "meterValue": values,
    }


def test_a_signed_value_rides_on_its_raw_value_and_passes_the_schema() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    signer = OcmfSigner("CP", key)
    signed = signer.sign(reading(1234, BEGIN, T0), charger())
    public = ocmf.public_key_base64(key)
    (mv,) = convert.meter_values(signed.meter_value, public)
    (sv,) = mv["sampledValue"]  # the SignedData value is no value of its own
    assert sv["value"] == 1234 and sv["context"] == "Transaction.Begin"
    smv = sv["signedMeterValue"]
    assert (smv["encodingMethod"], smv["signingMethod"], smv["publicKey"]) == (
        "OCMF",
        "ECDSA-secp256r1-SHA256",
        public,
    )
    document = ocmf.verify(ocmf.document_of(smv["signedMeterData"]), public)
    assert document["RD"][0]["RV"] == 1234
    validators.request("TransactionEvent", event([mv]))  # the 2.0.1 schema: lengths and fields
    # Without the key this time (PublicKeyWithSignedMeterValue): publicKey is required, so "".
    (mv,) = convert.meter_values(signed.meter_value)
    assert mv["sampledValue"][0]["signedMeterValue"]["publicKey"] == ""
    validators.request("TransactionEvent", event([mv]))


def test_unsigned_values_are_unchanged() -> None:
    values = (MeterValue(Timestamp(T0), (raw(5, ReadingContext.SAMPLE_PERIODIC),)),)
    assert convert.meter_values(values, "KEY") == [
        {
            "timestamp": convert.format_time(T0),
            "sampledValue": [
                {
                    "value": 5,
                    "context": "Sample.Periodic",
                    "measurand": "Energy.Active.Import.Register",
                    "location": "Outlet",
                    "unitOfMeasure": {"unit": "Wh"},
                }
            ],
        }
    ]


def test_complete_ended_puts_the_end_reading_beside_its_raw_value() -> None:
    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    c = charger()
    signer.sign(reading(1000, BEGIN, T0), c)
    signer.sign(reading(2000, END, T0 + 60), c)
    # TxEndedMeasurands took the register at the end: the signed value joins that MeterValue.
    done = signer.complete_ended(stop((MeterValue(Timestamp(T0 + 60), (raw(2000, END),)),), T0 + 60))
    (end,) = done.transaction_data  # the Begin reading went in its own event: not repeated
    assert [v.format for v in end.sampled_value] == [None, ValueFormat.SIGNED_DATA]
    (mv,) = convert.meter_values(done.transaction_data)
    (sv,) = mv["sampledValue"]
    assert sv["value"] == 2000 and "signedMeterValue" in sv
    # Nothing left for a second Ended of the same transaction.
    again = stop((), T0 + 60)
    assert signer.complete_ended(again) is again


def test_complete_ended_adds_the_raw_register_when_not_sampled() -> None:
    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    signer.sign(reading(2000, END, T0 + 60), charger())
    power = SampledValue("11000", END, Measurand.POWER_ACTIVE_IMPORT, UnitOfMeasure.W, Location.OUTLET)
    done = signer.complete_ended(stop((MeterValue(Timestamp(T0 + 60), (power,)),), T0 + 60))
    (mv,) = convert.meter_values(done.transaction_data)
    assert [(sv["measurand"], "signedMeterValue" in sv) for sv in mv["sampledValue"]] == [
        ("Power.Active.Import", False),
        ("Energy.Active.Import.Register", True),
    ]
    # No End entry at all (TxEndedMeasurands empty): one of its own.
    signer.sign(reading(2100, END, T0 + 90), charger())
    (mv,) = convert.meter_values(signer.complete_ended(stop((), T0 + 90)).transaction_data)
    (sv,) = mv["sampledValue"]
    assert sv["value"] == 2100 and "signedMeterValue" in sv


def test_the_public_key_forms() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    b64 = ocmf.public_key_base64(key)
    assert base64.b64decode(b64).hex().upper() == ocmf.public_key_hex(key)
    assert ocmf.public_key_hex(ocmf.load_public_key(b64)) == ocmf.public_key_hex(key)
    assert len(b64) <= 2500
    with pytest.raises(ocmf.OcmfError):
        ocmf.load_public_key("not a key!")
    with pytest.raises(ocmf.OcmfError):
        ocmf.document_of("%%%")
    assert ocmf.document_of(ocmf.signed_meter_data("OCMF|{}|{}")) == "OCMF|{}|{}"


def test_sign_started_signs_the_start_once() -> None:
    from ocppsim.model.outgoing import StartTransactionReq

    key = ec.generate_private_key(ec.SECP256R1())
    signer = OcmfSigner("CP", key)
    c = charger()
    start = StartTransactionReq(7, 1, "AB", 1000, Timestamp(T0), trigger="SignedDataReceived")
    document = signer.sign_started(start, c)
    payload = ocmf.verify(document, ocmf.public_key_base64(key))
    assert (payload["RD"][0]["TX"], payload["RD"][0]["RV"], payload["ID"], payload["PG"]) == (
        "B",
        1000,
        "AB",
        "T1",
    )
    # The model's Transaction.Begin reading of that start is not signed a second time ...
    begin = signer.sign(reading(1000, BEGIN, T0), c)
    assert begin.sign is None and len(begin.meter_value[0].sampled_value) == 1
    assert signer.pagination == 1
    # ... but the End reading is, and the next transaction's Begin again.
    signer.sign(reading(1500, END, T0 + 60), c)
    assert signer.pagination == 2
    again = signer.sign(reading(1500, BEGIN, T0 + 120), c)
    assert len(again.meter_value[0].sampled_value) == 2 and signer.pagination == 3
