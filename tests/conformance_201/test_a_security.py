"""Functional block A (security) of the Core profile, as far as this station goes: HTTP Basic
authentication with SecurityCtrlr.BasicAuthPassword (security profile 1; A00, A01). Steps and tool
validations: OCPP 2.0.1 part 6, TC_A_<n>_CS."""

from __future__ import annotations

import asyncio
import base64
import ssl
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme

from conformance_201.steps import component, set_variables, variable
from conftest import REAL_TIMEOUT, Sim, booted_v201
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.security_profiles import tls_context
from ocppsim.settings.ini_file import load_settings

PASSWORD = "Configured-Password-0001"
PASSWORD_VAR = (component("SecurityCtrlr"), variable("BasicAuthPassword"))


def _basic(password: str) -> str:
    return "Basic " + base64.b64encode(f"A201:{password}".encode()).decode()


@pytest.fixture
async def secured(tmp_path: Path, csms: CentralSystem) -> AsyncIterator[Sim]:
    """A 2.0.1 station at security profile 1 whose BasicAuthPassword the CSMS knows (the INI's
    authorization_key)."""
    csms.passwords = {"A201": PASSWORD}
    ini = tmp_path / "a.ini"
    ini.write_text(
        f"[server]\nurl = {csms.url}\nsecurity_profile = 1\n[host]\nport = 0\n"
        f"[charger]\ncharger_id = A201\nconf_dir = {tmp_path / 'data'}\nocpp_version = 2.0.1\n"
        f"authorization_key = {PASSWORD}\n",
        encoding="utf-8",
    )
    app = build_charger_app(load_settings(ini), clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
    sim = Sim(app, app.fleet.clock, conn, csms)  # type: ignore[arg-type]
    await booted_v201(sim, 1)
    yield sim
    await conn.disconnect()
    app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)


@pytest.mark.octt201("TC_A_01")
async def test_a01_valid_username_password(secured: Sim) -> None:
    assert secured.csms.authorization["A201"] == _basic(PASSWORD)


@pytest.mark.octt201("TC_A_09")
async def test_a09_new_basic_auth_password_accepted(secured: Sim) -> None:
    new = "New-Password-0123456789"
    secured.csms.passwords = {"A201": new}
    mark = secured.mark()
    result = await set_variables(secured, (*PASSWORD_VAR, new, None))
    assert result[0]["attributeStatus"] in ("Accepted", "RebootRequired")
    # The station reconnects with the new password; the CSMS (which now only knows it) lets it in.
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        if secured.csms.authorization["A201"] == _basic(new) and secured.csms.is_connected("A201"):
            break
        await asyncio.sleep(0.01)
    assert secured.csms.authorization["A201"] == _basic(new)
    assert secured.csms.is_connected("A201")
    assert secured.calls("BootNotification", mark) == []  # Accepted: a reconnect, not a reboot


