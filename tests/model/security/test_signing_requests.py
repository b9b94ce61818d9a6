"""A02/A03 CSRs per certificate type and their 2.0.1 resends (security/signing_requests.py), on the
Charger, with real certificates from the built-in central system's CA; the 2.0.1 security event names
and criticality (security/events.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from charger_fixtures import T0, booted
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ocppsim.csms.ca import CertificateAuthority
from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import SecurityEventNotificationReq, SignCertificateReq
from ocppsim.model.security.certificates import CertificateUse, InstalledCertificate
from ocppsim.model.security.events import (
    CRITICAL,
    CRITICAL_201,
    NAMES_201,
    PUSHED_201,
    SecurityEvent,
    SecurityEvent201,
    from_name,
)
from ocppsim.model.security.signing_requests import CHARGING_STATION, V2G
from ocppsim.model.security_effects import (
    ChargePointCertificateChanged,
    MakeCsr,
    SecurityLogEntry,
    V2GCertificateChanged,
)
from ocppsim.model.types import TriggerMessageStatus
from ocppsim.pki import facts_of, load_chain, make_csr


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return CertificateAuthority()


def station(ca: CertificateAuthority | None = None, *, v201: bool = True, **params: Any) -> Charger:
    versions = ("2.0.1",) if v201 else ("1.6",)
    ch = booted(ocpp_versions=versions, **params)
    ch.state.clock_offset = time.time() - T0  # certificates are valid on the real calendar
    if ca is not None:
        root = facts_of(load_chain(ca.root_pem, max_chars=10000)[0])
        ch.security.installed = (InstalledCertificate(CertificateUse.CENTRAL_SYSTEM_ROOT, root),)
    ch.drain()
    return ch


def csr_for(ch: Charger, kind: str, now: float = T0) -> tuple[str, str]:
    """Request a CSR of `kind` and play the runtime's part (the key pair); (CSR PEM, key id)."""
    assert ch.security.requests.request(kind) is TriggerMessageStatus.ACCEPTED
    (make,) = [e for e in ch.drain() if isinstance(e, MakeCsr)]
    assert make.certificate_type == kind
    _, csr, key_id = make_csr(make.common_name, make.organization)
    ch.security.on_csr(csr, key_id, now, kind)
    return csr, key_id


def sent(effects: list[object]) -> list[SignCertificateReq]:
    return [e for e in effects if isinstance(e, SignCertificateReq)]


def signed(ch: Charger, kind: str, chain: str, now: float = T0) -> tuple[str, str | None]:
    certs = load_chain(chain, max_chars=10000)
    return ch.security.requests.certificate_signed(kind, facts_of(certs[0], certs[1:]), chain, None, now)


def test_resends_double_the_wait_up_to_the_repeat_times() -> None:
    """A02.FR.17-19: CertSigningWaitMinimum, then twice that, at most CertSigningRepeatTimes resends of
    the same CSR; the wait runs from the Accepted answer."""
    ch = station()
    ch.config.store("SecurityCtrlr.CertSigningWaitMinimum", "10")
    ch.config.store("SecurityCtrlr.CertSigningRepeatTimes", "2")
    csr, _ = csr_for(ch, CHARGING_STATION)
    (first,) = sent(ch.drain())
    assert first.csr == csr and first.certificate_type == CHARGING_STATION
    ch.security.requests.answered(CHARGING_STATION, True, T0 + 1)  # answered a second later
    assert ch.next_deadline() == T0 + 11
    ch.tick(T0 + 10.9)
    assert sent(ch.drain()) == []
    ch.tick(T0 + 11)
    assert [r.csr for r in sent(ch.drain())] == [csr]
    ch.security.requests.answered(CHARGING_STATION, True, T0 + 11)
    assert ch.next_deadline() == T0 + 31  # twice the wait
    ch.tick(T0 + 31)
    assert [r.csr for r in sent(ch.drain())] == [csr]
    ch.tick(T0 + 10_000)
    assert sent(ch.drain()) == []  # two resends, no more
    assert ch.security.deadline() is None


def test_a_rejected_request_is_not_resent() -> None:
    ch = station()
    csr_for(ch, CHARGING_STATION)
    ch.drain()
    ch.security.requests.answered(CHARGING_STATION, False, T0)
    ch.tick(T0 + 100_000)
    assert sent(ch.drain()) == []


def test_a_1_6_charger_sends_its_csr_once() -> None:
    """The Whitepaper has no resend: a 1.6-only charger has no CertSigningWaitMinimum."""
    ch = station(v201=False)
    ch.config.store("CpoName", "CPO")
    csr_for(ch, CHARGING_STATION)
    assert len(sent(ch.drain())) == 1
    assert ch.security.deadline() is None
    ch.tick(T0 + 100_000)
    assert sent(ch.drain()) == []


def test_organization_name_is_the_csr_organization() -> None:
    """A02.FR.13: OrganizationName (= CpoName) is the CSR's O; empty: Rejected."""
    ch = station()
    assert ch.config.raw("CpoName") == "ocppsim"  # the 2.0.1 default
    ch.config.store("CpoName", "")
    assert ch.security.requests.request(CHARGING_STATION) is TriggerMessageStatus.REJECTED
    assert ch.drain() == []
    assert station(v201=False).config.raw("CpoName") == ""  # 1.6 default unchanged


