"""The central system's side of a charge point certificate update (Security Whitepaper edition 2 and
OCPP 2.0.1, A02 / A03): SignCertificate is answered Accepted when the CSR can be processed (A02.FR.11;
Rejected otherwise, FR.12), the CSR goes to the CA (csms/ca.py, run by the CPO: A02.FR.04 allows it),
and the signed certificate comes back to the charge point in CertificateSigned once the answer went
out. A 2.0.1 charger's certificateType is answered in kind: its CertificateSigned names the type, and a
V2GCertificate is signed by the V2G CA when one is given (`v2g_ca`; else the same CA).

The CSMS can also start an update and send a certificate of its own choosing (`request_certificate`,
`send_certificate`: what an operator's "renew certificate" button or a test tool does)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from ocppsim.csms.ca import CertificateAuthority
from ocppsim.ocpp16.framing import Call
from ocppsim.transport.ws_closed import CONNECTION_CLOSED

__all__ = ["CertificateSigning"]

_V2G = "V2GCertificate"
# 2.0.1 TriggerMessage requestedMessage per certificateType (F06 / A02 step 1).
_TRIGGERS_201 = {
    "ChargingStationCertificate": "SignChargingStationCertificate",
    _V2G: "SignV2GCertificate",
    "Combined": "SignCombinedCertificate",
}


class CertificateSigning:
    def __init__(
        self,
        ca: CertificateAuthority,
        *,
        call: Callable[[str, str, dict[str, Any]], Awaitable[object]],
        version_of: Callable[[str], str | None] | None = None,
        v2g_ca: CertificateAuthority | None = None,
    ) -> None:
        """`version_of`: the subprotocol a charger speaks (None: 1.6 for all)."""
        self.ca = ca
        self.v2g_ca = v2g_ca
        self._call = call
        self._version_of = version_of
        # (charger, uniqueId) -> the certificate chain and the certificateType to name (None: 1.6).
        self._signed: dict[tuple[str, str], tuple[str, str | None]] = {}
        # Every CertificateSigned outcome, per charger (tests read them).
        self.outcomes: dict[str, list[object]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def answer(self, charger_id: str, call: Call) -> dict[str, Any]:
        """SignCertificate's answer: sign now (the CA is local), send after the answer."""
        kind = call.payload.get("certificateType")  # 2.0.1 only; absent = ChargingStationCertificate
        ca = self.v2g_ca if kind == _V2G and self.v2g_ca is not None else self.ca
        try:
            chain = ca.sign_csr(call.payload["csr"])
        except (ValueError, TypeError, KeyError):
            return {"status": "Rejected"}
        self._signed[(charger_id, call.unique_id)] = (chain, kind)
        return {"status": "Accepted"}

    def follow(self, charger_id: str, call: Call) -> None:
        """The SignCertificate answer went out: CertificateSigned with the signed certificate."""
        signed = self._signed.pop((charger_id, call.unique_id), None)
        if signed is None:
            return
        chain, kind = signed
        task = asyncio.get_running_loop().create_task(self._send(charger_id, chain, kind))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, charger_id: str, chain: str, kind: str | None) -> None:
        with contextlib.suppress(TimeoutError, *CONNECTION_CLOSED, asyncio.CancelledError, KeyError):
            outcome = await self.send_certificate(charger_id, chain, kind)
            self.outcomes.setdefault(charger_id, []).append(outcome)

    def _v201(self, charger_id: str) -> bool:
        version = self._version_of(charger_id) if self._version_of is not None else None
        return version is not None and version != "ocpp1.6"

    async def send_certificate(
        self, charger_id: str, chain: str, certificate_type: str | None = None
    ) -> object:
        """CertificateSigned with `chain` (PEM, leaf first); a 2.0.1 charger is told its certificateType
        (default ChargingStationCertificate). The charger's answer (CallResult or CallError)."""
        payload: dict[str, Any] = {"certificateChain": chain}
        if self._v201(charger_id):
            payload["certificateType"] = certificate_type or "ChargingStationCertificate"
        return await self._call(charger_id, "CertificateSigned", payload)

    async def request_certificate(
        self, charger_id: str, certificate_type: str = "ChargingStationCertificate"
    ) -> object:
        """Ask the charger to renew a certificate: 2.0.1 TriggerMessage(SignChargingStationCertificate /
        SignV2GCertificate / SignCombinedCertificate for "Combined"), 1.6 ExtendedTriggerMessage
        (SignChargePointCertificate). Its SignCertificate is then signed and answered as above."""
        if self._v201(charger_id):
            trigger = {"requestedMessage": _TRIGGERS_201[certificate_type]}
            return await self._call(charger_id, "TriggerMessage", trigger)
        trigger = {"requestedMessage": "SignChargePointCertificate"}
        return await self._call(charger_id, "ExtendedTriggerMessage", trigger)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
