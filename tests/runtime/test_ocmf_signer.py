"""The signing component (runtime/ocmf_signer.py): a key generated on the first start and kept in the
store (the same key and the pagination going on after a restart), signing the readings the model marks
into SignedData values that verify and name the right meter and reading, the setMeterConfiguration
announcement, and the private key nowhere in a log or a repr."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ocppsim import ocmf
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.meter import MeterValue, SampledValue
from ocppsim.model.outgoing import BootInfo, MeterValuesReq, SignedReading
from ocppsim.model.types import Measurand, ReadingContext, Timestamp, UnitOfMeasure, ValueFormat
from ocppsim.ocpp16.convert import request_payload
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.ocmf_signer import OcmfSigner, ocmf_time
from ocppsim.store import Store

T0 = 1_780_000_000.0
LOG = logging.LoggerAdapter(logging.getLogger("ocppsim.test.ocmf"), {"charger": "CP"})


def charger(connectors: int = 1) -> Charger:
    boot = BootInfo("Vendor", "Model", charge_point_serial_number="SN-1", firmware_version="fw-2")
    params = ChargerParams("CP", number_of_connectors=connectors, boot_info=boot, signed_meter_values="ocmf")
    return Charger(params, now=T0)


def begin_request(wh: int = 1234, id_tag: str | None = "04A1B2C3") -> MeterValuesReq:
    raw = SampledValue(
        str(wh), ReadingContext.TRANSACTION_BEGIN, Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, UnitOfMeasure.WH
    )
    return MeterValuesReq(
        1,
        (MeterValue(Timestamp(T0), (raw,)),),
        7,
        ReadingContext.TRANSACTION_BEGIN,
        SignedReading("B", wh, id_tag, clock_set=True),
    )


def test_signed_value_verifies_and_says_what_was_read() -> None:
    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    signed = signer.sign(begin_request(), charger())
    assert signed.sign is None and signed.tx_ref == 7
    raw, value = signed.meter_value[0].sampled_value
    assert raw.value == "1234" and raw.format is None
    assert value.format is ValueFormat.SIGNED_DATA
    assert (value.context, value.measurand, value.unit) == (
        ReadingContext.TRANSACTION_BEGIN,
        Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
        UnitOfMeasure.WH,
    )
    payload = ocmf.verify(value.value, signer.public_key)
    assert payload["GI"] == "Vendor Model" and payload["GS"] == "SN-1" and payload["GV"] == "fw-2"
    assert payload["PG"] == "T1" and payload["MS"] == "CP"
    assert (payload["IS"], payload["IT"], payload["ID"]) == (True, "ISO14443", "04A1B2C3")
    assert (payload["CT"], payload["CI"]) == ("CBIDC", "CP 1")
    (reading,) = payload["RD"]
    assert reading == {
        "TM": ocmf_time(T0, True),
        "TX": "B",
        "RV": 1234,
        "RI": "1-0:1.8.0",
        "RU": "Wh",
        "RT": "AC",
        "EF": "",
        "ST": "G",
    }
    # On the wire: a SampledValue of format SignedData, valid for the MeterValues schema.
    wire = orjson.loads(orjson.dumps(request_payload(signed, 42)))
    validators.request("MeterValues", wire)
    assert wire["meterValue"][0]["sampledValue"][1]["format"] == "SignedData"
    assert "format" not in wire["meterValue"][0]["sampledValue"][0]  # Raw stays implicit


def test_time_and_identification_forms() -> None:
    assert ocmf_time(1_544_000_000.25, True) == "2018-12-05T08:53:20,250+0000 S"
    assert ocmf_time(1_544_000_000.0, False).endswith(" U")
    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    ch = charger(connectors=2)
    doc = signer.sign(begin_request(id_tag="user@example"), ch).meter_value[0].sampled_value[-1].value
    payload = ocmf.verify(doc, signer.public_key)
    assert payload["IT"] == "UNDEFINED" and payload["MS"] == "CP-1"  # several connectors: one meter each
    bare = Charger(ChargerParams("CP", signed_meter_values="ocmf"), now=T0)  # no firmware version, no serial
    payload = ocmf.verify(
        signer.sign(begin_request(), bare).meter_value[0].sampled_value[-1].value, signer.public_key
    )
    assert "GV" not in payload and payload["GS"] == "CP" and payload["GI"] == "ocppsim ocppsim"


def test_the_meter_configuration_announces_every_connector() -> None:
    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    request = signer.meter_configuration(charger(connectors=2))
    payload = request_payload(request, None)
    validators.request("DataTransfer", payload)
    assert (payload["vendorId"], payload["messageId"]) == ("generalConfiguration", "setMeterConfiguration")
    meters = json.loads(payload["data"])["meters"]
    assert [(m["connectorId"], m["meterSerial"], m["type"]) for m in meters] == [
        (1, "CP-1", "SIGNATURE"),
        (2, "CP-2", "SIGNATURE"),
    ]
    assert {m["publicKey"] for m in meters} == {signer.public_key}
    ocmf.load_public_key(signer.public_key)  # hex of DER, as German backends read it


def test_the_key_is_made_once_and_the_pagination_goes_on(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first = OcmfSigner.open("CP", store.ocmf_keys, LOG)
    first.sign(begin_request(), charger())
    first.sign(begin_request(), charger())
    store.flush()
    store.close()
    store = Store(tmp_path)
    again = OcmfSigner.open("CP", store.ocmf_keys, LOG)
    assert again.public_key == first.public_key
    doc = again.sign(begin_request(), charger()).meter_value[0].sampled_value[-1].value
    assert ocmf.verify(doc, first.public_key)["PG"] == "T3"  # never a number used before
    other = OcmfSigner.open("OTHER", store.ocmf_keys, LOG)
    assert other.public_key != first.public_key  # one key per charger
    store.close()


def test_the_private_key_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = Store(tmp_path)
    signer = OcmfSigner.open("CP", store.ocmf_keys, LOG)
    store.flush()
    loaded = store.ocmf_keys.load("CP")
    assert loaded is not None
    pem, _ = loaded
    assert "PRIVATE KEY" in pem
    secret = signer._key.private_numbers().private_value
    for text in (caplog.text, repr(signer)):
        assert "PRIVATE" not in text and pem.splitlines()[1] not in text
        assert f"{secret:X}" not in text and f"{secret:x}" not in text
    assert signer.public_key in caplog.text  # the public half is what an operator needs
    store.close()


def test_the_signed_values_join_the_stop_transaction() -> None:
    """Beside the Raw entry of the same context and time; inserted (Begin) or appended (End) when
    StopTxnSampledData left none; nothing for a transaction the signer never signed for."""
    from ocppsim.model.outgoing import StopTransactionReq
    from ocppsim.model.types import Reason

    signer = OcmfSigner("CP", ec.generate_private_key(ec.SECP256R1()))
    ch = charger()
    begin = signer.sign(begin_request(), ch).meter_value[0].sampled_value[-1]
    end_raw = SampledValue(
        "2000", ReadingContext.TRANSACTION_END, Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, UnitOfMeasure.WH
    )
    end_req = MeterValuesReq(
        1,
        (MeterValue(Timestamp(T0 + 60), (end_raw,)),),
        7,
        ReadingContext.TRANSACTION_END,
        SignedReading("E", 2000, "04A1B2C3", clock_set=True),
    )
    end = signer.sign(end_req, ch).meter_value[0].sampled_value[-1]
    periodic = MeterValue(Timestamp(T0 + 30), (end_raw._replace(context=ReadingContext.SAMPLE_PERIODIC),))
    data = (periodic, MeterValue(Timestamp(T0 + 60), (end_raw,)))
    stop = StopTransactionReq(7, 2000, Timestamp(T0 + 60), Reason.LOCAL, "04A1B2C3", data)
    done = signer.complete_stop(stop)
    assert [mv.sampled_value for mv in done.transaction_data] == [
        (begin,),
        periodic.sampled_value,
        (end_raw, end),
    ]
    assert signer.complete_stop(stop) == stop  # given once; another transaction gets nothing
    other = StopTransactionReq(8, 0, Timestamp(T0), Reason.LOCAL)
    assert signer.complete_stop(other) is other
