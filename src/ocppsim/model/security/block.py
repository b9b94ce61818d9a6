"""Security: the OCPP 1.6 Security Whitepaper edition 2 (SWP) on the charge point's side.

- Section 2 / A05 / 7.6: SecurityProfile (only raised, prerequisites checked), AuthorizationKey (A01),
  reconnect after a change; security profiles themselves are spoken by the runtime's transport.
- Section 3 / A04: security events, each in the security log, the critical ones (and those a requirement
  names) pushed with SecurityEventNotification through the journal (events.py).
- A02/A03: ExtendedTriggerMessage(SignChargePointCertificate) (2.0.1: TriggerMessage
  SignChargingStationCertificate / SignV2GCertificate / SignCombinedCertificate), or a certificate
  expiring within a month (A03), -> a fresh key pair and CSR (made by the runtime) -> SignCertificate;
  CertificateSigned checked and installed (signing_requests.py, with 2.0.1's resends).
- M03-M05: GetInstalledCertificateIds, DeleteCertificate, InstallCertificate.
- L01/L02: SignedUpdateFirmware (signed_firmware.py).
- N01: GetLog (logs.py).

Pure: certificates arrive as facts verified by ocppsim.pki (`CertificateFacts`); this block decides the
statuses. The private key never enters the model (only its public key id).
"""

from __future__ import annotations

import json

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import ConfigChanged, Reconnect, SecurityEventNotificationReq
from ocppsim.model.security.certificates import (
    CertificateFacts,
    CertificateHashData,
    CertificateUse,
    ChargePointCertificate,
    InstalledCertificate,
)
from ocppsim.model.security.events import (
    PUSHED,
    PUSHED_201,
    SecurityEvent,
    SecurityEvent201,
    from_name,
    name_of,
)
from ocppsim.model.security.logs import LogUploads
from ocppsim.model.security.signed_firmware import SignedFirmware
from ocppsim.model.security.signing_requests import CHARGING_STATION, SigningRequests
from ocppsim.model.security_effects import CertificatesChanged, SecurityLogEntry
from ocppsim.model.types import TriggerMessageStatus

__all__ = ["Security"]

ROOT = CertificateUse.CENTRAL_SYSTEM_ROOT
# A03.FR.02: the charge point renews its certificate when it "will expire in one month".
RENEW_BEFORE_S = 30 * 86400.0


