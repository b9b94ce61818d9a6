"""Functional block A (security) past the Core profile, on a 2.0.1 station: the charging station
certificate update by request of the CSMS (A02: TC_A_11, TC_A_14, TC_A_15, TC_A_23 of part 5's Advanced
Security profile), its renewal before expiry (A03), the V2G certificate, security profile 3 with the
signed certificate (TC_A_07, an A05 upgrade to profile 3), and the security events in their 2.0.1 names
(A04, part 2 appendix 1). Steps and tool validations: OCPP 2.0.1 part 6, TC_A_<n>_CS.

The built-in central system runs the CPO's CA (csms/ca.py) and signs each CSR (csms/signing.py).
Certificates are valid on the real calendar: the simulated clock starts at the real time (it still moves
only when a case says so)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from conformance_201.steps import call, component, get_variables, set_variables, variable
from conftest import REAL_TIMEOUT, Sim, booted_v201, make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.ca import CertificateAuthority
from ocppsim.csms.server import CentralSystem
from ocppsim.csms.signing import CertificateSigning
from ocppsim.driver import SimConnection
from ocppsim.ocpp16.framing import CallResult
from ocppsim.pki import public_key_id
from ocppsim.runtime.clock import FakeClock
from ocppsim.settings.specs import HttpSettings

PASSWORD = "Configured-Password-0001"
CS_CERT = "ChargingStationCertificate"
V2G_CERT = "V2GCertificate"
SIGN_CS = {"requestedMessage": "SignChargingStationCertificate"}


class Rig:
    """Central systems (ws:// or wss://, all with the CA) and 2.0.1 chargers on them; everything started
    is stopped at the end, and every central system must have seen only schema-valid frames."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.ca = CertificateAuthority()
        self._apps: list[tuple[ChargerApp, asyncio.Task[None], SimConnection]] = []
        self._servers: list[CentralSystem] = []

    async def csms(self, *, tls: str | None = None, passwords: bool = False, port: int = 0) -> CentralSystem:
        """`tls`: None (ws://), or the client certificates a wss:// server asks ("none", "optional",
        "required")."""
        cs = CentralSystem(
            heartbeat_interval=300, passwords={"CP1": PASSWORD} if passwords else None, ca=self.ca
        )
        await cs.start(
            port=port, ssl_context=self.ca.server_context(client_certificates=tls) if tls else None
        )
        self._servers.append(cs)
        return cs

    def root_file(self) -> Path:
        path = self.tmp / "csms-root.pem"
        path.write_text(self.ca.root_pem)
        return path

    async def charger(self, cs: CentralSystem, *, http: bool = False, **settings: Any) -> Sim:
        clock = FakeClock(time.time())  # certificates are valid on the real calendar
        base = make_settings(self.tmp, cs, ocpp_versions=("2.0.1",))
        if http:
            base = replace(base, http=HttpSettings(port=0, log_size=200))
        app = build_charger_app(replace(base, **settings), clock=clock, strict=True)
        task = asyncio.create_task(app.run())
        await asyncio.wait_for(app.started.wait(), REAL_TIMEOUT)
        conn = await SimConnection(f"ws://127.0.0.1:{app.text_server.port}", timeout=REAL_TIMEOUT).connect()
        self._apps.append((app, task, conn))
        sim = Sim(app, clock, conn, cs)
        await booted_v201(sim, 1)
        return sim

    async def profile_3(self) -> Sim:
        """A station on security profile 3 (TLS with the client certificate it was made with) at a
        central system that requires one (part 6 prerequisite of TC_A_11 ... TC_A_23)."""
        cs = await self.csms(tls="required")
        cert, key = self.ca.client_files(self.tmp, "CP1")
        return await self.charger(
            cs, security_profile=3, ca_file=self.root_file(), client_cert=cert, client_key=key
        )

    async def stop(self, sim: Sim) -> None:
        """Shut one charger down (its data directory stays, for a restart)."""
        for entry in self._apps:
            app, task, conn = entry
            if app is sim.app:
                self._apps.remove(entry)
                await conn.disconnect()
                app.shutdown.set()
                await asyncio.wait_for(task, REAL_TIMEOUT)
                return
        raise AssertionError("not a charger of this rig")

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


async def until(condition: Callable[[], object]) -> None:
    for _ in range(int(REAL_TIMEOUT / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


async def signed_outcome(sim: Sim, count: int = 1) -> CallResult:
    """The charger's answer to the `count`-th CertificateSigned the central system sent on its own."""
    signing = sim.csms.signing
    assert signing is not None
    await until(lambda: len(signing.outcomes.get(sim.id, [])) >= count)
    await sim.quiet()
    outcome = signing.outcomes[sim.id][count - 1]
    assert isinstance(outcome, CallResult), outcome
    return outcome


def security_events(sim: Sim, since: int = 0) -> list[str]:
    return [f.payload["type"] for f in sim.calls("SecurityEventNotification", since)]


def check_csr(pem: str, organization: str = "ocppsim") -> x509.CertificateSigningRequest:
    """Part 6 tool validation of a SignCertificateRequest: an RFC 2986 CSR in PEM whose key is at least
    224 bits of elliptic curve (or 2048 of RSA); A02.FR.13 / A00.FR.511: O and CN."""
    csr = x509.load_pem_x509_csr(pem.encode())
    assert csr.is_signature_valid
    key = csr.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.key_size >= 224
    assert csr.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value == organization
    # The station's serial number (chargePointSerialNumber of the default settings), not its URL.
    assert csr.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "SIM-0001"
    return csr


def presented_key(cs: CentralSystem, charger_id: str = "CP1") -> str:
    """The public key id of the client certificate the charger presented on its last TLS connection."""
    der = cs.client_certificates.get(charger_id)
    assert der is not None
    return public_key_id(x509.load_der_x509_certificate(der))


async def reconnect(sim: Sim) -> None:
    """The central system drops the connection; the station comes back after its back-off."""
    await sim.csms.disconnect(sim.id)
    await until(lambda: not sim.station.online)
    for _ in range(120):
        await sim.clock.advance(1)
        await asyncio.sleep(0.01)
        if sim.csms.is_connected(sim.id) and sim.station.online:
            break
    assert sim.station.online, sim.station.last_error
    await sim.quiet()


# ------------------------------------------------------------------ A02 by request of the CSMS


@pytest.mark.octt201("TC_A_11")
async def test_a11_certificate_update_success(rig: Rig) -> None:
    sim = await rig.profile_3()
    made_with = presented_key(sim.csms)
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}  # F06.FR.04
    outcome = await signed_outcome(sim)
    assert outcome.payload == {"status": "Accepted"}  # A02.FR.06
    (sign,) = sim.calls("SignCertificate", mark)
    assert sign.payload["certificateType"] == CS_CERT
    csr = check_csr(sign.payload["csr"])
    own = sim.station.charger.security.cp_certificate
    assert own is not None and own.key_id == public_key_id(csr) != made_with
    # A02.FR.08/09: the new certificate is the one the next connection presents.
    await reconnect(sim)
    assert presented_key(sim.csms) == own.key_id
    assert sim.csms.authorization["CP1"] is None  # profile 3: no password


@pytest.mark.octt201("TC_A_14")
async def test_a14_certificate_update_invalid_certificate(rig: Rig) -> None:
    sim = await rig.profile_3()
    # The central system answers with a certificate of a CA outside the CSMS root's hierarchy.
    rogue = CertificateAuthority("Rogue")
    sim.csms.signing = CertificateSigning(rogue, call=sim.csms.call, version_of=sim.csms.version_of)
    made_with = presented_key(sim.csms)
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    check_csr(sim.calls("SignCertificate", mark)[0].payload["csr"])
    outcome = await signed_outcome(sim)
    assert outcome.payload["status"] == "Rejected"  # A02.FR.07
    assert outcome.payload["statusInfo"]["reasonCode"] == "InvalidCertificate"
    assert security_events(sim, mark) == ["InvalidChargingStationCertificate"]
    assert sim.station.charger.security.cp_certificate is None  # discarded
    await reconnect(sim)
    assert presented_key(sim.csms) == made_with
    rogue.close()


@pytest.mark.octt201("TC_A_15")
async def test_a15_sign_certificate_rejected(rig: Rig) -> None:
    sim = await rig.profile_3()
    sim.csms.responders["SignCertificate"] = lambda charger_id, payload: {"status": "Rejected"}
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    assert len(sim.calls("SignCertificate", mark)) == 1
    # Rejected: the CSMS will not sign it, so no resend however long the station waits (A02.FR.17 is
    # about a CertificateSigned that does not come after an Accepted).
    await sim.advance(3600)
    assert len(sim.calls("SignCertificate", mark)) == 1
    assert sim.station.charger.security.cp_certificate is None


@pytest.mark.octt201("TC_A_23")
async def test_a23_certificate_signed_timeout(rig: Rig) -> None:
    """Part 6 step by step, with CertSigningRepeatTimes 2: the variable is "the number of times to
    resend" (part 2 appendix 3.1.15) and the case expects two resends (steps 6 and 9), where its
    preparation says 1."""
    sim = await rig.profile_3()
    wait = 20
    sim.csms.responders["SignCertificate"] = lambda charger_id, payload: {"status": "Accepted"}
    result = await set_variables(
        sim,
        (component("SecurityCtrlr"), variable("CertSigningWaitMinimum"), str(wait), None),
        (component("SecurityCtrlr"), variable("CertSigningRepeatTimes"), "2", None),
    )
    assert [r["attributeStatus"] for r in result] == ["Accepted", "Accepted"]
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}  # steps 1-2

    def sent() -> list[str]:
        return [f.payload["csr"] for f in sim.calls("SignCertificate", mark)]

    assert len(sent()) == 1  # step 3
    await sim.advance(wait - 1)
    assert len(sent()) == 1  # step 5: not before CertSigningWaitMinimum
    await sim.advance(1)
    assert len(sent()) == 2  # step 6
    await sim.advance(2 * wait - 1)
    assert len(sent()) == 2  # step 8: not before twice CertSigningWaitMinimum
    await sim.advance(1)
    assert len(sent()) == 3  # step 9
    first = sent()[0]
    assert sent() == [first] * 3  # the same CSR: its key pair is the one a late certificate certifies
    await sim.advance(8 * wait)
    assert len(sent()) == 3  # A02.FR.19: CertSigningRepeatTimes resends, no more
    # Step 11: the certificate made from the CSR of step 3.
    signing = sim.csms.signing
    assert signing is not None
    answer = await signing.send_certificate(sim.id, rig.ca.sign_csr(first), CS_CERT)
    assert isinstance(answer, CallResult) and answer.payload == {"status": "Accepted"}  # step 12
    own = sim.station.charger.security.cp_certificate
    assert own is not None and own.key_id == public_key_id(x509.load_pem_x509_csr(first.encode()))


async def test_certificate_signed_without_a_request_is_rejected(rig: Rig) -> None:
    """A CertificateSigned that answers no CSR (or certifies another key) is Rejected with the event;
    the same certificate again after its acceptance is a replay (AttemptedReplayAttacks, logged)."""
    cs = await rig.csms()
    sim = await rig.charger(cs, ca_file=rig.root_file())  # the CSMS root installed
    signing = cs.signing
    assert signing is not None
    stray = rig.ca.sign_csr(_csr_pem("CP1"))
    mark = sim.mark()
    answer = await signing.send_certificate(sim.id, stray)
    assert isinstance(answer, CallResult) and answer.payload["status"] == "Rejected"
    assert "last CSR" in answer.payload["statusInfo"]["additionalInfo"]
    await sim.quiet()
    assert security_events(sim, mark) == ["InvalidChargingStationCertificate"]
    # Too long for MaxCertificateChainSize (the Whitepaper's CertificateSignedMaxChainSize, one value).
    (size,) = await get_variables(
        sim, (component("SecurityCtrlr"), variable("MaxCertificateChainSize"), None)
    )
    assert size["attributeValue"] == "10000"
    # (10000 is also the schema's maxLength, so a longer chain is a CallError; a station configured
    # for less refuses what exceeds it, A02.FR.16.)
    sim.station.charger.config.store("CertificateSignedMaxChainSize", str(len(stray) - 1))
    answer = await signing.send_certificate(sim.id, stray)
    assert isinstance(answer, CallResult) and answer.payload["status"] == "Rejected"
    assert "more than" in answer.payload["statusInfo"]["additionalInfo"]
    sim.station.charger.config.store("CertificateSignedMaxChainSize", "10000")
    # A real update, then the same certificate once more.
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    assert (await signed_outcome(sim)).payload == {"status": "Accepted"}
    own = sim.station.charger.security.cp_certificate
    assert own is not None
    mark = sim.mark()
    again = await signing.send_certificate(sim.id, own.chain_pem)
    assert isinstance(again, CallResult) and again.payload["status"] == "Rejected"
    await sim.quiet()
    assert security_events(sim, mark) == []  # AttemptedReplayAttacks is not critical: logged
    logged = [e for _, e, _ in sim.app.store.certificates.log_entries(sim.id)]
    assert "AttemptedReplayAttacks" in logged


def _csr_pem(common_name: str) -> str:
    from ocppsim.pki import make_csr

    return make_csr(common_name, "ocppsim")[1]


# ------------------------------------------------------------------ V2G and combined


async def test_v2g_and_combined_certificates(rig: Rig) -> None:
    """TriggerMessage SignV2GCertificate: a CSR of certificateType V2GCertificate whose chain must lead to
    an installed V2GRootCertificate; SignCombinedCertificate: one CSR of each type."""
    cs = await rig.csms()
    sim = await rig.charger(cs, ca_file=rig.root_file())  # the CSMS root installed
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", {"requestedMessage": "SignV2GCertificate"}) == {
        "status": "Accepted"
    }
    outcome = await signed_outcome(sim)
    assert outcome.payload["status"] == "Rejected"  # no V2G root installed: not part of a hierarchy
    (sign,) = sim.calls("SignCertificate", mark)
    assert sign.payload["certificateType"] == V2G_CERT
    install = {"certificateType": "V2GRootCertificate", "certificate": rig.ca.root_pem}
    assert await call(sim, "InstallCertificate", install) == {"status": "Accepted"}
    mark = sim.mark()
    combined = {"requestedMessage": "SignCombinedCertificate"}
    assert await call(sim, "TriggerMessage", combined) == {"status": "Accepted"}
    assert {f.payload["certificateType"] for f in sim.calls("SignCertificate", mark)} == {CS_CERT, V2G_CERT}
    await signed_outcome(sim, 3)
    signing = cs.signing
    assert signing is not None
    assert [o.payload for o in signing.outcomes[sim.id][1:]] == [  # type: ignore[attr-defined]
        {"status": "Accepted"},
        {"status": "Accepted"},
    ]
    security = sim.station.charger.security
    assert security.cp_certificate is not None and security.requests.v2g_certificate is not None
    assert security.cp_certificate.key_id != security.requests.v2g_certificate.key_id


