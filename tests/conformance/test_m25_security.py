"""OCTT module 25 Security (the OCPP 1.6 Security Whitepaper edition 2, "SWP"), end to end against the
built-in central system, which runs a small CA (csms/ca.py) for the certificates these cases need.

Certificates are valid on the real calendar: the simulated clock of these cases starts at the real time
(it still moves only when a case says so)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conformance.steps import actions, ask
from conftest import REAL_TIMEOUT, Sim, SimFactory, make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.ca import CertificateAuthority, FirmwareSigner
from ocppsim.csms.server import CentralSystem
from ocppsim.csms.signing import CertificateSigning
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock
from transfer_servers import IMAGE, http_files

PAST = "2020-01-01T00:00:00Z"
KEY = "0123456789abcdef0123456789abcdef01234567"
NEW_KEY = "fedcba9876543210fedcba9876543210"


class Rig:
    """Central systems (plain or TLS, all with the CA) and chargers on them, with any security settings;
    everything started is stopped at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.ca = CertificateAuthority()
        self._apps: list[tuple[ChargerApp, asyncio.Task[None], SimConnection]] = []
        self._servers: list[CentralSystem] = []

    async def csms(self, *, tls: str | None = None, passwords: bool = False, port: int = 0) -> CentralSystem:
        """`tls`: None (ws://), or the client certificates a wss:// server asks ("none", "optional",
        "required")."""
        cs = CentralSystem(heartbeat_interval=300, passwords={"CP1": KEY} if passwords else None, ca=self.ca)
        context = self.ca.server_context(client_certificates=tls) if tls is not None else None
        await cs.start(port=port, ssl_context=context)
        self._servers.append(cs)
        return cs

    def root_file(self) -> Path:
        path = self.tmp / "csms-root.pem"
        path.write_text(self.ca.root_pem)
        return path

    async def charger(self, cs: CentralSystem, *, boot: bool = True, **settings: Any) -> Sim:
        clock = FakeClock(time.time())  # certificates are valid on the real calendar
        app = build_charger_app(replace(make_settings(self.tmp, cs), **settings), clock=clock, strict=True)
        task = asyncio.create_task(app.run())
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
        self._apps.append((app, task, conn))
        sim = Sim(app, clock, conn, cs)
        if boot:
            await cs.wait_for(
                lambda f: (
                    f.direction == "in" and f.action == "StatusNotification" and f.payload["connectorId"] == 1
                ),
                REAL_TIMEOUT,
            )
            await sim.quiet()
        return sim

    async def close(self) -> None:
        for app, task, conn in self._apps:
            await conn.disconnect()
            app.shutdown.set()
            await asyncio.wait_for(task, REAL_TIMEOUT)
        for cs in self._servers:
            await cs.stop()
            assert cs.violations == [], f"charger sent invalid frames: {cs.violations}"
        self.ca.close()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    result = Rig(tmp_path)
    yield result
    await result.close()


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"CP1:{key}".encode()).decode()


async def until(condition: Any) -> None:
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


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


# ------------------------------------------------------------------ A01 password, A05 profiles, 2.3-2.5


