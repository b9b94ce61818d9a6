"""The central system's side of a charge point certificate update (Security Whitepaper edition 2, A02 /
A03): SignCertificate.req is answered Accepted when the CSR can be processed (A02.FR.11; Rejected
otherwise, FR.12), the CSR goes to the CA (csms/ca.py, run by the CPO: A02.FR.04 allows it), and the
signed certificate comes back to the charge point in CertificateSigned.req once the answer went out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from ocppsim.csms.ca import CertificateAuthority
from ocppsim.ocpp16.framing import Call
from ocppsim.transport.ws_library import CONNECTION_CLOSED

__all__ = ["CertificateSigning"]


class CertificateSigning:
    def __init__(
        self, ca: CertificateAuthority, *, call: Callable[[str, str, dict[str, Any]], Awaitable[object]]
    ) -> None:
        self.ca = ca
        self._call = call
        self._signed: dict[tuple[str, str], str] = {}  # (charger, uniqueId) -> the certificate chain
        # Every CertificateSigned outcome, per charger (tests read them).
        self.outcomes: dict[str, list[object]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def answer(self, charger_id: str, call: Call) -> dict[str, Any]:
        """SignCertificate.conf: sign now (the CA is local), send after the answer."""
        try:
            chain = self.ca.sign_csr(call.payload["csr"])
        except (ValueError, TypeError):
            return {"status": "Rejected"}
        self._signed[(charger_id, call.unique_id)] = chain
        return {"status": "Accepted"}

    def follow(self, charger_id: str, call: Call) -> None:
        """The SignCertificate answer went out: CertificateSigned.req with the signed certificate."""
        chain = self._signed.pop((charger_id, call.unique_id), None)
        if chain is None:
            return
        task = asyncio.get_running_loop().create_task(self._send(charger_id, chain))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, charger_id: str, chain: str) -> None:
        with contextlib.suppress(TimeoutError, *CONNECTION_CLOSED, asyncio.CancelledError, KeyError):
            outcome = await self._call(charger_id, "CertificateSigned", {"certificateChain": chain})
            self.outcomes.setdefault(charger_id, []).append(outcome)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
