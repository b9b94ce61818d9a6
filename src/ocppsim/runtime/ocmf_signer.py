"""The signing component of a charger with signed meter values (German calibration law, Eichrecht;
INI `[charger] signed_meter_values = ocmf`): it signs the readings the model marks (`SignedReading`:
Transaction.Begin and Transaction.End of Energy.Active.Import.Register, model/metering/block.py) as OCMF
documents (ocppsim/ocmf.py), and tells the CSMS its public key after every accepted BootNotification.

Sources followed:
- OCMF 1.2 (S.A.F.E. e.V., github.com/SAFE-eV/OCMF-Open-Charge-Metering-Format, OCMF-en.md): the
  document and its fields; "Embedding in OCPP": the signed document is the value of a SampledValue of
  format SignedData, sent besides the Raw value of the same reading, one record per reading (the
  "SR", SingleReading, form of its StopTransactionSignatureFormat); "Pagination": one "T" counter per
  signing component, incremented per record (persisted: store/ocmf_keys.py).
- The public key in OCPP 1.6, which has no message for it, in the form German stations send and German
  CSMSs read (the OCA application note on the German calibration law in OCPP 1.6; checked against what
  is deployed: KEBA KC-P30 as parsed by the EVtivity CSMS, lib/meter-configuration.ts, and the same
  vendorId / messageId constants in an open test station's sources): DataTransfer vendorId
  "generalConfiguration", messageId "setMeterConfiguration", data
  {"meters":[{"connectorId":1,"meterSerial":"...","type":"SIGNATURE","publicKey":"<hex of DER>"}]},
  sent after each BootNotification the CSMS accepted ("nach jeder BootNotification", has.to.be's
  be.ENERGISED guide "Technische Übermittlung von Signaturdaten").
- be.ENERGISED ("Eichrecht - Transmission of data") suggests "that all relevant values which should be
  checked by the Transparenzsoftware are sent as part of the StopTransactionRequest": the signed Begin
  and End values also go into StopTransaction.req transactionData (`complete_stop`). Kept in memory per
  open transaction: after a restart in the middle of a transaction its Begin value went out in its
  MeterValues only.
- Not done: the later OCA "Signed Meter Values in OCPP" (2025) wraps the document as a JSON object
  (signedMeterData in base64, encodingMethod, publicKey) in the 1.6 value; the plain OCMF string here is
  what OCMF 1.2 and the deployed backends (be.ENERGISED, Transparenzsoftware) read.

The key: ECDSA secp256r1 (OCMF Table 22's default, "ECDSA-secp256r1-SHA256"), one per charger (one
signing component for all its connectors: each connector is its own meter, "MS" <serial>-<connector> when
there are several, and the record names the connector in CT/CI). Generated on the first start and kept
in the store; only its public half is ever logged or announced.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ocppsim import ocmf
from ocppsim.model.meter import MeterValue, SampledValue
from ocppsim.model.outgoing import (
    DataTransferReq,
    MeterValuesReq,
    SignedReading,
    StartTransactionReq,
    StopTransactionReq,
)
from ocppsim.model.types import Location, Measurand, ReadingContext, Timestamp, UnitOfMeasure, ValueFormat

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

    from ocppsim.model.charger import Charger

__all__ = [
    "METER_CONFIGURATION_MESSAGE_ID",
    "METER_CONFIGURATION_VENDOR_ID",
    "OcmfKeyRecords",
    "OcmfSigner",
    "ocmf_time",
]

METER_CONFIGURATION_VENDOR_ID = "generalConfiguration"
METER_CONFIGURATION_MESSAGE_ID = "setMeterConfiguration"
# OBIS code of the active energy import register, total (IEC 62056-6-1): what RI names.
_OBIS_ENERGY_IMPORT = "1-0:1.8.0"
# OCMF Table 17: a hex UID of 4 or 7 bytes reads as an ISO 14443 card; any other idTag is "UNDEFINED"
# (type not specified): OCPP 1.6 says nothing about how an idTag was made.
_ISO14443_LENGTHS = (8, 14)
_HEX = frozenset("0123456789abcdefABCDEF")


class OcmfKeyRecords(Protocol):
    """Where the key and the pagination counter are kept (ocppsim.store.ocmf_keys.OcmfKeys)."""

    def load(self, charger_id: str) -> tuple[str, int] | None: ...
    def save_key(self, charger_id: str, private_key_pem: str) -> None: ...
    def save_pagination(self, charger_id: str, pagination: int) -> None: ...


def ocmf_time(timestamp: float, synchronized: bool) -> str:
    """OCMF Table 7 "TM": ISO 8601 with milliseconds after a comma and a +hhmm zone, then the time
    status (Table 19): "S" synchronized (a CSMS accepted the boot: SignedReading.clock_set), "U" unknown."""
    when = datetime.fromtimestamp(timestamp, UTC)
    return f"{when:%Y-%m-%dT%H:%M:%S},{when.microsecond // 1000:03d}+0000 {'S' if synchronized else 'U'}"


def _identification_type(id_tag: str) -> str:
    if len(id_tag) in _ISO14443_LENGTHS and set(id_tag) <= _HEX:
        return "ISO14443"
    return "UNDEFINED"


def _is_raw_register(value: SampledValue, context: ReadingContext) -> bool:
    return (
        value.measurand is Measurand.ENERGY_ACTIVE_IMPORT_REGISTER
        and value.phase is None
        and value.format is not ValueFormat.SIGNED_DATA
        and value.context is context
    )


class OcmfSigner:
    __slots__ = (
        "_charger_id",
        "_key",
        "_records",
        "_signed",
        "_started",
        "announced",
        "pagination",
        "public_key",
        "public_key_base64",
    )

    def __init__(
        self,
        charger_id: str,
        key: ec.EllipticCurvePrivateKey,
        *,
        pagination: int = 0,
        records: OcmfKeyRecords | None = None,
    ) -> None:
        self._charger_id = charger_id
        self._key = key
        self._records = records
        self.pagination = pagination  # the last "T" number used
        self.public_key = ocmf.public_key_hex(key)  # hex of DER: what setMeterConfiguration carries
        self.public_key_base64 = ocmf.public_key_base64(key)  # what 2.0.1 SignedMeterValueType carries
        self.announced = False  # the public key went out since the last BootNotification was accepted
        # The signed values of each open transaction (by tx_ref), each with the Raw register value it
        # signs, for its StopTransaction (1.6) or its Ended event (2.0.1).
        self._signed: dict[int, list[tuple[Timestamp, SampledValue, SampledValue | None]]] = {}
        # 2.0.1 transactions whose Started event carried the signed start reading (`sign_started`).
        self._started: set[int] = set()

    def __repr__(self) -> str:  # never the key
        return f"OcmfSigner({self._charger_id!r}, public_key={self.public_key[-16:]}..., T{self.pagination})"

    @classmethod
    def open(
        cls, charger_id: str, records: OcmfKeyRecords | None, log: logging.LoggerAdapter[Any]
    ) -> OcmfSigner:
        """The charger's key from `records`, or a new one (saved there) on the first start."""
        # cryptography for a charger that signs, not in every charger process (~10 MiB of RSS).
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

        row = records.load(charger_id) if records is not None else None
        if row is not None:
            loaded = serialization.load_pem_private_key(row[0].encode(), password=None)
            if not isinstance(loaded, ec.EllipticCurvePrivateKey):
                raise TypeError("the stored OCMF signing key is not an elliptic curve key")
            signer = cls(charger_id, loaded, pagination=row[1], records=records)
            log.info("OCMF signing key loaded; public key %s", signer.public_key)
            return signer
        key = ec.generate_private_key(ec.SECP256R1())
        if records is not None:
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            records.save_key(charger_id, pem.decode())
        signer = cls(charger_id, key, records=records)
        log.info("OCMF signing key generated; public key %s", signer.public_key)
        return signer

    # ------------------------------------------------------------------ signing

    def sign(self, request: MeterValuesReq, charger: Charger) -> MeterValuesReq:
        """`request` with its reading signed: the OCMF document added to its first meter value as a
        SignedData Energy.Active.Import.Register value of the same context, `sign` cleared."""
        reading = request.sign
        if reading is None or not request.meter_value:
            return request
        if request.context is ReadingContext.TRANSACTION_BEGIN and request.tx_ref in self._started:
            # 2.0.1: the Started event carried it (`sign_started`).
            self._started.discard(request.tx_ref)
            return replace(request, sign=None)
        first = request.meter_value[0]
        signed = self._signed_value(reading, request.connector_id, first.timestamp, request.context, charger)
        if request.tx_ref is not None:
            raw = next((v for v in first.sampled_value if _is_raw_register(v, request.context)), None)
            self._signed.setdefault(request.tx_ref, []).append((first.timestamp, signed, raw))
        values = (MeterValue(first.timestamp, (*first.sampled_value, signed)), *request.meter_value[1:])
        return replace(request, meter_value=values, sign=None)

    def _signed_value(
        self,
        reading: SignedReading,
        connector_id: int,
        timestamp: Timestamp,
        context: ReadingContext,
        charger: Charger,
    ) -> SampledValue:
        """The next record (pagination counted and kept) as a SignedData register value."""
        self.pagination += 1
        payload = self.payload(reading, connector_id, timestamp, charger)
        document = ocmf.sign(ocmf.encode_payload(payload), self._key)
        if self._records is not None:
            self._records.save_pagination(self._charger_id, self.pagination)
        return SampledValue(
            document,
            context,
            Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
            UnitOfMeasure.WH,
            Location.OUTLET,
            None,
            ValueFormat.SIGNED_DATA,
        )

    def sign_started(self, request: StartTransactionReq, charger: Charger) -> str:
        """OCPP 2.0.1: the signed start reading goes in the Started event (ocpp201/wire.py; with
        TxStartPoint DataSigned it is what starts the transaction, E01). The reading of `meter_start`
        signed now, the OCMF document returned; the model's Transaction.Begin reading that follows in
        the same instant is the same number and is not signed again (`sign`)."""
        context = ReadingContext.TRANSACTION_BEGIN
        reading = SignedReading("B", request.meter_start, request.id_tag or None, charger.ever_accepted)
        signed = self._signed_value(reading, request.connector_id, request.timestamp, context, charger)
        raw = SampledValue(
            str(request.meter_start),
            context,
            Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
            UnitOfMeasure.WH,
            Location.OUTLET,
        )
        self._signed.setdefault(request.tx_ref, []).append((request.timestamp, signed, raw))
        self._started.add(request.tx_ref)
        return signed.value

    def complete_stop(self, request: StopTransactionReq) -> StopTransactionReq:
        """The transaction's signed values also in its StopTransaction.req transactionData (where
        be.ENERGISED and the Transparenzsoftware look for "all relevant values"), each beside the Raw
        entry of its context and time when there is one."""
        signed = self._signed.pop(request.tx_ref, None)
        if not signed:
            return request
        data = list(request.transaction_data)
        for timestamp, value, _ in signed:
            index = next(
                (
                    i
                    for i, mv in enumerate(data)
                    if mv.timestamp == timestamp
                    and mv.sampled_value[:1]
                    and mv.sampled_value[0].context is value.context
                ),
                None,
            )
            if index is not None:
                data[index] = MeterValue(timestamp, (*data[index].sampled_value, value))
            elif value.context is ReadingContext.TRANSACTION_BEGIN:
                data.insert(0, MeterValue(timestamp, (value,)))
            else:
                data.append(MeterValue(timestamp, (value,)))
        return replace(request, transaction_data=tuple(data))

    def complete_ended(self, request: StopTransactionReq) -> StopTransactionReq:
        """OCPP 2.0.1: the signed Transaction.End reading in the values of the Ended event (J02: the
        transaction's last register reading, signed), beside the Raw register of the same time and
        context, which ocpp201/convert.py turns into one sampledValue with its signedMeterValue; the
        Raw value is added when TxEndedMeasurands left the register out. The Begin reading went out in
        the Started event (ocpp201/wire.py), so it is not repeated."""
        self._started.discard(request.tx_ref)
        signed = self._signed.pop(request.tx_ref, None)
        if not signed:
            return request
        data = list(request.transaction_data)
        for timestamp, value, raw in signed:
            if value.context is not ReadingContext.TRANSACTION_END:
                continue
            index = next(
                (
                    i
                    for i, mv in enumerate(data)
                    if mv.timestamp == timestamp
                    and any(sv.context is ReadingContext.TRANSACTION_END for sv in mv.sampled_value)
                ),
                None,
            )
            if index is None:
                data.append(MeterValue(timestamp, (*((raw,) if raw is not None else ()), value)))
                continue
            present = data[index].sampled_value
            if raw is not None and not any(_is_raw_register(v, value.context) for v in present):
                present = (*present, raw)
            data[index] = MeterValue(timestamp, (*present, value))
        return replace(request, transaction_data=tuple(data))

    def payload(
        self, reading: SignedReading, connector_id: int, timestamp: float, charger: Charger
    ) -> dict[str, Any]:
        """The payload section's fields (OCMF Tables 1-7), in the specification's order."""
        boot = charger.state.boot_info
        payload: dict[str, Any] = {
            "FV": "1.0",
            "GI": f"{boot.charge_point_vendor} {boot.charge_point_model}",
            "GS": boot.charge_point_serial_number or self._charger_id,
            # GV (0..1): the firmware version, when the charger reports one
            **({"GV": boot.firmware_version} if boot.firmware_version else {}),
            "PG": f"T{self.pagination}",
            "MV": boot.charge_point_vendor,
            "MM": boot.meter_type or "ocppsim meter",
            "MS": self.meter_serial(charger, connector_id),
            "IS": reading.id_tag is not None,
            "IT": _identification_type(reading.id_tag) if reading.id_tag else "NONE",
        }
        if reading.id_tag:
            payload["ID"] = reading.id_tag
        payload["CT"] = "CBIDC"
        payload["CI"] = f"{self._charger_id} {connector_id}"
        payload["RD"] = [
            {
                "TM": ocmf_time(timestamp, reading.clock_set),
                "TX": reading.reason,
                "RV": reading.wh,
                "RI": _OBIS_ENERGY_IMPORT,
                "RU": "Wh",
                "RT": "AC",
                "EF": "",
                "ST": "G",
            }
        ]
        return payload

    def meter_serial(self, charger: Charger, connector_id: int) -> str:
        """Each connector is a meter: the BootNotification's meterSerialNumber (or the charge point id),
        with the connector appended when there are several."""
        base = charger.state.boot_info.meter_serial_number or self._charger_id
        return base if len(charger.connector_ids) == 1 else f"{base}-{connector_id}"

    # ------------------------------------------------------------------ the public key

    def meter_configuration(self, charger: Charger) -> DataTransferReq:
        """DataTransfer generalConfiguration / setMeterConfiguration: every meter with the public key."""
        meters = [
            {
                "connectorId": cid,
                "meterSerial": self.meter_serial(charger, cid),
                "type": "SIGNATURE",
                "publicKey": self.public_key,
            }
            for cid in charger.connector_ids
        ]
        data = json.dumps({"meters": meters}, separators=(",", ":"))
        return DataTransferReq(METER_CONFIGURATION_VENDOR_ID, METER_CONFIGURATION_MESSAGE_ID, data)
