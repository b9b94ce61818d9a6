"""Security profile changes on the wire (Security Whitepaper A05) and the TLS checks: a failed upgrade
falls back (A05.FR.08); a refused CSMS certificate is InvalidCentralSystemCertificate; the opt-in that
skips only the host name check (never the chain)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REAL_TIMEOUT, Sim, SimFactory, make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.ca import CertificateAuthority
from ocppsim.csms.server import CentralSystem
from ocppsim.ocpp16.framing import CallResult
from ocppsim.runtime.clock import FakeClock

KEY = "0123456789abcdef0123456789abcdef01234567"


async def test_a_failed_upgrade_falls_back(sim_factory: SimFactory, csms: CentralSystem) -> None:
    ca = CertificateAuthority()
    sim: Sim = await sim_factory(clock=FakeClock(time.time()))
    install = {"certificateType": "CentralSystemRootCertificate", "certificate": ca.root_pem}
    installed = await csms.call(sim.id, "InstallCertificate", install)
    assert isinstance(installed, CallResult) and installed.payload == {"status": "Accepted"}
    change = {"key": "SecurityProfile", "value": "2"}
    await csms.call(sim.id, "ChangeConfiguration", {"key": "AuthorizationKey", "value": KEY})
    await sim.quiet()
    result = await csms.call(sim.id, "ChangeConfiguration", change)
    assert isinstance(result, CallResult) and result.payload == {"status": "Accepted"}
    # Profile 2 cannot connect to this ws:// central system: back to the profile that worked.
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        await asyncio.sleep(0.01)
        if sim.station.charger.config.get_int("SecurityProfile") == 0 and sim.station.online:
            break
    assert sim.station.charger.config.get_int("SecurityProfile") == 0
    assert sim.app.store.config.load(sim.id)["SecurityProfile"] == "0"  # persisted
    await sim.quiet()
    log = [e for _, e, _ in sim.app.store.certificates.log_entries(sim.id)]
    assert log[-1] == "ReconfigurationOfSecurityParameters"
    ca.close()


async def start(settings_path: Path, cs: CentralSystem, **settings: object) -> ChargerApp:
    app = build_charger_app(
        replace(make_settings(settings_path, cs), **settings), clock=FakeClock(time.time())
    )
    app.task = asyncio.create_task(app.run())  # type: ignore[attr-defined]
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        await asyncio.sleep(0.01)
        if app.station.charger.ever_accepted or app.station.last_error:
            break
    return app


async def stop(app: ChargerApp) -> None:
    app.shutdown.set()
    await asyncio.wait_for(app.task, REAL_TIMEOUT)  # type: ignore[attr-defined]


@pytest.mark.parametrize("skip", [False, True])
async def test_host_name_check_can_be_skipped_but_not_the_chain(
    tmp_path: Path, skip: bool, caplog: pytest.LogCaptureFixture
) -> None:
    ca, other = CertificateAuthority(), CertificateAuthority("Other")
    root = tmp_path / "root.pem"
    root.write_text(ca.root_pem)
    # A certificate for another name than the one the charger connects to (localhost).
    cs = CentralSystem(passwords={"CP1": KEY})
    await cs.start(ssl_context=ca.server_context("csms.example"))
    try:
        app = await start(
            tmp_path / "a",
            cs,
            security_profile=2,
            authorization_key=KEY,
            ca_file=root,
            tls_skip_hostname_check=skip,
        )
        assert app.station.charger.ever_accepted is skip
        if not skip:
            assert "Hostname mismatch" in (app.station.last_error or "")
            log = [e for _, e, _ in app.store.certificates.log_entries(app.station.id)]
            assert "InvalidCentralSystemCertificate" in log
        else:
            assert "tls_skip_hostname_check is on" in caplog.text
        await stop(app)
    finally:
        await cs.stop()
    # With the option on, a certificate of a CA that is not installed is still refused.
    rogue = CentralSystem(passwords={"CP1": KEY})
    await rogue.start(ssl_context=other.server_context())
    try:
        app = await start(
            tmp_path / "b",
            rogue,
            security_profile=2,
            authorization_key=KEY,
            ca_file=root,
            tls_skip_hostname_check=True,
        )
        assert not app.station.charger.ever_accepted
        assert "CERTIFICATE_VERIFY_FAILED" in (app.station.last_error or "")
        await stop(app)
    finally:
        await rogue.stop()
        ca.close()
        other.close()
