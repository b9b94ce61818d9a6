"""Security profiles 1-3 (Security Whitepaper) against real TLS on loopback, certificates made here."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
import trustme

from conftest import REAL_TIMEOUT, make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.clock import FakeClock
from ocppsim.settings.specs import Settings

KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, *, require_client_cert: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        ca.configure_trust(context)
    return context


async def run_until_settled(settings: Settings) -> ChargerApp:
    """Start the charger; return once it booted or failed to connect at least once."""
    app = build_charger_app(settings, clock=FakeClock())
    app.task = asyncio.create_task(app.run())  # type: ignore[attr-defined]
    for _ in range(300):
        await asyncio.sleep(0.01)
        if app.station.charger.ever_accepted or app.station.last_error:
            break
    return app


async def stop(app: ChargerApp) -> None:
    app.shutdown.set()
    await asyncio.wait_for(app.task, REAL_TIMEOUT)  # type: ignore[attr-defined]


@pytest.fixture
async def tls_csms(ca: trustme.CA, request: pytest.FixtureRequest) -> AsyncIterator[CentralSystem]:
    cs = CentralSystem(passwords={"CP1": KEY} if request.param == "basic" else None)
    await cs.start(ssl_context=server_context(ca, require_client_cert=request.param == "client-cert"))
    yield cs
    await cs.stop()


def profile_settings(tmp_path: Path, csms: CentralSystem, profile: int, **files: Path) -> Settings:
    base = make_settings(tmp_path, csms)
    charger = replace(
        base.charger,
        has_central_system_root_certificate="ca_file" in files,
        has_charge_point_certificate="client_cert" in files,
    )
    return replace(base, charger=charger, security_profile=profile, authorization_key=KEY, **files)


async def test_profile_1_basic_auth(tmp_path: Path) -> None:
    cs = CentralSystem(passwords={"CP1": KEY})
    await cs.start()
    try:
        app = await run_until_settled(profile_settings(tmp_path, cs, 1))
        assert app.station.charger.ever_accepted
        await stop(app)
        wrong = replace(profile_settings(tmp_path / "w", cs, 1), authorization_key="f" * 40)
        app = await run_until_settled(wrong)
        assert app.station.last_error == "HTTP 401"
        assert not app.station.charger.ever_accepted
        await stop(app)
    finally:
        await cs.stop()


@pytest.mark.parametrize("tls_csms", ["basic"], indirect=True)
async def test_profile_2_tls_with_basic_auth(tls_csms: CentralSystem, ca: trustme.CA, tmp_path: Path) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    app = await run_until_settled(profile_settings(tmp_path, tls_csms, 2, ca_file=ca_file))
    assert app.station.charger.ever_accepted
    assert tls_csms.authorization["CP1"] is not None
    await stop(app)


@pytest.mark.parametrize(("tls_csms", "profile"), [("basic", 2), ("client-cert", 3)], indirect=["tls_csms"])
async def test_profiles_2_and_3_refuse_a_server_certificate_from_another_ca(
    tls_csms: CentralSystem, ca: trustme.CA, tmp_path: Path, profile: int
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    cert, key = tmp_path / "cp.pem", tmp_path / "cp.key"
    issued = ca.issue_cert("SIM-0001")
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    files = {"client_cert": cert, "client_key": key} if profile == 3 else {}
    app = await run_until_settled(profile_settings(tmp_path, tls_csms, profile, ca_file=other, **files))
    assert not app.station.charger.ever_accepted
    assert "CERTIFICATE_VERIFY_FAILED" in (app.station.last_error or "")
    await stop(app)


@pytest.mark.parametrize("tls_csms", ["client-cert"], indirect=True)
async def test_profile_3_client_certificate(tls_csms: CentralSystem, ca: trustme.CA, tmp_path: Path) -> None:
    ca_file, cert, key = tmp_path / "ca.pem", tmp_path / "cp.pem", tmp_path / "cp.key"
    ca.cert_pem.write_to_path(str(ca_file))
    issued = ca.issue_cert("SIM-0001")
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    app = await run_until_settled(
        profile_settings(tmp_path, tls_csms, 3, ca_file=ca_file, client_cert=cert, client_key=key)
    )
    assert app.station.charger.ever_accepted
    assert tls_csms.authorization["CP1"] is None  # profile 3 authenticates by certificate, not Basic auth
    await stop(app)


@pytest.mark.parametrize("tls_csms", ["client-cert"], indirect=True)
async def test_profile_3_refused_with_a_foreign_client_certificate(
    tls_csms: CentralSystem, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file, cert, key = tmp_path / "ca.pem", tmp_path / "cp.pem", tmp_path / "cp.key"
    ca.cert_pem.write_to_path(str(ca_file))
    foreign = trustme.CA().issue_cert("SIM-0001")
    foreign.cert_chain_pems[0].write_to_path(str(cert))
    foreign.private_key_pem.write_to_path(str(key))
    app = await run_until_settled(
        profile_settings(tmp_path, tls_csms, 3, ca_file=ca_file, client_cert=cert, client_key=key)
    )
    assert not app.station.charger.ever_accepted
    assert app.station.last_error
    await stop(app)


async def test_profile_2_needs_wss(tmp_path: Path, csms: CentralSystem) -> None:
    ca_file = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    app = await run_until_settled(profile_settings(tmp_path, csms, 2, ca_file=ca_file))
    assert "need a wss:// URL" in (app.station.last_error or "")
    await stop(app)
