"""Signed meter values on OCPP 2.0.1 end to end: a charger with `signed_meter_values = ocmf` speaking
2.0.1 against the built-in central system (which checks every frame against the 2.0.1 schemas). The
signed Transaction.Begin reading goes in the Started event, the signed End reading in the Ended event,
each as the signedMeterValue of the Raw register value it signs (SignedMeterValueType:
signedMeterData base64 of the OCMF document, encodingMethod OCMF, publicKey base64 of DER as
OCPPCommCtrlr.PublicKeyWithSignedMeterValue says). Every document is checked with the helper a CSMS
developer would use (ocppsim.ocmf)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance_201.steps import component, events, set_variables, variable
from conftest import Sim, SimFactory
from ocppsim import ocmf

TOKEN = "04A1B2C3"
Payload = dict[str, Any]


def signed_readings(sim: Sim, since: int = 0) -> list[tuple[Payload, Payload]]:
    """(TransactionEvent payload, sampledValue with a signedMeterValue) of every signed reading."""
    return [
        (event, sv)
        for event in events(sim, since)
        for mv in event.get("meterValue", ())
        for sv in mv["sampledValue"]
        if "signedMeterValue" in sv
    ]


async def session(sim: Sim) -> int:
    mark = sim.mark()
    await sim.cmd("plugin")
    await sim.cmd(f"tag {TOKEN}")
    await sim.advance(600)
    await sim.cmd("unplug")
    return mark


async def set_public_key_mode(sim: Sim, mode: str) -> None:
    (result,) = await set_variables(
        sim, (component("OCPPCommCtrlr"), variable("PublicKeyWithSignedMeterValue"), mode, None)
    )
    assert result["attributeStatus"] == "Accepted", result


async def test_signed_begin_and_end_verify(sim201_factory: SimFactory) -> None:
    sim: Sim = await sim201_factory(signed_meter_values="ocmf")
    # 2.0.1 has no DataTransfer setMeterConfiguration: the key goes with the values.
    assert sim.calls("DataTransfer") == []
    mark = await session(sim)
    signed = signed_readings(sim, mark)
    assert [(e["eventType"], e["triggerReason"], sv["context"]) for e, sv in signed] == [
        ("Started", "Authorized", "Transaction.Begin"),
        ("Ended", "EVCommunicationLost", "Transaction.End"),
    ]
    begin_event, begin = signed[0]
    key = begin["signedMeterValue"]["publicKey"]
    assert key == sim.station.signer.public_key_base64  # type: ignore[union-attr]
    # OncePerTransaction (the default): the key with the first signed value only.
    assert signed[1][1]["signedMeterValue"]["publicKey"] == ""
    # The CSMS learnt the key from the value, per EVSE, as it does from 1.6's DataTransfer.
    assert sim.csms.meter_keys[sim.id] == {1: key}
    started = begin_event
    tx_id = started["transactionInfo"]["transactionId"]
    readings = []
    for event, sv in signed:
        smv = sv["signedMeterValue"]
        assert (smv["encodingMethod"], smv["signingMethod"]) == ("OCMF", "ECDSA-secp256r1-SHA256")
        assert sv["measurand"] == "Energy.Active.Import.Register"
        assert sv["unitOfMeasure"] == {"unit": "Wh"}
        assert event["transactionInfo"]["transactionId"] == tx_id
        document = ocmf.verify(ocmf.document_of(smv["signedMeterData"]), key)
        (reading,) = document["RD"]
        assert reading["RV"] == sv["value"]  # the signed number is the value it rides on
        assert (document["ID"], document["IT"], document["CI"]) == (TOKEN, "ISO14443", f"{sim.id} 1")
        readings.append(reading)
    begin_reading, end_reading = readings
    assert (begin_reading["TX"], end_reading["TX"]) == ("B", "E")
    assert end_reading["RV"] > begin_reading["RV"]
    # Signed once each: no other event carries a signed value, none says SignedDataReceived.
    assert all(e["triggerReason"] != "SignedDataReceived" for e in events(sim, mark))
    # A tampered reading or another key fails.
    document = ocmf.document_of(begin["signedMeterValue"]["signedMeterData"])
    with pytest.raises(ocmf.OcmfError):
        ocmf.verify(document.replace(f'"RV":{begin_reading["RV"]}', '"RV":99999'), key)


@pytest.mark.parametrize(("mode", "with_key"), [("EveryMeterValue", [True, True]), ("Never", [False, False])])
async def test_public_key_modes(sim201_factory: SimFactory, mode: str, with_key: list[bool]) -> None:
    sim: Sim = await sim201_factory(signed_meter_values="ocmf")
    await set_public_key_mode(sim, mode)
    mark = await session(sim)
    signed = signed_readings(sim, mark)
    assert [bool(sv["signedMeterValue"]["publicKey"]) for _, sv in signed] == with_key
    key = sim.station.signer.public_key_base64  # type: ignore[union-attr]
    for _, sv in signed:
        smv = sv["signedMeterValue"]
        assert smv["publicKey"] in ("", key)
        ocmf.verify(ocmf.document_of(smv["signedMeterData"]), key)


async def test_once_per_transaction_again_for_the_next(sim201_factory: SimFactory) -> None:
    sim: Sim = await sim201_factory(signed_meter_values="ocmf")
    for _ in range(2):
        mark = await session(sim)
        assert [bool(sv["signedMeterValue"]["publicKey"]) for _, sv in signed_readings(sim, mark)] == [
            True,
            False,
        ]


async def test_sign_readings_false_signs_nothing(sim201_factory: SimFactory) -> None:
    sim: Sim = await sim201_factory(signed_meter_values="ocmf")
    (result,) = await set_variables(
        sim, (component("SampledDataCtrlr"), variable("SignReadings"), "false", None)
    )
    assert result["attributeStatus"] == "Accepted"
    mark = await session(sim)
    assert signed_readings(sim, mark) == []
    kinds = [(e["eventType"], e["triggerReason"]) for e in events(sim, mark)]
    assert kinds[0][0] == "Started" and kinds[-1][0] == "Ended"
    assert all(trigger != "SignedDataReceived" for _, trigger in kinds)


async def test_without_a_signing_meter_nothing_is_signed(sim201: Sim) -> None:
    mark = await session(sim201)
    assert signed_readings(sim201, mark) == []
    assert sim201.station.signer is None


async def test_end_reading_signed_when_tx_ended_measurands_leave_out_the_register(
    sim201_factory: SimFactory,
) -> None:
    sim: Sim = await sim201_factory(signed_meter_values="ocmf")
    (result,) = await set_variables(
        sim, (component("SampledDataCtrlr"), variable("TxEndedMeasurands"), "Power.Active.Import", None)
    )
    assert result["attributeStatus"] == "Accepted", result
    mark = await session(sim)
    ended = next(e for e in events(sim, mark) if e["eventType"] == "Ended")
    (end,) = [
        sv
        for mv in ended["meterValue"]
        for sv in mv["sampledValue"]
        if sv.get("context") == "Transaction.End" and sv["measurand"] == "Energy.Active.Import.Register"
    ]
    key = sim.station.signer.public_key_base64  # type: ignore[union-attr]
    document = ocmf.verify(ocmf.document_of(end["signedMeterValue"]["signedMeterData"]), key)
    assert document["RD"][0]["RV"] == end["value"]
