"""Security events (Security Whitepaper edition 2, section 8, use case A04): the known types, which are
critical, and which this charge point pushes to the Central System.

Every event goes to the security log (A04.FR.04, N01.FR.05). The critical ones "should be pushed"
(section 8); so are the non-critical ones a requirement names as a SecurityEventNotification:
InvalidChargePointCertificate (A02.FR.07, "trigger ... security event"), InvalidFirmwareSignature
(L01.FR.03), InvalidFirmwareSigningCertificate (L01.FR.02), InvalidCentralSystemCertificate (the test
tool's TC_078 expects it). They are queued through the journal, like transaction messages, so that none
is lost while offline (A04.FR.02).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CRITICAL", "PUSHED", "SecurityEvent"]


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