@pytest.mark.octt("TC_073_CS")
async def test_update_basic_auth_password(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    cs = await rig.csms(passwords=True)
    sim = await rig.charger(cs, security_profile=1, authorization_key=KEY)
    assert cs.authorization["CP1"] == basic(KEY)
    cs.passwords = {"CP1": NEW_KEY}  # A01.FR.03: from now on only the new password
    assert await ask(sim, "ChangeConfiguration", {"key": "AuthorizationKey", "value": NEW_KEY}) == {
        "status": "Accepted"
    }
    # A01 steps 3-4: the charger disconnects and connects with the new password.
    await until(lambda: cs.authorization.get("CP1") == basic(NEW_KEY) and sim.station.online)
    log = sim.app.store.certificates.log_entries(sim.id)
    assert ("ReconfigurationOfSecurityParameters", "AuthorizationKey changed") in [(e, i) for _, e, i in log]
    assert NEW_KEY not in caplog.text  # A01.FR.12: never in a log


@pytest.mark.octt("TC_083_CS")
async def test_upgrade_security_profile(rig: Rig) -> None:
    cs = await rig.csms(tls="optional", passwords=True)
    sim = await rig.charger(cs, security_profile=2, authorization_key=KEY, ca_file=rig.root_file())
    assert cs.authorization["CP1"] == basic(KEY)
    # Prerequisite of profile 3 (A05.FR.04): a charge point certificate, by A02.
    assert await ask(sim, "ChangeConfiguration", {"key": "SecurityProfile", "value": "3"}) == {
        "status": "Rejected"
    }
    await ask(sim, "ChangeConfiguration", {"key": "CpoName", "value": "ocppsim CPO"})
    assert await ask(sim, "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}) == {
        "status": "Accepted"
    }
    await until(lambda: sim.station.charger.security.has_charge_point_certificate)
    mark = sim.mark()
    assert await ask(sim, "ChangeConfiguration", {"key": "SecurityProfile", "value": "3"}) == {
        "status": "Accepted"  # A05.FR.05
    }
    # A05.FR.06/07: reconnected on profile 3, the certificate instead of the password.
    await until(lambda: cs.authorization.get("CP1") is None and sim.station.online)
    assert sim.station.charger.config.get_int("SecurityProfile") == 3
    await sim.quiet()
    assert security_events(sim, mark) == []  # the new profile connected: no failure, no fallback


@pytest.mark.octt("TC_084_CS")
async def test_downgrade_security_profile_rejected(rig: Rig) -> None:
    cs = await rig.csms(passwords=True)
    sim = await rig.charger(cs, security_profile=1, authorization_key=KEY)
    mark = sim.mark()
    for lower in ("0", "1"):  # A05.FR.01: lower or equal
        assert await ask(sim, "ChangeConfiguration", {"key": "SecurityProfile", "value": lower}) == {
            "status": "Rejected"
        }
    await sim.advance(1)
    assert sim.station.charger.config.get_int("SecurityProfile") == 1
    assert sim.station.connection_attempts == 1  # no reconnect
    assert "BootNotification" not in actions(sim, mark)


@pytest.mark.octt("TC_085_CS")
async def test_basic_authentication_valid(rig: Rig) -> None:
    cs = await rig.csms(passwords=True)
    sim = await rig.charger(cs, security_profile=1, authorization_key=KEY)
    # 2.3: HTTP Basic authentication, user = the charge point id, password = the AuthorizationKey.
    assert cs.authorization["CP1"] == basic(KEY)
    assert sim.station.charger.ever_accepted


@pytest.mark.octt("TC_086_CS")
async def test_tls_server_certificate_valid(rig: Rig) -> None:
    cs = await rig.csms(tls="none", passwords=True)
    assert cs.url.startswith("wss://")
    sim = await rig.charger(cs, security_profile=2, authorization_key=KEY, ca_file=rig.root_file())
    # 2.4: TLS, the CSMS's certificate verified against the installed CentralSystemRootCertificate.
    assert sim.station.charger.ever_accepted and cs.authorization["CP1"] == basic(KEY)
    listed = await ask(sim, "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"})
    assert listed["status"] == "Accepted" and len(listed["certificateHashData"]) == 1


@pytest.mark.octt("TC_087_CS")
async def test_tls_client_certificate_valid(rig: Rig) -> None:
    cs = await rig.csms(tls="required")
    cert, key = rig.ca.client_files(rig.tmp, "CP1")
    sim = await rig.charger(cs, security_profile=3, ca_file=rig.root_file(), client_cert=cert, client_key=key)
    # 2.5: TLS with the charge point's certificate, no password.
    assert sim.station.charger.ever_accepted and cs.authorization["CP1"] is None


# ------------------------------------------------------------------ A02, M03-M05, security events


@pytest.mark.octt("TC_074_CS")
async def test_update_charge_point_certificate(rig: Rig) -> None:
    cs = await rig.csms()
    sim = await rig.charger(cs)
    await install(sim, "CentralSystemRootCertificate", rig.ca.root_pem)
    await ask(sim, "ChangeConfiguration", {"key": "CpoName", "value": "ocppsim CPO"})
    assert await ask(sim, "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}) == {
        "status": "Accepted"
    }
    assert cs.signing is not None
    await until(lambda: bool(cs.signing and cs.signing.outcomes.get(sim.id)))
    (outcome,) = cs.signing.outcomes[sim.id]
    assert outcome.payload == {"status": "Accepted"}  # type: ignore[attr-defined]
    (sign,) = sim.calls("SignCertificate")
    assert sign.payload["csr"].startswith("-----BEGIN CERTIFICATE REQUEST-----")
    own = sim.station.charger.security.cp_certificate
    assert own is not None and own.not_before <= time.time()