async def test_v2g_certificate_survives_a_restart(rig: Rig) -> None:
    """The V2GCertificate accepted is kept as the charging station certificate is (its chain in the store,
    its key a 0600 file): after a restart the station still has it, and the same chain sent again is a
    replay of the installed certificate, not a chain for an unknown key."""
    cs = await rig.csms()
    sim = await rig.charger(cs, ca_file=rig.root_file())
    install = {"certificateType": "V2GRootCertificate", "certificate": rig.ca.root_pem}
    assert await call(sim, "InstallCertificate", install) == {"status": "Accepted"}
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", {"requestedMessage": "SignV2GCertificate"}) == {
        "status": "Accepted"
    }
    assert (await signed_outcome(sim)).payload == {"status": "Accepted"}
    (sign,) = sim.calls("SignCertificate", mark)
    before = sim.station.charger.security.requests.v2g_certificate
    assert before is not None and sim.station.charger.security.cp_certificate is None
    chain = next(f for f in cs.frames if f.action == "CertificateSigned" and f.direction == "out").payload
    await rig.stop(sim)

    again = await rig.charger(cs, ca_file=rig.root_file())
    after = again.station.charger.security.requests.v2g_certificate
    assert after == before
    assert again.station.charger.security.cp_certificate is None  # not taken for the TLS certificate
    answer = await call(again, "CertificateSigned", chain)
    assert answer["status"] == "Rejected"
    assert "installed already" in answer["statusInfo"]["additionalInfo"]  # a replay, not an unknown key
    logged = [e for _, e, _ in again.app.store.certificates.log_entries(again.id)]
    assert "AttemptedReplayAttacks" in logged
    assert sign.payload["certificateType"] == V2G_CERT


