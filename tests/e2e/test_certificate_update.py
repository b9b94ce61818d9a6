"""A charge point certificate update end to end (Security Whitepaper A02, M05): the built-in central
system's CA signs the CSR, the charger keeps the key in a 0600 file, and a restart connects with security
profile 3 presenting the new certificate, trusting the installed CentralSystemRootCertificate."""

from __future__ import annotations

import asyncio
import logging
import stat
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, Sim, SimFactory, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.ca import CertificateAuthority
from ocppsim.csms.server import CentralSystem
from ocppsim.csms.signing import CertificateSigning
from ocppsim.ocpp16.framing import CallResult
from ocppsim.runtime.clock import FakeClock


async def ask(sim: Sim, action: str, payload: dict[str, object]) -> dict[str, object]:
    result = await sim.csms.call(sim.id, action, payload)
    assert isinstance(result, CallResult), result
    await sim.quiet()
    return result.payload


async def test_certificate_update_then_profile_3(
    sim_factory: SimFactory, csms: CentralSystem, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ca = CertificateAuthority()
    csms.signing = CertificateSigning(ca, call=csms.call)
    # Certificates are valid on the real calendar: the simulated clock starts at the real time.
    sim: Sim = await sim_factory(clock=FakeClock(time.time()))
    install = {"certificateType": "CentralSystemRootCertificate", "certificate": ca.root_pem}
    assert await ask(sim, "InstallCertificate", install) == {"status": "Accepted"}
    assert await ask(sim, "ChangeConfiguration", {"key": "CpoName", "value": "ocppsim CPO"}) == {
        "status": "Accepted"
    }
    trigger = {"requestedMessage": "SignChargePointCertificate"}
    assert await ask(sim, "ExtendedTriggerMessage", trigger) == {"status": "Accepted"}
    for _ in range(200):
        if csms.signing.outcomes.get(sim.id):
            break
        await asyncio.sleep(0.01)
    (outcome,) = csms.signing.outcomes[sim.id]
    assert isinstance(outcome, CallResult) and outcome.payload == {"status": "Accepted"}
    (sign,) = sim.calls("SignCertificate")
    assert "BEGIN CERTIFICATE REQUEST" in sign.payload["csr"]
    keys = list((tmp_path / "data" / "keys").glob("*.key"))
    assert len(keys) == 1 and stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    own = sim.station.charger.security.cp_certificate
    assert own is not None and own.key_id[:32] in keys[0].name
    sim.app.shutdown.set()

    # A restart on security profile 3 against a central system that requires client certificates.
    tls = CentralSystem(heartbeat_interval=300)
    await tls.start(ssl_context=ca.server_context(client_certificates="required"))
    try:
        settings = replace(make_settings(tmp_path, tls), security_profile=3)
        app = build_charger_app(settings, clock=FakeClock(time.time()), strict=True)
        task = asyncio.create_task(app.run())
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            await asyncio.sleep(0.01)
            if app.station.charger.ever_accepted or app.station.last_error:
                break
        assert app.station.charger.ever_accepted, app.station.last_error
        assert tls.authorization["CP1"] is None  # profile 3: the certificate authenticates, no password
        app.shutdown.set()
        await asyncio.wait_for(task, REAL_TIMEOUT)
    finally:
        await tls.stop()
        ca.close()
    # A02.FR.05: the private key never leaves the charge point, nor reaches a log.
    assert "PRIVATE KEY" not in caplog.text
    assert keys[0].read_text().startswith("-----BEGIN PRIVATE KEY")