@pytest.mark.octt("TC_075_1_CS")
async def test_install_manufacturer_root_certificate(ssim: Sim) -> None:
    await install(ssim, "ManufacturerRootCertificate", FirmwareSigner().root_pem)
    listed = await ask(ssim, "GetInstalledCertificateIds", {"certificateType": "ManufacturerRootCertificate"})
    assert listed["status"] == "Accepted" and len(listed["certificateHashData"]) == 1
    assert await ask(
        ssim, "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"}
    ) == {"status": "NotFound"}


@pytest.mark.octt("TC_075_2_CS")
async def test_install_central_system_root_certificate(ssim: Sim, ca: CertificateAuthority) -> None:
    await install(ssim, "CentralSystemRootCertificate", ca.root_pem)
    listed = await ask(
        ssim, "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"}
    )
    assert listed["status"] == "Accepted" and len(listed["certificateHashData"]) == 1
    # Persisted (M05): the store has it for the next start.
    assert ssim.app.store.certificates.load(ssim.id) == [("CentralSystemRootCertificate", ca.root_pem)]


@pytest.mark.octt("TC_076_CS")
async def test_delete_a_certificate(ssim: Sim, ca: CertificateAuthority) -> None:
    await install(ssim, "CentralSystemRootCertificate", ca.root_pem)
    await install(ssim, "CentralSystemRootCertificate", CertificateAuthority("Second").root_pem)
    listed = await ask(
        ssim, "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"}
    )
    first, second = listed["certificateHashData"]
    assert await ask(ssim, "DeleteCertificate", {"certificateHashData": first}) == {"status": "Accepted"}
    listed = await ask(
        ssim, "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"}
    )
    assert listed["certificateHashData"] == [second]
    assert await ask(ssim, "DeleteCertificate", {"certificateHashData": first}) == {"status": "NotFound"}


@pytest.mark.octt("TC_077_CS")
async def test_invalid_charge_point_certificate_event(
    ssim: Sim, ca: CertificateAuthority, csms: CentralSystem
) -> None:
    await install(ssim, "CentralSystemRootCertificate", ca.root_pem)
    # The central system answers with a certificate of a CA the charger does not trust.
    csms.signing = CertificateSigning(CertificateAuthority("Rogue"), call=csms.call)
    await ask(ssim, "ChangeConfiguration", {"key": "CpoName", "value": "ocppsim CPO"})
    mark = ssim.mark()
    assert await ask(ssim, "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}) == {
        "status": "Accepted"
    }
    await until(lambda: bool(csms.signing and csms.signing.outcomes.get(ssim.id)))
    (outcome,) = csms.signing.outcomes[ssim.id]
    assert outcome.payload == {"status": "Rejected"}  # type: ignore[attr-defined]
    await ssim.quiet()
    assert security_events(ssim, mark) == ["InvalidChargePointCertificate"]  # A02.FR.07
    assert ssim.station.charger.security.cp_certificate is None


@pytest.mark.octt("TC_078_CS")
async def test_invalid_central_system_certificate_event(rig: Rig) -> None:
    cs = await rig.csms(tls="none", passwords=True)
    port = cs.port
    sim = await rig.charger(cs, security_profile=2, authorization_key=KEY, ca_file=rig.root_file())
    # The central system comes back with a certificate the charger cannot verify (another CA).
    await cs.stop()
    rogue_ca = CertificateAuthority("Rogue")
    rogue = CentralSystem(heartbeat_interval=300, passwords={"CP1": KEY})
    await rogue.start(port=port, ssl_context=rogue_ca.server_context())
    try:
        await until(lambda: not sim.station.online)
        await sim.advance(5)
        await until(lambda: "CERTIFICATE_VERIFY_FAILED" in (sim.station.last_error or ""))
        assert not rogue.connected_ids()
        journal = sim.app.store.journal.entries(sim.id)
        assert "SecurityEventNotification" in [action for _, action, _, _ in journal]  # kept, A04.FR.02
    finally:
        await rogue.stop()
        rogue_ca.close()
    # The genuine central system again: the event is delivered.
    genuine = await rig.csms(tls="none", passwords=True, port=port)
    sim.csms = genuine
    for _ in range(20):
        await sim.advance(30)
        if genuine.calls(sim.id, "SecurityEventNotification"):
            break
    await sim.quiet()
    types = [f.payload["type"] for f in genuine.calls(sim.id, "SecurityEventNotification")]
    assert "InvalidCentralSystemCertificate" in types