async def test_trigger_rejected_without_organization_name(rig: Rig) -> None:
    cs = await rig.csms()
    sim = await rig.charger(cs, ca_file=rig.root_file())  # the CSMS root installed
    name = (component("SecurityCtrlr"), variable("OrganizationName"))
    (got,) = await get_variables(sim, (*name, None))
    assert got["attributeValue"] == "ocppsim"  # the 2.0.1 default of the Whitepaper's CpoName
    assert (await set_variables(sim, (*name, "", None)))[0]["attributeStatus"] == "Accepted"
    assert sim.station.charger.config.raw("CpoName") == ""  # one value for both versions
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Rejected"}
    assert (await set_variables(sim, (*name, "Other CPO", None)))[0]["attributeStatus"] == "Accepted"
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    check_csr(sim.calls("SignCertificate", mark)[0].payload["csr"], organization="Other CPO")


# ------------------------------------------------------------------ A03 renewal before expiry


class _ShortLived:
    """A CA that signs the first CSR for `days` only (a certificate close to its expiry), then as usual."""

    def __init__(self, ca: CertificateAuthority, days: int) -> None:
        self.ca = ca
        self.days: int | None = days

    def sign_csr(self, csr_pem: str) -> str:
        days, self.days = self.days, None
        return self.ca.sign_csr(csr_pem, days=days) if days is not None else self.ca.sign_csr(csr_pem)