def test_certificate_signed_per_type(ca: CertificateAuthority) -> None:
    ch = station(ca)
    cs_csr, cs_key = csr_for(ch, CHARGING_STATION)
    v2g_csr, v2g_key = csr_for(ch, V2G)
    ch.drain()
    # A V2G chain for the charging station certificate: the key is not the one of that CSR.
    status, reason = signed(ch, CHARGING_STATION, ca.sign_csr(v2g_csr))
    assert status == "Rejected" and reason is not None and "key of the last CSR" in reason
    effects = ch.drain()
    assert [e.event_type for e in effects if isinstance(e, SecurityEventNotificationReq)] == [
        "InvalidChargePointCertificate"  # InvalidChargingStationCertificate on the 2.0.1 wire
    ]
    # The CSR is still outstanding: the right certificate is accepted after a wrong one.
    chain = ca.sign_csr(cs_csr)
    assert signed(ch, CHARGING_STATION, chain) == ("Accepted", None)
    assert ChargePointCertificateChanged(chain, cs_key) in ch.drain()
    assert ch.security.cp_certificate is not None and ch.security.cp_certificate.key_id == cs_key
    v2g_chain = ca.sign_csr(v2g_csr)
    assert signed(ch, V2G, v2g_chain) == ("Accepted", None)
    v2g = ch.security.requests.v2g_certificate
    assert v2g is not None and v2g.key_id == v2g_key
    effects = ch.drain()
    assert not any(isinstance(e, ChargePointCertificateChanged) for e in effects)  # not the TLS one
    assert V2GCertificateChanged(v2g_chain, v2g_key) in effects  # kept by the store


def test_wrong_name_and_expired_certificates(ca: CertificateAuthority) -> None:
    ch = station(ca)
    assert ch.security.requests.request(CHARGING_STATION) is TriggerMessageStatus.ACCEPTED
    ch.drain()
    key_pem, csr, key_id = make_csr("CP", "ocppsim")
    ch.security.on_csr(csr, key_id, T0, CHARGING_STATION)
    ch.drain()
    # The key of the CSR, but another name than this station's (A00.FR.511: its serial number, here CP).
    key = serialization.load_pem_private_key(key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "SOMEONE-ELSE")])
    other = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    status, reason = signed(
        ch, CHARGING_STATION, ca.sign_csr(other.public_bytes(serialization.Encoding.PEM).decode())
    )
    assert status == "Rejected" and reason is not None and "is not this charge point" in reason
    # A leaf for the right key but no longer valid on the station's clock.
    chain = ca.sign_csr(csr, days=1)
    status, reason = signed(ch, CHARGING_STATION, chain, now=T0 + 3 * 86400)
    assert status == "Rejected" and reason == "the certificate is not valid now"
    logged = [e.event_type for e in ch.drain() if isinstance(e, SecurityLogEntry)]
    assert logged == ["InvalidChargingStationCertificate"] * 2  # a 2.0.1 station: its log in 2.0.1 names
    assert ch.security.cp_certificate is None


def test_renewal_a_month_before_expiry_once_per_certificate(ca: CertificateAuthority) -> None:
    """A03.FR.02: a certificate expiring within a month is renewed once; the renewed one in its turn."""
    ch = station(ca)
    csr, _ = csr_for(ch, CHARGING_STATION)
    ch.drain()
    assert signed(ch, CHARGING_STATION, ca.sign_csr(csr, days=40)) == ("Accepted", None)
    ch.drain()
    due = ch.security.deadline()
    assert due is not None and 9 * 86400 < due - T0 < 11 * 86400
    ch.tick(due)
    (make,) = [e for e in ch.drain() if isinstance(e, MakeCsr)]
    assert make.certificate_type == CHARGING_STATION
    ch.tick(due + 3600)
    assert not any(isinstance(e, MakeCsr) for e in ch.drain())  # once


def test_2_0_1_event_names_and_criticality() -> None:
    """Part 2 appendix 1: four renamed, two new, the certificate and TLS events critical."""
    assert set(NAMES_201.values()) == {
        "FailedToAuthenticateAtCsms",
        "CsmsFailedToAuthenticate",
        "InvalidCsmsCertificate",
        "InvalidChargingStationCertificate",
    }
    assert from_name("InvalidCsmsCertificate", v201=True) is SecurityEvent.INVALID_CENTRAL_SYSTEM_CERTIFICATE
    assert from_name("InvalidCsmsCertificate", v201=False) is None
    assert from_name("maintenanceloginaccepted", v201=True) is SecurityEvent201.MAINTENANCE_LOGIN_ACCEPTED
    assert from_name("InvalidTLSVersion", v201=False) is SecurityEvent.INVALID_TLS_VERSION
    assert CRITICAL < CRITICAL_201 <= PUSHED_201
    assert SecurityEvent.INVALID_MESSAGES not in PUSHED_201
    ch, old = station(), station(v201=False)
    for charger in (ch, old):
        charger.security.security_event("InvalidTLSVersion", T0)
    assert [e.event_type for e in ch.drain() if isinstance(e, SecurityEventNotificationReq)] == [
        "InvalidTLSVersion"
    ]
    assert not any(isinstance(e, SecurityEventNotificationReq) for e in old.drain())  # not critical in 1.6
    ch.security.security_event("FailedToAuthenticateAtCsms", T0)
    assert [e.event_type for e in ch.drain() if isinstance(e, SecurityLogEntry)] == [
        "FailedToAuthenticateAtCsms"  # the 2.0.1 name in its log, as on its wire
    ]
    with pytest.raises(ValueError, match="unknown security event"):
        old.security.security_event("MaintenanceLoginFailed", T0)
