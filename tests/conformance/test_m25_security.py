"""OCTT module 25 Security (the OCPP 1.6 Security Whitepaper edition 2, "SWP"), end to end against the
built-in central system, which runs a small CA (csms/ca.py) for the certificates these cases need.

Certificates are valid on the real calendar: the simulated clock of these cases starts at the real time
(it still moves only when a case says so)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from conformance.steps import actions, ask
from conftest import Sim, SimFactory
from ocppsim.csms.ca import CertificateAuthority, FirmwareSigner
from ocppsim.csms.server import CentralSystem
from ocppsim.csms.signing import CertificateSigning
from ocppsim.runtime.clock import FakeClock
from transfer_servers import IMAGE, http_files

PAST = "2020-01-01T00:00:00Z"


@pytest.fixture
async def ca(csms: CentralSystem) -> AsyncIterator[CertificateAuthority]:
    authority = CertificateAuthority()
    csms.signing = CertificateSigning(authority, call=csms.call)
    yield authority
    authority.close()


@pytest.fixture
async def ssim(sim_factory: SimFactory, ca: CertificateAuthority) -> Sim:
    sim: Sim = await sim_factory(clock=FakeClock(time.time()))
    return sim


def security_events(sim: Sim, since: int = 0) -> list[str]:
    return [f.payload["type"] for f in sim.calls("SecurityEventNotification", since)]


async def install(sim: Sim, use: str, pem: str) -> None:
    payload = {"certificateType": use, "certificate": pem}
    assert await ask(sim, "InstallCertificate", payload) == {"status": "Accepted"}


# ------------------------------------------------------------------ L01 secure firmware update


def signed_update(
    location: str, signer: FirmwareSigner, signature: str, request_id: int = 7
) -> dict[str, object]:
    return {
        "requestId": request_id,
        "retries": 1,
        "firmware": {
            "location": location,
            "retrieveDateTime": PAST,
            "signingCertificate": signer.signing_certificate_pem,
            "signature": signature,
        },
    }


@pytest.mark.octt("TC_080_CS")
async def test_secure_firmware_update(ssim: Sim) -> None:
    sim = ssim
    signer = FirmwareSigner()
    await install(sim, "ManufacturerRootCertificate", signer.root_pem)
    with http_files() as files:
        mark = sim.mark()
        request = signed_update(f"{files.url}/fw/ocppsim-3.0.0.bin", signer, signer.sign(IMAGE))
        assert await ask(sim, "SignedUpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        seen = await sim.statuses_until("SignedFirmwareStatusNotification", "Installed", mark)
    # L01 / 6.6: every state entered is reported (FR.01), each with the request's id (FR.10).
    assert seen == ["Downloading", "Downloaded", "SignatureVerified", "Installing", "Installed"]
    assert {f.payload["requestId"] for f in sim.calls("SignedFirmwareStatusNotification", mark)} == {7}
    (boot,) = sim.calls("BootNotification", mark)
    assert boot.payload["firmwareVersion"] == "ocppsim-3.0.0"
    assert "FirmwareUpdated" in security_events(sim, mark)
    # FR.28: a trigger after Installed reports Idle, without a requestId.
    trigger = {"requestedMessage": "FirmwareStatusNotification"}
    assert await ask(sim, "ExtendedTriggerMessage", trigger) == {"status": "Accepted"}
    assert sim.calls("SignedFirmwareStatusNotification")[-1].payload == {"status": "Idle"}


@pytest.mark.octt("TC_081_CS")
async def test_secure_firmware_update_invalid_signature(ssim: Sim) -> None:
    sim = ssim
    signer = FirmwareSigner()
    await install(sim, "ManufacturerRootCertificate", signer.root_pem)
    with http_files() as files:
        mark = sim.mark()
        wrong = signer.sign(IMAGE + b"tampered")  # a signature over other bytes
        request = signed_update(f"{files.url}/fw/ocppsim-3.0.0.bin", signer, wrong)
        assert await ask(sim, "SignedUpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        seen = await sim.statuses_until("SignedFirmwareStatusNotification", "InvalidSignature", mark)
    assert seen == ["Downloading", "Downloaded", "InvalidSignature"]
    assert security_events(sim, mark) == ["InvalidFirmwareSignature"]  # L01.FR.03
    assert "BootNotification" not in actions(sim, mark)  # not installed
    assert sim.station.charger.state.boot_info.firmware_version != "ocppsim-3.0.0"


# ------------------------------------------------------------------ N01 logs


@pytest.mark.octt("TC_079_CS")
async def test_get_security_log(ssim: Sim) -> None:
    sim = ssim
    with http_files() as files:
        mark = sim.mark()
        request = {
            "logType": "SecurityLog",
            "requestId": 11,
            "log": {"remoteLocation": f"{files.url}/upload/"},
        }
        answer = await ask(sim, "GetLog", request)
        assert answer["status"] == "Accepted" and answer["filename"].endswith(".log")  # N01.FR.01
        seen = await sim.statuses_until("LogStatusNotification", "Uploaded", mark)
        assert seen == ["Uploading", "Uploaded"]  # N01.FR.08/09
        assert {f.payload["requestId"] for f in sim.calls("LogStatusNotification", mark)} == {11}  # FR.07
        log = files.uploads[f"/upload/{answer['filename']}"].decode()
    assert "StartupOfTheDevice" in log  # N01.FR.03: the security log
    # Idle (without requestId) once no upload goes on (N01.FR.12).
    assert await ask(sim, "ExtendedTriggerMessage", {"requestedMessage": "LogStatusNotification"}) == {
        "status": "Accepted"
    }
    assert sim.calls("LogStatusNotification")[-1].payload == {"status": "Idle"}