async def test_a03_renewal_before_expiry(rig: Rig) -> None:
    """A03.FR.02: a certificate that expires within a month is renewed by the station on its own: a new
    key pair, SignCertificate, CertificateSigned; the renewed one serves the next connection."""
    sim = await rig.profile_3()
    cs = sim.csms
    cs.signing = CertificateSigning(
        _ShortLived(rig.ca, days=20),  # type: ignore[arg-type]
        call=cs.call,
        version_of=cs.version_of,
    )
    mark = sim.mark()
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    assert (await signed_outcome(sim)).payload == {"status": "Accepted"}
    # Twenty days left: the renewal is due at once, with a key pair of its own.
    await sim.advance(0)
    assert (await signed_outcome(sim, 2)).payload == {"status": "Accepted"}
    first, renewal = sim.calls("SignCertificate", mark)
    assert first.payload["csr"] != renewal.payload["csr"] and renewal.payload["certificateType"] == CS_CERT
    own = sim.station.charger.security.cp_certificate
    assert own is not None and own.not_after - time.time() > 300 * 86400
    assert own.key_id == public_key_id(check_csr(renewal.payload["csr"]))
    await sim.advance(3600)
    assert len(sim.calls("SignCertificate", mark)) == 2  # a year left: nothing more to renew
    await reconnect(sim)
    assert presented_key(cs) == own.key_id