@pytest.mark.octt201("TC_A_10")
async def test_a10_new_basic_auth_password_rejected(secured: Sim) -> None:
    result = await set_variables(secured, (*PASSWORD_VAR, "tooShort123", None))
    assert result[0]["attributeStatus"] == "Rejected"
    result = await set_variables(secured, (*PASSWORD_VAR, "has spaces and is long enough", None))
    assert result[0]["attributeStatus"] == "Rejected"
    assert secured.station.charger.config.raw("SecurityCtrlr.BasicAuthPassword") == PASSWORD
    # WriteOnly: never read back (B06: Rejected).
    got = await secured.csms.call(
        "A201",
        "GetVariables",
        {
            "getVariableData": [
                {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"}}
            ]
        },
    )
    assert got.payload["getVariableResult"][0]["attributeStatus"] == "Rejected"  # type: ignore[union-attr]


def _server_context(ca: trustme.CA, *, maximum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    if maximum is not None:
        # A server stuck below TLS 1.2 on purpose (TC_A_06): Python warns that the version is outdated.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            context.maximum_version = maximum
    return context


async def _tls_station(tmp_path: Path, csms: CentralSystem, ca: trustme.CA) -> tuple[Sim, asyncio.Task[None]]:
    """A 2.0.1 station at security profile 2 (TLS, the CSMS's CA, Basic authentication)."""
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    ini = tmp_path / "tls.ini"
    ini.write_text(
        f"[server]\nurl = {csms.url}\nsecurity_profile = 2\nca_file = {ca_file}\n[host]\nport = 0\n"
        f"[charger]\ncharger_id = A201\nconf_dir = {tmp_path / 'data'}\nocpp_version = 2.0.1\n"
        f"authorization_key = {PASSWORD}\n",
        encoding="utf-8",
    )
    app = build_charger_app(load_settings(ini), clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
    return Sim(app, app.fleet.clock, conn, csms), task  # type: ignore[arg-type]


async def _stop(sim: Sim, task: asyncio.Task[None]) -> None:
    await sim.conn.disconnect()
    sim.app.shutdown.set()
    await asyncio.wait_for(task, REAL_TIMEOUT)


@pytest.mark.octt201("TC_A_04")
async def test_a04_tls_valid_server_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    csms = CentralSystem(passwords={"A201": PASSWORD})
    await csms.start(ssl_context=_server_context(ca))
    sim, task = await _tls_station(tmp_path, csms, ca)
    try:
        await booted_v201(sim, 1)
        assert csms.version_of("A201") == "ocpp2.0.1"
        assert csms.authorization["A201"] == _basic(PASSWORD)  # profile 2: Basic authentication in TLS
        assert csms.violations == []
    finally:
        await _stop(sim, task)
        await csms.stop()


@pytest.mark.octt201("TC_A_06")
async def test_a06_tls_version_too_low(tmp_path: Path) -> None:
    ca = trustme.CA()
    old = CentralSystem(passwords={"A201": PASSWORD})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        tls_1_1 = ssl.TLSVersion.TLSv1_1
    await old.start(ssl_context=_server_context(ca, maximum=tls_1_1))
    sim, task = await _tls_station(tmp_path, old, ca)
    good = CentralSystem(passwords={"A201": PASSWORD})
    try:
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if sim.station.last_error:
                break
            await asyncio.sleep(0.01)
        assert sim.station.last_error and not sim.station.online  # 3. below TLS 1.2: terminated
        # The station's own side of it, whatever the server's TLS library would still negotiate:
        context = tls_context(
            sim.station.charger.config,
            old.url,
            ca_file=str(tmp_path / "ca.pem"),
            client_cert=None,
            client_key=None,
        )
        assert context is not None and context.minimum_version is ssl.TLSVersion.TLSv1_2
        assert old.calls() == []
        port = old.port
        await old.stop()
        await good.start(port=port, ssl_context=_server_context(ca))  # 5. a server with TLS 1.2+
        sim.csms = good
        for _ in range(120):  # 4. the station tries again after its back-off
            await sim.clock.advance(1)
            await asyncio.sleep(0.01)
            if good.is_connected("A201"):
                break
        await booted_v201(sim, 1)
    finally:
        await _stop(sim, task)
        await good.stop()


@pytest.mark.octt201("TC_A_19")
async def test_a19_upgrade_security_profile(tmp_path: Path, csms: CentralSystem) -> None:
    """From profile 1 (ws, Basic authentication) to profile 2 (TLS) at another CSMS: SetNetworkProfile,
    NetworkConfigurationPriority, reset; the station connects with profile 2 and reports it."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    csms.passwords = {"A201": PASSWORD}
    ini = tmp_path / "up.ini"
    ini.write_text(
        f"[server]\nurl = {csms.url}\nsecurity_profile = 1\nca_file = {ca_file}\n[host]\nport = 0\n"
        f"[charger]\ncharger_id = A201\nconf_dir = {tmp_path / 'data'}\nocpp_version = 2.0.1\n"
        f"authorization_key = {PASSWORD}\n",
        encoding="utf-8",
    )
    app = build_charger_app(load_settings(ini), clock=FakeClock(), strict=True)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
    conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
    sim = Sim(app, app.fleet.clock, conn, csms)  # type: ignore[arg-type]
    tls = CentralSystem(passwords={"A201": PASSWORD})
    await tls.start(ssl_context=_server_context(ca))
    try:
        await booted_v201(sim, 1)
        data = {
            "ocppVersion": "OCPP20",
            "ocppTransport": "JSON",
            "ocppCsmsUrl": tls.url,
            "messageTimeout": 30,
            "securityProfile": 2,
            "ocppInterface": "Wired0",
        }
        answer = await csms.call(
            "A201", "SetNetworkProfile", {"configurationSlot": 2, "connectionData": data}
        )
        assert answer.payload == {"status": "Accepted"}  # type: ignore[union-attr]
        result = await set_variables(
            sim, (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), "2,1", None)
        )
        assert result[0]["attributeStatus"] == "RebootRequired"
        await csms.call("A201", "Reset", {"type": "OnIdle"})
        await tls.wait_for_call("A201", "BootNotification")
        assert tls.authorization["A201"] == _basic(PASSWORD)
        sim.csms = tls
        await booted_v201(sim, 1)
        got = await tls.call(
            "A201",
            "GetVariables",
            {
                "getVariableData": [
                    {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "SecurityProfile"}}
                ]
            },
        )
        assert got.payload["getVariableResult"][0]["attributeValue"] == "2"  # type: ignore[union-attr]
    finally:
        await _stop(sim, task)
        await tls.stop()


@pytest.mark.octt201("TC_A_05")
async def test_a05_tls_invalid_server_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    impostor = CentralSystem(passwords={"A201": PASSWORD})
    await impostor.start(ssl_context=_server_context(trustme.CA()))  # 2. a certificate of another CA
    sim, task = await _tls_station(tmp_path, impostor, ca)
    good = CentralSystem(passwords={"A201": PASSWORD})
    try:
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if sim.station.last_error:
                break
            await asyncio.sleep(0.01)
        assert "CERTIFICATE_VERIFY_FAILED" in (sim.station.last_error or "")  # 3. deemed invalid
        assert impostor.calls() == []
        port = impostor.port
        await impostor.stop()
        await good.start(port=port, ssl_context=_server_context(ca))  # 5. the configured certificate
        sim.csms = good
        for _ in range(120):  # 4. the next attempt after the back-off
            await sim.clock.advance(1)
            await asyncio.sleep(0.01)
            if good.is_connected("A201"):
                break
        await booted_v201(sim, 1)  # 10.-13.
        # 14. The security block's StartupOfTheDevice (critical, A04; merged from main) may go first.
        event = await good.wait_for(
            lambda f: (
                f.kind == 2
                and f.action == "SecurityEventNotification"
                and f.payload["type"] == "InvalidCsmsCertificate"
            ),
            5.0,
        )
        assert event.payload["techInfo"]
        assert good.violations == []
    finally:
        await _stop(sim, task)
        await good.stop()
