"""The Security Whitepaper edition 2 (SWP) certificate messages through the adapter, with real
certificates from the built-in central system's CA: M03-M05, A02 (ExtendedTriggerMessage ->
SignCertificate, CertificateSigned), and bad input (junk, wrong chain, other key) -> Rejected plus the
security event, never an exception."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ocppsim.csms.ca import CertificateAuthority, FirmwareSigner
from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import SecurityEventNotificationReq, SignCertificateReq
from ocppsim.model.security_effects import (
    CertificatesChanged,
    ChargePointCertificateChanged,
    MakeCsr,
    SecurityLogEntry,
)
from ocppsim.model.types import ConfigurationStatus
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.validation import validators
from ocppsim.pki import make_csr

from .handler_calls import T0

ROOT = "CentralSystemRootCertificate"
MANUFACTURER = "ManufacturerRootCertificate"


@pytest.fixture
def ch(charger: Charger) -> Charger:
    # Certificates are valid on the CSMS's (real) clock: the charger keeps its offset from the boot.
    charger.state.clock_offset = time.time() - T0
    return charger


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return CertificateAuthority()


def call(ch: Charger, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    result = handle_call(ch, Call("1", action, payload), T0)
    validators.response(action, result)
    return result


def events(ch: Charger) -> list[str]:
    return [e.event_type for e in ch.drain() if isinstance(e, SecurityEventNotificationReq)]


def install(ch: Charger, use: str, pem: str) -> str:
    return str(call(ch, "InstallCertificate", {"certificateType": use, "certificate": pem})["status"])


def test_install_list_delete(ch: Charger, ca: CertificateAuthority) -> None:
    assert call(ch, "GetInstalledCertificateIds", {"certificateType": ROOT}) == {"status": "NotFound"}
    assert install(ch, ROOT, ca.root_pem) == "Accepted"
    assert CertificatesChanged(((ROOT, ca.root_pem),)) in ch.drain()
    assert install(ch, ROOT, ca.root_pem) == "Accepted"  # the same again: nothing new
    manufacturer = FirmwareSigner().root_pem
    assert install(ch, MANUFACTURER, manufacturer) == "Accepted"
    listed = call(ch, "GetInstalledCertificateIds", {"certificateType": ROOT})
    assert listed["status"] == "Accepted"
    (data,) = listed["certificateHashData"]
    assert data["hashAlgorithm"] == "SHA256" and len(data["issuerKeyHash"]) == 64
    assert call(ch, "DeleteCertificate", {"certificateHashData": data}) == {"status": "Accepted"}
    assert call(ch, "DeleteCertificate", {"certificateHashData": data}) == {"status": "NotFound"}
    assert call(ch, "GetInstalledCertificateIds", {"certificateType": ROOT}) == {"status": "NotFound"}
    assert call(ch, "GetInstalledCertificateIds", {"certificateType": MANUFACTURER})["status"] == "Accepted"


def test_delete_with_upper_case_hex_and_leading_zeros(ch: Charger, ca: CertificateAuthority) -> None:
    install(ch, ROOT, ca.root_pem)
    (data,) = call(ch, "GetInstalledCertificateIds", {"certificateType": ROOT})["certificateHashData"]
    serial = data["serialNumber"]
    padded = serial if len(serial) >= 40 else "0" + serial
    shouted = {**data, "issuerNameHash": data["issuerNameHash"].upper(), "serialNumber": padded.upper()}
    assert call(ch, "DeleteCertificate", {"certificateHashData": shouted}) == {"status": "Accepted"}


@pytest.mark.parametrize(
    "bad",
    [
        "junk",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "",
    ],
)
def test_install_junk_is_rejected(ch: Charger, bad: str) -> None:
    assert install(ch, ROOT, bad) == "Rejected"
    assert ch.security.installed == ()


def test_install_a_leaf_is_rejected(ch: Charger, ca: CertificateAuthority) -> None:
    _, csr, _ = make_csr("CP", "CPO")
    assert install(ch, ROOT, ca.sign_csr(csr)) == "Rejected"  # not a CA certificate (M05.FR.06)


def test_store_full_is_rejected(ch: Charger) -> None:
    limit = ch.config.get_int("CertificateStoreMaxLength")
    for _ in range(limit):
        assert install(ch, ROOT, CertificateAuthority().root_pem) == "Accepted"
    assert install(ch, ROOT, CertificateAuthority().root_pem) == "Rejected"  # M05.FR.03


def test_deleting_the_root_in_use_fails(ch: Charger, ca: CertificateAuthority) -> None:
    install(ch, ROOT, ca.root_pem)
    ch.config.store("AuthorizationKey", "0123456789abcdef0123456789abcdef")
    assert ch.configuration.change_configuration("SecurityProfile", "2", T0) is ConfigurationStatus.ACCEPTED
    (data,) = call(ch, "GetInstalledCertificateIds", {"certificateType": ROOT})["certificateHashData"]
    assert call(ch, "DeleteCertificate", {"certificateHashData": data}) == {"status": "Failed"}  # M04.FR.06


def sign_request(ch: Charger) -> str:
    """ExtendedTriggerMessage(SignChargePointCertificate) as far as the SignCertificate.req; its CSR."""
    assert call(ch, "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}) == {
        "status": "Accepted"
    }
    (make,) = [e for e in ch.drain() if isinstance(e, MakeCsr)]
    assert make.common_name == "CP" and make.organization == "My CPO"
    _, csr, key_id = make_csr(make.common_name, make.organization)  # what the runtime does
    ch.security.on_csr(csr, key_id, T0)
    (req,) = [e for e in ch.drain() if isinstance(e, SignCertificateReq)]
    return req.csr


def test_certificate_update(ch: Charger, ca: CertificateAuthority) -> None:
    assert call(ch, "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}) == {
        "status": "Rejected"  # CpoName not set: A02's prerequisite
    }
    assert ch.configuration.change_configuration("CpoName", "My CPO", T0) is ConfigurationStatus.ACCEPTED
    install(ch, ROOT, ca.root_pem)
    csr = sign_request(ch)
    chain = ca.sign_csr(csr)
    assert call(ch, "CertificateSigned", {"certificateChain": chain}) == {"status": "Accepted"}
    effects = ch.drain()
    assert any(isinstance(e, ChargePointCertificateChanged) and e.chain_pem == chain for e in effects)
    assert ch.security.has_charge_point_certificate
    # The same certificate again, no CSR outstanding: a replayed message (section 8).
    assert call(ch, "CertificateSigned", {"certificateChain": chain}) == {"status": "Rejected"}
    logged = [e.event_type for e in ch.drain() if isinstance(e, SecurityLogEntry)]
    assert logged == ["AttemptedReplayAttacks"]


@pytest.mark.parametrize("case", ["junk", "other CA", "other key", "no root installed", "too long"])
def test_bad_certificate_signed_is_rejected_with_the_event(
    ch: Charger, ca: CertificateAuthority, case: str
) -> None:
    ch.configuration.change_configuration("CpoName", "My CPO", T0)
    if case != "no root installed":
        install(ch, ROOT, ca.root_pem)
    csr = sign_request(ch)
    chain = {
        "junk": "-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n",
        "other CA": CertificateAuthority().sign_csr(csr),
        "other key": ca.sign_csr(make_csr("CP", "My CPO")[1]),
        "no root installed": ca.sign_csr(csr),
        "too long": ca.sign_csr(csr),
    }[case]
    if case == "too long":  # longer than CertificateSignedMaxChainSize (section 7.3)
        ch.config.store("CertificateSignedMaxChainSize", str(len(chain) - 1))
    assert call(ch, "CertificateSigned", {"certificateChain": chain}) == {"status": "Rejected"}
    effects = ch.drain()
    sent = [e.event_type for e in effects if isinstance(e, SecurityEventNotificationReq)]
    assert sent == ["InvalidChargePointCertificate"]  # A02.FR.07
    assert any(isinstance(e, SecurityLogEntry) for e in effects)
    assert not ch.security.has_charge_point_certificate


def test_profile_3_needs_the_charge_point_certificate(ch: Charger, ca: CertificateAuthority) -> None:
    ch.configuration.change_configuration("CpoName", "My CPO", T0)
    install(ch, ROOT, ca.root_pem)
    assert ch.configuration.change_configuration("SecurityProfile", "3", T0) is ConfigurationStatus.REJECTED
    csr = sign_request(ch)
    call(ch, "CertificateSigned", {"certificateChain": ca.sign_csr(csr)})
    assert ch.configuration.change_configuration("SecurityProfile", "3", T0) is ConfigurationStatus.ACCEPTED


def test_extended_trigger_of_classic_messages(ch: Charger) -> None:
    assert call(ch, "ExtendedTriggerMessage", {"requestedMessage": "Heartbeat"}) == {"status": "Accepted"}
    assert [e.ACTION for e in ch.drain() if hasattr(e, "ACTION")] == ["Heartbeat"]
    answer = call(ch, "ExtendedTriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 9})
    assert answer == {"status": "Rejected"}
    assert call(ch, "ExtendedTriggerMessage", {"requestedMessage": "BootNotification"}) == {
        "status": "Rejected"
    }


def test_a_schema_violation_is_an_invalid_messages_event(ch: Charger) -> None:
    from ocppsim.ocpp16.handlers.call_error import OcppCallError

    with pytest.raises(OcppCallError):
        handle_call(ch, Call("1", "InstallCertificate", {"certificateType": ROOT}), T0)
    (entry,) = [e for e in ch.drain() if isinstance(e, SecurityLogEntry)]
    assert entry.event_type == "InvalidMessages"  # logged, not pushed (section 8: not critical)


def firmware_request(signer: FirmwareSigner, certificate: str | None = None) -> dict[str, Any]:
    return {
        "requestId": 3,
        "firmware": {
            "location": "http://127.0.0.1:9/fw.bin",
            "retrieveDateTime": "2030-01-01T00:00:00Z",
            "signingCertificate": signer.signing_certificate_pem if certificate is None else certificate,
            "signature": signer.sign(b"image"),
        },
    }


@pytest.mark.parametrize("case", ["no root installed", "other manufacturer", "junk", "a root, not a signer"])
def test_signed_update_with_an_invalid_certificate(ch: Charger, case: str) -> None:
    signer = FirmwareSigner()
    certificate = None
    if case != "no root installed":
        install(ch, MANUFACTURER, signer.root_pem)
    if case == "other manufacturer":
        certificate = FirmwareSigner().signing_certificate_pem
    elif case == "junk":
        certificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    elif case == "a root, not a signer":
        certificate = CertificateAuthority().root_pem  # self-signed, not issued by the manufacturer
    ch.drain()
    answer = call(ch, "SignedUpdateFirmware", firmware_request(signer, certificate))
    assert answer == {"status": "InvalidCertificate"}  # L01.FR.24
    assert events(ch) == ["InvalidFirmwareSigningCertificate"]  # L01.FR.02
    assert ch.security.signed_firmware.update is None


def test_signed_update_replaces_one_in_progress(ch: Charger) -> None:
    signer = FirmwareSigner()
    install(ch, MANUFACTURER, signer.root_pem)
    assert call(ch, "SignedUpdateFirmware", firmware_request(signer)) == {"status": "Accepted"}
    assert call(ch, "SignedUpdateFirmware", firmware_request(signer)) == {"status": "AcceptedCanceled"}


def test_trigger_signed_firmware_status_when_idle(ch: Charger) -> None:
    answer = call(ch, "ExtendedTriggerMessage", {"requestedMessage": "FirmwareStatusNotification"})
    assert answer == {"status": "Accepted"}
    (req,) = [e for e in ch.drain() if getattr(e, "ACTION", "") == "SignedFirmwareStatusNotification"]
    assert req.status == "Idle" and req.request_id is None


def test_install_a_root_with_a_broken_signature_is_rejected(ch: Charger, ca: CertificateAuthority) -> None:
    import base64

    lines = ca.root_pem.strip().splitlines()
    der = bytearray(base64.b64decode("".join(lines[1:-1])))
    der[-5] ^= 0xFF  # inside the signature value: the certificate still parses
    body = base64.b64encode(bytes(der)).decode()
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    pem += "\n-----END CERTIFICATE-----\n"
    assert install(ch, ROOT, pem) == "Rejected"  # M05.FR.06


def test_install_a_sub_ca_of_an_installed_root(ch: Charger) -> None:
    import trustme

    root = trustme.CA()
    child = root.create_child_ca()
    assert install(ch, ROOT, child.cert_pem.bytes().decode()) == "Rejected"  # nothing vouches for it
    assert install(ch, ROOT, root.cert_pem.bytes().decode()) == "Accepted"
    assert install(ch, ROOT, child.cert_pem.bytes().decode()) == "Accepted"
