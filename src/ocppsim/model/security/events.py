"""Security events (Security Whitepaper edition 2, section 8, use case A04): the known types, which are
critical, and which this charge point pushes to the Central System.

Every event goes to the security log (A04.FR.04, N01.FR.05). The critical ones "should be pushed"
(section 8); so are the non-critical ones a requirement names as a SecurityEventNotification:
InvalidChargePointCertificate (A02.FR.07, "trigger ... security event"), InvalidFirmwareSignature
(L01.FR.03), InvalidFirmwareSigningCertificate (L01.FR.02), InvalidCentralSystemCertificate (the test
tool's TC_078 expects it). They are queued through the journal, like transaction messages, so that none
is lost while offline (A04.FR.02).

OCPP 2.0.1 (part 2, appendix 1 "Security Events") renamed four of them (NAMES_201; the adapter sends the
2.0.1 name), added two (SecurityEvent201), and made more of them critical (CRITICAL_201): a 2.0.1
station pushes PUSHED_201.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "CRITICAL",
    "CRITICAL_201",
    "NAMES_201",
    "PUSHED",
    "PUSHED_201",
    "SecurityEvent",
    "SecurityEvent201",
    "from_name",
    "name_of",
]


class SecurityEvent(StrEnum):
    FIRMWARE_UPDATED = "FirmwareUpdated"
    FAILED_TO_AUTHENTICATE_AT_CENTRAL_SYSTEM = "FailedToAuthenticateAtCentralSystem"
    CENTRAL_SYSTEM_FAILED_TO_AUTHENTICATE = "CentralSystemFailedToAuthenticate"
    SETTING_SYSTEM_TIME = "SettingSystemTime"
    STARTUP_OF_THE_DEVICE = "StartupOfTheDevice"
    RESET_OR_REBOOT = "ResetOrReboot"
    SECURITY_LOG_WAS_CLEARED = "SecurityLogWasCleared"
    RECONFIGURATION_OF_SECURITY_PARAMETERS = "ReconfigurationOfSecurityParameters"
    MEMORY_EXHAUSTION = "MemoryExhaustion"
    INVALID_MESSAGES = "InvalidMessages"
    ATTEMPTED_REPLAY_ATTACKS = "AttemptedReplayAttacks"
    TAMPER_DETECTION_ACTIVATED = "TamperDetectionActivated"
    INVALID_FIRMWARE_SIGNATURE = "InvalidFirmwareSignature"
    INVALID_FIRMWARE_SIGNING_CERTIFICATE = "InvalidFirmwareSigningCertificate"
    INVALID_CENTRAL_SYSTEM_CERTIFICATE = "InvalidCentralSystemCertificate"
    INVALID_CHARGE_POINT_CERTIFICATE = "InvalidChargePointCertificate"
    INVALID_TLS_VERSION = "InvalidTLSVersion"
    INVALID_TLS_CIPHER_SUITE = "InvalidTLSCipherSuite"


E = SecurityEvent

# Section 8, column CRITICAL = Yes.
CRITICAL = frozenset(
    {
        E.FIRMWARE_UPDATED,
        E.SETTING_SYSTEM_TIME,
        E.STARTUP_OF_THE_DEVICE,
        E.RESET_OR_REBOOT,
        E.SECURITY_LOG_WAS_CLEARED,
        E.MEMORY_EXHAUSTION,
        E.TAMPER_DETECTION_ACTIVATED,
    }
)

PUSHED = CRITICAL | {
    E.INVALID_CHARGE_POINT_CERTIFICATE,
    E.INVALID_FIRMWARE_SIGNATURE,
    E.INVALID_FIRMWARE_SIGNING_CERTIFICATE,
    E.INVALID_CENTRAL_SYSTEM_CERTIFICATE,
}


class SecurityEvent201(StrEnum):
    """The events only OCPP 2.0.1 lists (part 2 appendix 1, critical: Yes)."""

    MAINTENANCE_LOGIN_ACCEPTED = "MaintenanceLoginAccepted"
    MAINTENANCE_LOGIN_FAILED = "MaintenanceLoginFailed"


# Part 2 appendix 1: the 2.0.1 names of the Whitepaper's events that 2.0.1 renamed (the rest are spelled
# the same).
NAMES_201: Final[dict[str, str]] = {
    E.FAILED_TO_AUTHENTICATE_AT_CENTRAL_SYSTEM: "FailedToAuthenticateAtCsms",
    E.CENTRAL_SYSTEM_FAILED_TO_AUTHENTICATE: "CsmsFailedToAuthenticate",
    E.INVALID_CENTRAL_SYSTEM_CERTIFICATE: "InvalidCsmsCertificate",
    E.INVALID_CHARGE_POINT_CERTIFICATE: "InvalidChargingStationCertificate",
}

# Part 2 appendix 1, column Critical = Yes: the certificate and TLS events are critical in 2.0.1.
CRITICAL_201: frozenset[SecurityEvent | SecurityEvent201] = CRITICAL | {
    E.INVALID_CENTRAL_SYSTEM_CERTIFICATE,
    E.INVALID_CHARGE_POINT_CERTIFICATE,
    E.INVALID_TLS_VERSION,
    E.INVALID_TLS_CIPHER_SUITE,
    *SecurityEvent201,
}

PUSHED_201: frozenset[SecurityEvent | SecurityEvent201] = PUSHED | CRITICAL_201

_BY_NAME: Final = {e.value.lower(): e for e in SecurityEvent}
_BY_NAME_201: Final[dict[str, SecurityEvent | SecurityEvent201]] = {
    **_BY_NAME,
    **{name.lower(): SecurityEvent(event) for event, name in NAMES_201.items()},
    **{e.value.lower(): e for e in SecurityEvent201},
}


def name_of(event: SecurityEvent | SecurityEvent201, *, v201: bool) -> str:
    """The event's name in the version the station speaks: what its security log shows, as its
    SecurityEventNotification does (part 2 appendix 1; a GetLog of the security log, N01)."""
    return NAMES_201.get(event.value, event.value) if v201 else event.value


def from_name(name: str, *, v201: bool) -> SecurityEvent | SecurityEvent201 | None:
    """The event of a name (any case): a 1.6 name, and on a 2.0.1 station also a 2.0.1 name."""
    return (_BY_NAME_201 if v201 else _BY_NAME).get(name.lower())