# ------------------------------------------------------------------ security profile 3


@pytest.mark.octt201("TC_A_07")
async def test_a07_tls_client_certificate(rig: Rig) -> None:
    sim = await rig.profile_3()
    assert sim.csms.version_of("CP1") == "ocpp2.0.1"
    assert sim.csms.authorization["CP1"] is None  # no Basic authentication on profile 3
    (profile,) = await get_variables(sim, (component("SecurityCtrlr"), variable("SecurityProfile"), None))
    assert profile["attributeValue"] == "3"


async def test_upgrade_to_profile_3_with_the_signed_certificate(rig: Rig) -> None:
    """A05 to profile 3 on a certificate the station got by A02: before the update the priority that
    would use the profile 3 slot is Rejected (A05.FR.03: no ChargingStationCertificate), after it
    accepted; the station then connects to the profile 3 CSMS with that certificate and reports 3."""
    cs = await rig.csms(tls="optional", passwords=True)
    sim = await rig.charger(cs, security_profile=2, authorization_key=PASSWORD, ca_file=rig.root_file())
    assert cs.authorization["CP1"] is not None and cs.client_certificates["CP1"] is None
    strict = await rig.csms(tls="required")
    data = {
        "ocppVersion": "OCPP20",
        "ocppTransport": "JSON",
        "ocppCsmsUrl": strict.url,
        "messageTimeout": 30,
        "securityProfile": 3,
        "ocppInterface": "Wired0",
    }
    profile = {"configurationSlot": 2, "connectionData": data}
    assert await call(sim, "SetNetworkProfile", profile) == {"status": "Accepted"}
    priority = (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), "2,1", None)
    assert (await set_variables(sim, priority))[0]["attributeStatus"] == "Rejected"  # no certificate yet
    assert await call(sim, "TriggerMessage", SIGN_CS) == {"status": "Accepted"}
    assert (await signed_outcome(sim)).payload == {"status": "Accepted"}
    assert (await set_variables(sim, priority))[0]["attributeStatus"] == "RebootRequired"
    await call(sim, "Reset", {"type": "OnIdle"})
    await strict.wait_for_call("CP1", "BootNotification")
    sim.csms = strict
    await booted_v201(sim, 1)
    own = sim.station.charger.security.cp_certificate
    assert own is not None and presented_key(strict) == own.key_id
    assert strict.authorization["CP1"] is None
    (level,) = await get_variables(sim, (component("SecurityCtrlr"), variable("SecurityProfile"), None))
    assert level["attributeValue"] == "3"


