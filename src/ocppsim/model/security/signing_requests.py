"""A02 / A03 on the station's side: the certificate signing requests sent and not yet answered by a
CertificateSigned, one per certificate type, the checks of a CertificateSigned against them, and the
resends OCPP 2.0.1 asks for when none comes.

- 1.6 Security Whitepaper A02/A03: one type (the charge point certificate), no resend.
- OCPP 2.0.1 A02/A03: certificateType ChargingStationCertificate (the TLS client certificate of security
  profile 3) or V2GCertificate (the ISO 15118 SECC certificate; TriggerMessage SignCombinedCertificate
  asks for both); A02.FR.17-19 / A03.FR.17-19: when no CertificateSigned comes within
  SecurityCtrlr.CertSigningWaitMinimum seconds the same CSR is sent again, the wait doubled at each
  resend, at most CertSigningRepeatTimes resends. Only a station with those device-model keys (2.0.1)
  resends: a 1.6-only charger sends its CSR once, as the Whitepaper has it.

Pure: the key pair and its CSR are made by the runtime (MakeCsr -> on_csr); the private key never enters
the model, only the id of its public key (A02.FR.05)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import SignCertificateReq
from ocppsim.model.security.certificates import CertificateFacts, ChargePointCertificate
from ocppsim.model.security.events import SecurityEvent
from ocppsim.model.security_effects import ChargePointCertificateChanged, MakeCsr, V2GCertificateChanged
from ocppsim.model.types import TriggerMessageStatus

if TYPE_CHECKING:
    from ocppsim.model.security.block import Security

__all__ = ["CERTIFICATE_TYPES", "CHARGING_STATION", "SIGN_TRIGGERS", "V2G", "PendingCsr", "SigningRequests"]

# CertificateSigningUseEnumType (2.0.1); the Whitepaper's one certificate is the first.
CHARGING_STATION: Final = "ChargingStationCertificate"
V2G: Final = "V2GCertificate"
CERTIFICATE_TYPES: Final = (CHARGING_STATION, V2G)

# 2.0.1 TriggerMessage requestedMessage (MessageTriggerEnumType) -> the certificate types to request
# (A02 step 1, F06.FR.04/05).
SIGN_TRIGGERS: Final[dict[str, tuple[str, ...]]] = {
    "SignChargingStationCertificate": (CHARGING_STATION,),
    "SignV2GCertificate": (V2G,),
    "SignCombinedCertificate": (CHARGING_STATION, V2G),
}

WAIT_MINIMUM: Final = "SecurityCtrlr.CertSigningWaitMinimum"
REPEAT_TIMES: Final = "SecurityCtrlr.CertSigningRepeatTimes"


@dataclass(slots=True)
class PendingCsr:
    """A CSR sent (SignCertificateRequest) and not yet answered by a CertificateSigned."""

    certificate_type: str
    csr_pem: str
    key_id: str  # the public key id of the key pair the CSR is for (A02.FR.02)
    resends: int = 0
    due: float | None = None  # model time of the next resend; None: no (more) resend


class SigningRequests:
    __slots__ = ("_pending", "_s", "_security", "v2g_certificate")

    def __init__(self, state: ChargerState, security: Security) -> None:
        self._s = state
        self._security = security
        self._pending: dict[str, PendingCsr] = {}
        # The ISO 15118 certificate (2.0.1 V2GCertificate) accepted last, kept by the store as the charging
        # station certificate is (its key in the runtime's key file; restored at start); no TLS
        # connection to the CSMS uses it.
        self.v2g_certificate: ChargePointCertificate | None = None

    # ------------------------------------------------------------------ what the station names itself

    @property
    def common_name(self) -> str:
        """A00.FR.511: the CN of the charge point certificate is its unique serial number (not a URL or an
        IP address); the charge point id when no serial number is configured."""
        info = self._s.boot_info
        return (
            info.charge_point_serial_number or info.charge_box_serial_number or self._s.params.charge_point_id
        )

    def pending(self, certificate_type: str) -> PendingCsr | None:
        return self._pending.get(certificate_type)

    # ------------------------------------------------------------------ a new key pair and its CSR

    def request(self, *certificate_types: str) -> TriggerMessageStatus:
        """A new key pair and CSR of each type (A02.FR.02/03). Rejected while the organization (1.6
        CpoName = 2.0.1 SecurityCtrlr.OrganizationName, A02.FR.13: the CSR's O) is not set."""
        organization = self._s.config.raw("CpoName") or ""
        if not organization:
            return TriggerMessageStatus.REJECTED
        for certificate_type in certificate_types:
            self._s.emit(MakeCsr(self.common_name, organization, certificate_type))
        return TriggerMessageStatus.ACCEPTED

    def sent(self, certificate_type: str, csr_pem: str, key_id: str, now: float) -> None:
        """The runtime made the key pair and CSR: SignCertificateRequest (A02 step 4). A new CSR of a type
        replaces one still outstanding (its key can no longer be certified)."""
        wait = self._wait()
        self._pending[certificate_type] = PendingCsr(
            certificate_type, csr_pem, key_id, 0, now + wait if wait > 0 else None
        )
        self._s.emit(SignCertificateReq(csr_pem, certificate_type))

    def answered(self, certificate_type: str, accepted: bool, now: float) -> None:
        """SignCertificateResponse: Rejected ends the resends (the CSMS will not sign it, TC_A_15);
        Accepted starts the wait for CertificateSigned from now (A02.FR.17)."""
        pending = self._pending.get(certificate_type)
        if pending is None or pending.due is None:
            return
        if not accepted:
            pending.due = None
            return
        pending.due = now + self._wait() * 2**pending.resends

    # ------------------------------------------------------------------ resends (2.0.1 A02.FR.17-19)

    def _wait(self) -> float:
        """CertSigningWaitMinimum; 0 (no resend) for a station without the 2.0.1 key."""
        config = self._s.config
        if config.spec(WAIT_MINIMUM) is None:
            return 0.0
        return float(max(0, config.get_int(WAIT_MINIMUM)))

    def deadline(self) -> float | None:
        if not self._pending:
            return None
        due = [p.due for p in self._pending.values() if p.due is not None]
        return min(due) if due else None

    def tick(self, now: float) -> None:
        for pending in self._pending.values():
            if pending.due is None or now < pending.due:
                continue
            config = self._s.config
            repeat = config.get_int(REPEAT_TIMES) if config.spec(REPEAT_TIMES) is not None else 0
            if pending.resends >= repeat:
                pending.due = None  # A02.FR.19: no more; a TriggerMessage starts anew
                continue
            # A02.FR.17: the same CSR again (its key pair is the one a late CertificateSigned certifies);
            # A02.FR.18: the next wait twice as long.
            pending.resends += 1
            pending.due = now + self._wait() * 2**pending.resends
            self._s.emit(SignCertificateReq(pending.csr_pem, pending.certificate_type))

    # ------------------------------------------------------------------ CertificateSigned

    def certificate_signed(
        self,
        certificate_type: str,
        leaf: CertificateFacts | None,
        chain_pem: str,
        problem: str | None,
        now: float,
    ) -> tuple[str, str | None]:
        """CertificateSigned (A02.FR.06-08): Accepted when the chain is part of the hierarchy (`problem`
        None, checked by ocppsim.pki against the installed roots of that type), the leaf is valid now,
        names this station (CN) and certifies the key pair made for the last CSR of that type. Otherwise
        Rejected with the reason, the certificate discarded and InvalidChargePointCertificate (2.0.1:
        InvalidChargingStationCertificate) raised (A02.FR.07). The status and the reason."""
        security = self._security
        at = float(self._s.ts(now))
        pending = self._pending.get(certificate_type)
        own = security.cp_certificate if certificate_type == CHARGING_STATION else self.v2g_certificate
        if pending is not None:
            pending.due = None  # the CSMS answered: no resend, but a valid chain may still come
        if leaf is None:
            problem = problem or "not a PEM X.509 certificate chain"
        elif problem is None and pending is None and own is not None and own.key_id == leaf.key_id:
            # The certificate installed already, again, with no CSR outstanding: a replayed message.
            security.event(
                SecurityEvent.ATTEMPTED_REPLAY_ATTACKS, now, "CertificateSigned of the installed certificate"
            )
            return "Rejected", "the certificate is installed already and no CSR is outstanding"
        elif problem is None:
            if pending is None or leaf.key_id != pending.key_id:
                problem = "the certificate does not certify the key of the last CSR"
            elif leaf.common_name != self.common_name:
                problem = f"CN {leaf.common_name!r} is not this charge point ({self.common_name!r})"
            elif not leaf.valid_at(at):
                problem = "the certificate is not valid now"
        if problem is not None or leaf is None:
            security.event(SecurityEvent.INVALID_CHARGE_POINT_CERTIFICATE, now, problem)
            return "Rejected", problem
        installed = ChargePointCertificate(chain_pem, leaf.key_id, leaf.not_before, leaf.not_after)
        del self._pending[certificate_type]
        if certificate_type == CHARGING_STATION:
            # A02.FR.08: used as soon as it is valid (the next TLS connection, runtime/certificates.py).
            security.cp_certificate = installed
            self._s.emit(ChargePointCertificateChanged(chain_pem, leaf.key_id))
        else:
            self.v2g_certificate = installed
            self._s.emit(V2GCertificateChanged(chain_pem, leaf.key_id))
        return "Accepted", None
