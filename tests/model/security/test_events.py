"""Security events (Security Whitepaper section 8, A04) raised by the blocks: every one in the security
log, the critical ones (and those a requirement names) pushed."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.outgoing import SecurityEventNotificationReq
from ocppsim.model.security.events import CRITICAL, NAMES_201, PUSHED, SecurityEvent
from ocppsim.model.security_effects import SecurityLogEntry
from ocppsim.model.types import RegistrationStatus


def pushed(effects: list[object]) -> list[str]:
    return [e.event_type for e in effects if isinstance(e, SecurityEventNotificationReq)]


def logged(effects: list[object]) -> list[str]:
    return [e.event_type for e in effects if isinstance(e, SecurityLogEntry)]


def test_every_critical_event_is_pushed() -> None:
    assert CRITICAL <= PUSHED
    assert SecurityEvent.INVALID_MESSAGES not in PUSHED
    assert len(SecurityEvent) == 18  # section 8 lists eighteen


def test_startup_and_reboot() -> None:
    ch = booted()
    ch.security.startup(T0)
    assert pushed(ch.drain()) == ["StartupOfTheDevice"]
    ch.boot.on_reboot(T0 + 1)
    effects = ch.drain()
    assert pushed(effects) == logged(effects) == ["ResetOrReboot"]


def test_clock_change_is_setting_system_time() -> None:
    ch = booted()
    ch.boot.set_clock_offset(0.0)  # no change, no event
    assert pushed(ch.drain()) == []
    ch.boot.set_clock_offset(30.0)
    (event,) = [e for e in ch.drain() if isinstance(e, SecurityEventNotificationReq)]
    assert event.event_type == "SettingSystemTime" and event.tech_info == "clock moved +30.000 s"


def test_a_non_critical_event_is_only_logged() -> None:
    ch = booted()
    ch.security.event(SecurityEvent.FAILED_TO_AUTHENTICATE_AT_CENTRAL_SYSTEM, T0, "HTTP 401")
    effects = ch.drain()
    assert pushed(effects) == [] and logged(effects) == ["FailedToAuthenticateAtCentralSystem"]


def test_a_201_station_logs_the_201_names() -> None:
    """Part 2 appendix 1 renamed four events: a 2.0.1 station's security log (what GetLog uploads)
    names them as its SecurityEventNotification does; a 1.6 station keeps the Whitepaper's names."""
    v201 = booted(ocpp_versions=("2.0.1",))
    v16 = booted()
    for ch in (v201, v16):
        for event in NAMES_201:
            ch.security.event(SecurityEvent(event), T0, None)
        ch.security.event(SecurityEvent.TAMPER_DETECTION_ACTIVATED, T0, None)  # spelled the same in both
    assert logged(v201.drain()) == [*NAMES_201.values(), "TamperDetectionActivated"]
    assert logged(v16.drain()) == [*NAMES_201, "TamperDetectionActivated"]
    assert NAMES_201[SecurityEvent.INVALID_CHARGE_POINT_CERTIFICATE] == "InvalidChargingStationCertificate"


def test_tech_info_is_cut_to_the_field() -> None:
    ch = booted()
    ch.security.event(SecurityEvent.TAMPER_DETECTION_ACTIVATED, T0, "x" * 300)
    (event,) = [e for e in ch.drain() if isinstance(e, SecurityEventNotificationReq)]
    assert event.tech_info is not None and len(event.tech_info) == 255


def test_firmware_installed_is_firmware_updated() -> None:
    ch = booted()
    ch.firmware.update_firmware(
        "http://x/fw-2.bin", ch.state.ts(T0), retries=None, retry_interval=None, now=T0
    )
    ch.tick(T0)
    ch.firmware.on_download_result(1, "fw-2", T0 + 1)
    ch.tick(T0 + 1)
    from ocppsim.model.types import FirmwareStatus

    ch.firmware.on_firmware_status_answered(FirmwareStatus.INSTALLING, T0 + 2)
    ch.drain()
    ch.boot.on_reboot(T0 + 3)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0 + 4)
    effects = ch.drain()
    assert pushed(effects) == ["ResetOrReboot", "FirmwareUpdated"]
    (update,) = [e for e in effects if isinstance(e, SecurityEventNotificationReq) and e.tech_info]
    assert update.tech_info == "fw-2"