def _network_profile(url: str, level: int) -> dict[str, Any]:
    data = {
        "ocppVersion": "OCPP20",
        "ocppTransport": "JSON",
        "ocppCsmsUrl": url,
        "messageTimeout": 30,
        "securityProfile": level,
        "ocppInterface": "Wired0",
    }
    return {"configurationSlot": 2, "connectionData": data}


@pytest.mark.octt201("TC_A_20")
async def test_a20_upgrade_without_csms_root_rejected(rig: Rig) -> None:
    cs = await rig.csms(passwords=True)
    sim = await rig.charger(cs, security_profile=1, authorization_key=PASSWORD)
    assert not sim.station.charger.security.has_central_system_root
    tls = await rig.csms(tls="none", passwords=True)
    assert await call(sim, "SetNetworkProfile", _network_profile(tls.url, 2)) == {"status": "Accepted"}
    priority = (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), "2,1", None)
    assert (await set_variables(sim, priority))[0]["attributeStatus"] == "Rejected"  # A05.FR.02
    (got,) = await get_variables(
        sim, (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), None)
    )
    assert got["attributeValue"] == "1"


@pytest.mark.octt201("TC_A_21")
async def test_a21_upgrade_without_charging_station_certificate_rejected(rig: Rig) -> None:
    cs = await rig.csms(tls="optional", passwords=True)
    sim = await rig.charger(cs, security_profile=2, authorization_key=PASSWORD, ca_file=rig.root_file())
    strict = await rig.csms(tls="required")
    assert await call(sim, "SetNetworkProfile", _network_profile(strict.url, 3)) == {"status": "Accepted"}
    priority = (component("OCPPCommCtrlr"), variable("NetworkConfigurationPriority"), "2,1", None)
    assert (await set_variables(sim, priority))[0]["attributeStatus"] == "Rejected"  # A05.FR.03
    await sim.advance(60)
    assert strict.calls() == []  # it stays where it is


# ------------------------------------------------------------------ A04 security events, 2.0.1 names


async def test_security_events_in_2_0_1_names(sim201: Sim) -> None:
    """The text command takes the 2.0.1 names on a 2.0.1 station (and the 1.6 ones as before); the wire
    carries the 2.0.1 name; what 2.0.1 calls critical is pushed (part 2 appendix 1)."""
    sim = sim201
    mark = sim.mark()
    assert (
        await sim.cmd("security_event InvalidCsmsCertificate bad chain")
        == "Ok. InvalidCsmsCertificate pushed"
    )
    assert await sim.cmd("security_event invalidchargepointcertificate") == (
        "Ok. InvalidChargePointCertificate pushed"  # a 1.6 name: the reply as before
    )
    login = 'security_event MaintenanceLoginFailed {"user": "tech", "origin": "10.0.0.8"}'
    assert await sim.cmd(login) == "Ok. MaintenanceLoginFailed pushed"
    assert await sim.cmd("security_event InvalidTLSVersion") == "Ok. InvalidTLSVersion pushed"  # critical
    assert (
        await sim.cmd("security_event FailedToAuthenticateAtCsms") == "Ok. FailedToAuthenticateAtCsms logged"
    )
    assert await sim.cmd("security_event InvalidMessages") == "Ok. InvalidMessages logged"
    sent = [
        (f.payload["type"], f.payload.get("techInfo")) for f in sim.calls("SecurityEventNotification", mark)
    ]
    assert sent == [
        ("InvalidCsmsCertificate", "bad chain"),
        ("InvalidChargingStationCertificate", None),
        ("MaintenanceLoginFailed", '{"user": "tech", "origin": "10.0.0.8"}'),
        ("InvalidTLSVersion", None),
    ]
    for frame in sim.calls("SecurityEventNotification", mark):
        assert frame.payload["timestamp"].endswith("Z")
    logged = [e for _, e, _ in sim.app.store.certificates.log_entries(sim.id)]
    # The log in the 2.0.1 names too (part 2 appendix 1), whichever name raised the event.
    assert {"MaintenanceLoginFailed", "FailedToAuthenticateAtCsms", "InvalidMessages"} <= set(logged)
    assert "InvalidChargingStationCertificate" in logged and "InvalidChargePointCertificate" not in logged


