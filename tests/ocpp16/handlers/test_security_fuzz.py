"""Bad input never crashes the certificate handlers (Security Whitepaper: the spec's Rejected, never an
exception): real certificates with bytes changed anywhere, wrapped as PEM again."""

from __future__ import annotations

import base64
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocppsim.csms.ca import CertificateAuthority, FirmwareSigner
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.validation import validators

from .handler_calls import T0

_CA = CertificateAuthority()
_SIGNER = FirmwareSigner()
_DER = base64.b64decode("".join(_CA.root_pem.strip().splitlines()[1:-1]))


def _charger() -> Charger:
    ch = Charger(ChargerParams("CP", number_of_connectors=1), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.state.clock_offset = time.time() - T0
    ch.config.store("CpoName", "CPO")
    return ch


def _pem(der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def _answer(ch: Charger, action: str, payload: dict[str, object]) -> dict[str, object]:
    result = handle_call(ch, Call("1", action, payload), T0)
    validators.response(action, result)
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(_DER) - 1), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.integers(0, 40),
)
def test_mutated_certificates_are_answered(edits: list[tuple[int, int]], cut: int) -> None:
    der = bytearray(_DER)
    for position, value in edits:
        der[position] = value
    pem = _pem(bytes(der[: len(der) - cut]))
    ch = _charger()
    install = {"certificateType": "CentralSystemRootCertificate", "certificate": pem}
    assert _answer(ch, "InstallCertificate", install)["status"] in ("Accepted", "Rejected")
    assert _answer(ch, "CertificateSigned", {"certificateChain": pem})["status"] == "Rejected"
    firmware = {
        "location": "http://127.0.0.1:9/fw.bin",
        "retrieveDateTime": "2030-01-01T00:00:00Z",
        "signingCertificate": pem,
        "signature": _SIGNER.sign(b"x"),
    }
    status = _answer(ch, "SignedUpdateFirmware", {"requestId": 1, "firmware": firmware})["status"]
    assert status in ("Accepted", "InvalidCertificate")
