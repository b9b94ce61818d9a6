"""Signed meter values in OCMF (Eichrecht), an option of a charger (`[charger] signed_meter_values =
ocmf`): each StopTransaction.req carries, in its transactionData, one more MeterValue whose sampled value
(format SignedData, Energy.Active.Import.Register, Transaction.End) is an OCMF record with the begin and
end readings of the transaction in kWh ("MR", both in one record, the SAFE initiative's
StopTransactionSignatureFormat), signed with the charger's own key (ocppsim.pki.ocmf).

The key: EC P-256, one per charger, made at its first start and kept in a 0600 file (store/certificates.py).
Its public key goes to the central system at every connection in DataTransfer(vendorId
"generalConfiguration", messageId "setMeterConfiguration", data {"meters": [{"connectorId", "meterSerial",
"type": "SIGNATURE", "publicKey"}]}), the convention German central systems read it from; the record's
MS names the same meter serial. `ocppsim.driver.verify_ocmf` checks a record against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ocppsim.model.meter import MeterValue, SampledValue
from ocppsim.model.outgoing import DataTransferReq, Request, StartTransactionReq, StopTransactionReq
from ocppsim.model.types import Measurand, ReadingContext
from ocppsim.pki.ocmf import ocmf_record, ocmf_time, public_key_hex

if TYPE_CHECKING:
    from ocppsim.model.charger import Charger
    from ocppsim.store.certificates import Certificates

__all__ = ["METER_CONFIGURATION", "OcmfSigner"]

METER_CONFIGURATION = ("generalConfiguration", "setMeterConfiguration")
_KEY_ID = "ocmf"


class SignedSampledValue(NamedTuple):
    """A SampledValue with its format (section 7.43 ValueFormat SignedData): the same fields, then one
    more, which ocpp16/convert.py writes as "format". The meter's own values are Raw and need none."""

    value: str
    context: ReadingContext
    measurand: Measurand
    unit: None = None
    location: None = None
    phase: None = None
    format: str = "SignedData"


@dataclass(frozen=True, slots=True)
class _Start:
    connector_id: int
    meter_start_wh: int
    at: float
    id_tag: str


class OcmfSigner:
    __slots__ = ("_key", "_page", "_starts", "public_key")

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        self._key = key
        self.public_key = public_key_hex(key)
        self._page = 0  # OCMF PG "T<n>": the transaction context's counter
        self._starts: dict[int, _Start] = {}  # tx_ref -> what StartTransaction said

    @classmethod
    def for_charger(cls, certificates: Certificates, charger_id: str) -> OcmfSigner:
        """The charger's signing key, made and kept (0600) at its first start."""
        pem = certificates.load_key(charger_id, _KEY_ID)
        if pem is not None:
            key = serialization.load_pem_private_key(pem.encode(), None)
            if isinstance(key, ec.EllipticCurvePrivateKey):
                return cls(key)
        key = ec.generate_private_key(ec.SECP256R1())
        text = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        certificates.save_key(charger_id, _KEY_ID, text)
        return cls(key)

    @staticmethod
    def meter_serial(charger: Charger, connector_id: int) -> str:
        info = charger.state.boot_info
        base = info.meter_serial_number or charger.params.charge_point_id
        return base if charger.params.number_of_connectors == 1 else f"{base}-{connector_id}"

    def meter_configuration(self, charger: Charger) -> DataTransferReq:
        """The public key of every connector's meter, for the central system (sent at each connection)."""
        meters = [
            {
                "connectorId": cid,
                "meterSerial": self.meter_serial(charger, cid),
                "type": "SIGNATURE",
                "publicKey": self.public_key,
            }
            for cid in charger.connector_ids
        ]
        vendor, message = METER_CONFIGURATION
        return DataTransferReq(vendor, message, json.dumps({"meters": meters}, separators=(",", ":")))

    def observe(self, request: Request, charger: Charger) -> Request:
        """Remember what a StartTransaction says; give a StopTransaction its signed record."""
        if isinstance(request, StartTransactionReq):
            self._starts[request.tx_ref] = _Start(
                request.connector_id, request.meter_start, float(request.timestamp), request.id_tag
            )
            return request
        if not isinstance(request, StopTransactionReq):
            return request
        start = self._starts.pop(request.tx_ref, None)
        readings = []
        if start is not None:
            readings.append({"TM": ocmf_time(start.at), "TX": "B", **_reading(start.meter_start_wh)})
        end = {"TM": ocmf_time(float(request.timestamp)), "TX": "E", **_reading(request.meter_stop)}
        readings.append(end if start is None else {k: v for k, v in end.items() if k in ("TM", "TX", "RV")})
        self._page += 1
        info = charger.state.boot_info
        connector = start.connector_id if start is not None else 1
        payload: dict[str, object] = {
            "FV": "1.0",
            "GI": f"{info.charge_point_vendor} {info.charge_point_model}",
            "GS": info.charge_point_serial_number or charger.params.charge_point_id,
            "GV": info.firmware_version or "",
            "PG": f"T{self._page}",
            "MV": "ocppsim",
            "MS": self.meter_serial(charger, connector),
            "IS": start is not None,
            "IT": "UNDEFINED" if start is not None else "NONE",
            "ID": start.id_tag if start is not None else "",
            "CT": "CBIDC",
            "CI": f"{charger.params.charge_point_id} {connector}",
            "RD": readings,
        }
        signed = SignedSampledValue(
            ocmf_record(payload, self._key),
            ReadingContext.TRANSACTION_END,
            Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
        )
        # A SampledValue and one field more (its format): what convert.py reads of it is the same.
        value = MeterValue(request.timestamp, (cast(SampledValue, signed),))
        return replace(request, transaction_data=(*request.transaction_data, value))


def _reading(wh: int) -> dict[str, object]:
    """One OCMF reading of the energy register (OBIS 1-b:1.8.0), in kWh with three decimals."""
    return {"RV": round(wh / 1000.0, 3), "RI": "1-b:1.8.0", "RU": "kWh", "RT": "AC", "EF": "", "ST": "G"}