async def test_security_events_kept_while_offline(rig: Rig) -> None:
    """A04.FR.02: an event raised while the CSMS is unreachable waits in the journal and goes, in its
    2.0.1 name, once the station is back."""
    cs = await rig.csms()
    sim = await rig.charger(cs)
    port = cs.port
    await cs.stop()
    await until(lambda: not sim.station.online)
    assert (
        await sim.cmd("security_event InvalidCsmsCertificate offline") == "Ok. InvalidCsmsCertificate pushed"
    )
    assert await sim.cmd("security_event TamperDetectionActivated") == "Ok. TamperDetectionActivated pushed"
    journal = [(action, body) for _, action, _, body in sim.app.store.journal.entries(sim.id)]
    assert [a for a, _ in journal] == ["SecurityEventNotification"] * 2
    assert '"InvalidCsmsCertificate"' in journal[0][1]  # built as it will go
    back = await rig.csms(port=port)
    sim.csms = back
    for _ in range(120):
        await sim.clock.advance(1)
        await asyncio.sleep(0.01)
        if len(back.calls(sim.id, "SecurityEventNotification")) >= 2:
            break
    await sim.quiet()
    sent = [
        (f.payload["type"], f.payload.get("techInfo"))
        for f in back.calls(sim.id, "SecurityEventNotification")
    ]
    assert sent[:2] == [("InvalidCsmsCertificate", "offline"), ("TamperDetectionActivated", None)]
    assert sim.app.store.journal.entries(sim.id) == []


async def test_a_1_6_charger_keeps_the_1_6_names(sim: Sim) -> None:
    """New names only on a 2.0.1 station: a 1.6 charger answers them with the usage, as before."""
    reply = await sim.cmd("security_event MaintenanceLoginFailed")
    assert reply.startswith("Error") and "usage: security_event <FirmwareUpdated|" in reply
    assert await sim.cmd("security_event InvalidTLSVersion") == "Ok. InvalidTLSVersion logged"
    assert "InvalidTLSVersion" not in security_events(sim)  # not critical in 1.6: logged only


# ------------------------------------------------------------------ the private key stays private


async def test_private_key_never_leaves_the_station(
    rig: Rig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A02.FR.05: the key pair's private key is in a 0600 file only: not in a log line, the database,
    a frame, or an answer of the REST API."""
    caplog.set_level(logging.DEBUG)
    cs = await rig.csms()
    sim = await rig.charger(cs, http=True, ca_file=rig.root_file())
    assert await call(sim, "TriggerMessage", {"requestedMessage": "SignCombinedCertificate"}) == {
        "status": "Accepted"
    }
    await signed_outcome(sim, 2)
    keys = sorted((tmp_path / "data" / "keys").glob("*.key"))
    assert len(keys) == 2 and all(k.read_text().startswith("-----BEGIN PRIVATE KEY") for k in keys)
    secrets = [k.read_text().splitlines()[1] for k in keys]  # a line of each key's base64
    assert "PRIVATE KEY" not in caplog.text
    for path in (tmp_path / "data").iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE KEY" not in data and not any(s.encode() in data for s in secrets), path
    assert all("PRIVATE KEY" not in str(f.payload) for f in cs.frames)
    server = sim.app.http_server
    assert server is not None
    transport = httpx.ASGITransport(app=server.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for path in ("", "/variables", "/configuration", "/messages"):
            response = await client.get(f"/api/chargers/{sim.id}{path}")
            assert response.status_code == 200, path
            assert "PRIVATE KEY" not in response.text and not any(s in response.text for s in secrets), path