class Security:
    __slots__ = (
        "_failure",
        "_logs",
        "_pushed",
        "_renewed",
        "_requests",
        "_s",
        "_signed",
        "cp_certificate",
        "installed",
        "previous_profile",
    )

    def __init__(
        self,
        state: ChargerState,
        *,
        installed: tuple[InstalledCertificate, ...] = (),
        cp_certificate: ChargePointCertificate | None = None,
    ) -> None:
        self._s = state
        self.installed = installed
        self.cp_certificate = cp_certificate
        # Made on first use: a fleet's chargers mostly never see a SignedUpdateFirmware, a GetLog or a
        # certificate update.
        self._signed: SignedFirmware | None = None
        self._logs: LogUploads | None = None
        self._requests: SigningRequests | None = None
        # Which events go to the CSMS: 2.0.1 made more of them critical (part 2 appendix 1).
        self._pushed = PUSHED_201 if "2.0.1" in state.params.ocpp_versions else PUSHED
        # A05.FR.08: the profile before an upgrade not yet proven by a connection (None: nothing to undo).
        self.previous_profile: int | None = None
        self._failure: str | None = None  # the kind of the last failed connect (one event per series)
        self._renewed: str | None = None  # A03: the key id of the certificate whose renewal started

    @property
    def signed_firmware(self) -> SignedFirmware:
        """L01: the secure firmware update (signed_firmware.py)."""
        if self._signed is None:
            self._signed = SignedFirmware(self._s, self)
        return self._signed

    @property
    def logs(self) -> LogUploads:
        """N01: the GetLog uploads (logs.py)."""
        if self._logs is None:
            self._logs = LogUploads(self._s)
        return self._logs

    @property
    def requests(self) -> SigningRequests:
        """A02/A03: the CSRs awaiting a CertificateSigned (signing_requests.py)."""
        if self._requests is None:
            self._requests = SigningRequests(self._s, self)
        return self._requests

    # ------------------------------------------------------------------ SecurityProfile, AuthorizationKey

    @property
    def has_central_system_root(self) -> bool:
        return self._s.params.has_central_system_root_certificate or any(
            c.use is ROOT for c in self.installed
        )

    @property
    def has_charge_point_certificate(self) -> bool:
        return self._s.params.has_charge_point_certificate or self.cp_certificate is not None

    def key_allowed(self, name: str, value: str) -> bool:
        """SecurityProfile, section 7.6 / A05: only raised (A05.FR.01: a value lower than or equal to the
        current one is Rejected); 1 and 2 need an AuthorizationKey (FR.02); 2 and 3 a
        CentralSystemRootCertificate (FR.03); 3 the charge point's own certificate (FR.04).
        OCPP 2.0.1 OCPPCommCtrlr.NetworkConfigurationPriority: a network connection profile of security
        profile 2 or 3 needs a CSMSRootCertificate (A05.FR.02), of profile 3 a ChargingStationCertificate
        (A05.FR.03), for each slot the priority lists (TC_A_20, TC_A_21: Rejected)."""
        config = self._s.config
        if name.startswith(("OCPPCommCtrlr.NetworkConfigurationPriority", "NetworkConnectionProfile.")):
            if name.startswith("NetworkConnectionProfile."):
                # A slot refilled (B09): the same rule when the priority lists it already.
                slot = name.rsplit(".", 1)[1]
                priority = config.raw("OCPPCommCtrlr.NetworkConfigurationPriority").split(",")
                levels = [_level(value)] if slot in priority else []
            else:
                slots = [slot for slot in value.split(",") if slot.isdigit()]
                levels = [_level(config.raw(f"NetworkConnectionProfile.{slot}")) for slot in slots]
            return all(
                (level < 2 or self.has_central_system_root)
                and (level < 3 or self.has_charge_point_certificate)
                for level in levels
            )
        if name != "SecurityProfile":
            return True
        state = self._s
        level = int(value)
        if level <= state.config.get_int("SecurityProfile"):
            return False
        if level in (1, 2) and not state.config.raw("AuthorizationKey"):
            return False
        if level >= 2 and not self.has_central_system_root:
            return False
        if level == 3 and not self.has_charge_point_certificate:
            return False
        if self.previous_profile is None:  # the profile proven by a connection, to fall back to
            self.previous_profile = state.config.get_int("SecurityProfile")
        return True

    def connected_with(self, level: int) -> None:
        """OCPP 2.0.1 A05: a connection made with a network profile of a higher security profile makes it
        the station's SecurityProfile (never lowered); kept like any configuration value."""
        state = self._s
        if level > state.config.get_int("SecurityProfile"):
            state.config.store("SecurityProfile", str(level))
            state.emit(ConfigChanged("SecurityProfile", str(level)))

    def key_changed(self, name: str, value: str, now: float) -> None:
        # SecurityCtrlr.BasicAuthPassword: the 2.0.1 password (A01, TC_A_09: the next connection uses it).
        if name not in ("SecurityProfile", "AuthorizationKey", "SecurityCtrlr.BasicAuthPassword"):
            return
        # A01.FR.11 / FR.12: the change is in the security log, never the key itself.
        self.event(SecurityEvent.RECONFIGURATION_OF_SECURITY_PARAMETERS, now, f"{name} changed")
        # Respond first, then reconnect with the new credentials / profile (A01 step 3, A05.FR.06).
        self._s.emit(Reconnect())

    # ------------------------------------------------------------------ connection outcomes (runtime)

    def on_connected(self, now: float) -> None:
        """A connection with the current profile succeeded: the upgrade stands (A05.FR.09)."""
        self.previous_profile = None
        self._failure = None

    def on_connect_failed(self, kind: str, detail: str, now: float) -> None:
        """A connect attempt failed. `kind`: "certificate" (the CSMS's TLS certificate did not verify),
        "tls-version" (the CSMS offered less than TLS 1.2), "auth" (HTTP 401: our credentials refused),
        "other". The event once per series of equal failures (a charger retries for hours offline), then
        A05.FR.08: after an upgrade, back to the previous profile, which reconnects."""
        event = _CONNECT_EVENTS.get(kind)
        if event is not None and kind != self._failure:
            self.event(event, now, detail)
        self._failure = kind
        previous = self.previous_profile
        if previous is None:
            return
        self.previous_profile = None
        state = self._s
        current = state.config.raw("SecurityProfile")
        state.config.store("SecurityProfile", str(previous))
        state.emit(ConfigChanged("SecurityProfile", str(previous)))
        self.event(
            SecurityEvent.RECONFIGURATION_OF_SECURITY_PARAMETERS,
            now,
            f"SecurityProfile {current} failed to connect; back to {previous}",
        )

    # ------------------------------------------------------------------ A04 security events

    def event(
        self, event: SecurityEvent | SecurityEvent201, now: float, tech_info: str | None = None
    ) -> bool:
        """A security event: in the security log always (A04.FR.04), to the Central System when pushed
        (A04.FR.01, events.py; 2.0.1 part 2 appendix 1 for a 2.0.1 station). techInfo is at most 255
        characters (section 5.15). Whether it was pushed."""
        state = self._s
        info = tech_info[:255] if tech_info else None
        ts = state.ts(now)
        # The log in the names of the version spoken (2.0.1: part 2 appendix 1), as the notification.
        state.emit(SecurityLogEntry(name_of(event, v201=self._pushed is PUSHED_201), ts, info))
        if event in self._pushed:
            state.emit(SecurityEventNotificationReq(event.value, ts, info))
            return True
        return False

    def security_event(self, event_type: str, now: float, tech_info: str | None = None) -> None:
        """charger_state.SecurityHooks: an event another block raises (ResetOrReboot, FirmwareUpdated...),
        by its 1.6 name or, on a 2.0.1 station, its 2.0.1 name."""
        event = from_name(event_type, v201=self._pushed is PUSHED_201)
        if event is None:
            raise ValueError(f"unknown security event {event_type!r}")
        self.event(event, now, tech_info)

    def on_boot_accepted(self, now: float) -> None:
        """charger_state.SecurityHooks: a signed firmware that rebooted us is Installed (L01)."""
        if self._signed is not None:
            self._signed.on_boot_accepted(now)

    def deadline(self) -> float | None:
        """When `tick` has work: a signed firmware's retrieve / install time, a log upload's retry, the
        renewal of the charge point certificate (A03)."""
        signed, logs, requests = self._signed, self._logs, self._requests
        if signed is None and logs is None and requests is None and self.cp_certificate is None:
            return None  # the per-input path of a fleet's chargers: nothing to look at
        candidates = (
            signed.deadline() if signed is not None else None,
            logs.deadline() if logs is not None else None,
            requests.deadline() if requests is not None else None,
            self._renewal_due(),
        )
        due = [t for t in candidates if t is not None]
        return min(due) if due else None

    def tick(self, now: float) -> None:
        if self._signed is not None:
            self._signed.tick(now)
        if self._logs is not None:
            self._logs.tick(now)
        if self._requests is not None:
            self._requests.tick(now)
        renewal = self._renewal_due()
        if renewal is not None and now >= renewal and self.cp_certificate is not None:
            # A03.FR.02: a month before the certificate expires, a new key pair and CSR, once per
            # certificate (the renewed one, once accepted, is renewed in its turn).
            self._renewed = self.cp_certificate.key_id
            self.requests.request(CHARGING_STATION)

    def _renewal_due(self) -> float | None:
        own = self.cp_certificate
        if own is None or self._renewed == own.key_id:
            return None
        return own.not_after - RENEW_BEFORE_S - self._s.clock_offset

    def startup(self, now: float) -> None:
        """The charge point (the simulator's process) started: StartupOfTheDevice (section 8, critical)."""
        self.event(SecurityEvent.STARTUP_OF_THE_DEVICE, now)

    # ------------------------------------------------------------------ M03-M05 installed certificates

    def install_certificate(
        self, use: CertificateUse, facts: CertificateFacts | None, problem: str | None, now: float
    ) -> str:
        """InstallCertificate (M05): Rejected when the certificate is invalid (M05.FR.06: unreadable, not a
        CA, outside its validity, or `problem`: its signature, checked by ocppsim.pki, does not hold) or
        the store is full (M05.FR.03, CertificateStoreMaxLength); Accepted otherwise. Installing one
        already installed changes nothing and is Accepted."""
        at = float(self._s.ts(now))
        if facts is None or problem is not None or not facts.is_ca or not facts.valid_at(at):
            return "Rejected"
        if any(c.use is use and c.facts.pem == facts.pem for c in self.installed):
            return "Accepted"
        if len(self.installed) >= self._s.config.get_int("CertificateStoreMaxLength"):
            return "Rejected"
        self._set_installed((*self.installed, InstalledCertificate(use, facts)))
        return "Accepted"

    def installed_ids(self, use: CertificateUse) -> tuple[str, tuple[CertificateHashData, ...]]:
        """GetInstalledCertificateIds (M03): Accepted with the SHA-256 hash data of each certificate of
        that use (M03.FR.03/04), NotFound when there is none (M03.FR.02)."""
        found = tuple(
            data
            for c in self.installed
            if c.use is use
            for data in (c.facts.hash_data("SHA256"),)
            if data is not None
        )
        return ("Accepted" if found else "NotFound"), found

    def delete_certificate(self, wanted: CertificateHashData) -> str:
        """DeleteCertificate (M04): Accepted when found and deleted (M04.FR.02), NotFound (FR.04); Failed
        for the CentralSystemRootCertificate that validates the connection (FR.06: the last one while a
        TLS profile is in use). The charge point certificate is not in this store (FR.05)."""
        match = next(
            (c for c in self.installed if c.facts.hash_data(wanted.hash_algorithm) == _normal(wanted)), None
        )
        if match is None:
            return "NotFound"
        if match.use is ROOT and self._s.config.get_int("SecurityProfile") >= 2:
            roots = [c for c in self.installed if c.use is ROOT]
            if len(roots) == 1:
                return "Failed"
        self._set_installed(tuple(c for c in self.installed if c is not match))
        return "Accepted"

    def _set_installed(self, installed: tuple[InstalledCertificate, ...]) -> None:
        self.installed = installed
        self._s.emit(CertificatesChanged(tuple((c.use.value, c.facts.pem) for c in installed)))

    # ------------------------------------------------------------------ A02/A03 charge point certificate

    def trigger_sign_certificate(self, now: float) -> TriggerMessageStatus:
        """ExtendedTriggerMessage(SignChargePointCertificate) (A02): Accepted, then a fresh key pair and its
        CSR (A02.FR.02/03). Rejected while CpoName is not set (A02's prerequisite; A02.FR.13 puts it in the
        CSR's organizationName)."""
        return self.requests.request(CHARGING_STATION)

    def on_csr(self, csr_pem: str, key_id: str, now: float, certificate_type: str = CHARGING_STATION) -> None:
        """The runtime made the key pair and CSR: SignCertificate.req (A02 step 4)."""
        self.requests.sent(certificate_type, csr_pem, key_id, now)

    def certificate_signed(
        self, leaf: CertificateFacts | None, chain_pem: str, problem: str | None, now: float
    ) -> str:
        """CertificateSigned of the charge point certificate (A02.FR.06-08, signing_requests.py):
        Accepted, or Rejected with InvalidChargePointCertificate (A02.FR.07)."""
        return self.requests.certificate_signed(CHARGING_STATION, leaf, chain_pem, problem, now)[0]


def _level(connection_data: str) -> int:
    """The securityProfile of a stored network connection profile (JSON connectionData; 0: none)."""
    if not connection_data:
        return 0
    try:
        return int(json.loads(connection_data).get("securityProfile", 0))
    except (ValueError, TypeError, AttributeError):
        return 0


_CONNECT_EVENTS = {
    "certificate": SecurityEvent.INVALID_CENTRAL_SYSTEM_CERTIFICATE,
    "tls-version": SecurityEvent.INVALID_TLS_VERSION,
    "auth": SecurityEvent.FAILED_TO_AUTHENTICATE_AT_CENTRAL_SYSTEM,
}


def _normal(data: CertificateHashData) -> CertificateHashData:
    """Hash data as compared: hex in lower case, the serial without leading zeros."""
    serial = data.serial_number.lower().lstrip("0") or "0"
    return CertificateHashData(
        data.hash_algorithm, data.issuer_name_hash.lower(), data.issuer_key_hash.lower(), serial
    )
