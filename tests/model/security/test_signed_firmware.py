"""The secure firmware update (Security Whitepaper L01, model/security/signed_firmware.py) with the
runtime's outcomes fed in: retries, DownloadFailed, InstallScheduled, waiting for a transaction; the
2.0.1 statuses (`full_statuses`: DownloadScheduled, InstallRebooting) and a failed installation."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    Reboot,
    SecurityEventNotificationReq,
    SignedFirmwareStatusNotificationReq,
    StatusNotificationReq,
)
from ocppsim.model.security_effects import DownloadSignedFirmware
from ocppsim.model.types import Reason, RegistrationStatus


def statuses(effects: list[object]) -> list[str]:
    return [e.status for e in effects if isinstance(e, SignedFirmwareStatusNotificationReq)]


def request(
    ch: Charger,
    *,
    install_at: float | None = None,
    retries: int | None = None,
    retrieve_at: float = T0,
    full: bool = False,
) -> str:
    return ch.security.signed_firmware.request(
        9,
        "http://x/fw-4.bin",
        "CERT",
        "SIG",
        retrieve_at=retrieve_at,
        install_at=install_at,
        retries=retries,
        retry_interval=10,
        certificate_problem=None,
        now=T0,
        full_statuses=full,
    )


def download(ch: Charger, now: float) -> DownloadSignedFirmware:
    ch.tick(now)
    (effect,) = [e for e in ch.drain() if isinstance(e, DownloadSignedFirmware)]
    return effect


def test_retries_then_download_failed() -> None:
    ch = booted()
    assert request(ch, retries=2) == "Accepted"
    first = download(ch, T0)
    assert (first.signing_certificate, first.signature) == ("CERT", "SIG")
    ch.security.signed_firmware.on_download_result(first.job, None, False, T0 + 1)
    assert ch.next_deadline() == T0 + 11
    second = download(ch, T0 + 11)
    ch.security.signed_firmware.on_download_result(second.job, None, False, T0 + 12)
    assert statuses(ch.drain()) == ["DownloadFailed"]  # Downloading was sent once, with the first
    assert ch.security.signed_firmware.update is None


def test_install_scheduled_then_installed_after_the_transaction() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    request(ch, install_at=T0 + 100)
    job = download(ch, T0).job
    ch.security.signed_firmware.on_download_result(job, "fw-4", True, T0 + 1)
    assert statuses(ch.drain()) == ["Downloaded", "SignatureVerified", "InstallScheduled"]
    assert ch.next_deadline() is not None
    ch.tick(T0 + 100)
    assert statuses(ch.drain()) == []  # a transaction runs: installation waits (FR.18)
    ch.transactions.stop(ch.state.conn(1), Reason.LOCAL, T0 + 200)
    ch.tick(T0 + 200)
    effects = ch.drain()
    assert statuses(effects) == ["Installing"]
    ch.security.signed_firmware.on_status_answered("Installing", T0 + 201)
    effects = ch.drain()
    assert any(isinstance(e, Reboot) for e in effects)
    ch.boot.on_reboot(T0 + 202)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0 + 203)
    assert statuses(ch.drain()) == ["Installed"]
    assert ch.state.boot_info.firmware_version == "fw-4"


def test_full_statuses_download_scheduled_install_rebooting_then_event_before_installed() -> None:
    ch = booted()
    assert request(ch, retrieve_at=T0 + 50, full=True) == "Accepted"
    assert statuses(ch.drain()) == ["DownloadScheduled"]  # 2.0.1 TC_L_03 step 3
    assert ch.next_deadline() == T0 + 50
    job = download(ch, T0 + 50).job
    ch.security.signed_firmware.on_download_result(job, "fw-4", True, T0 + 51)
    ch.tick(T0 + 51)
    assert statuses(ch.drain()) == ["Downloaded", "SignatureVerified", "Installing"]
    signed = ch.security.signed_firmware
    signed.on_status_answered("Installing", T0 + 52)
    effects = ch.drain()
    assert statuses(effects) == ["InstallRebooting"]
    assert not any(isinstance(e, Reboot) for e in effects)  # not before InstallRebooting is answered
    signed.on_status_answered("InstallRebooting", T0 + 53)
    assert any(isinstance(e, Reboot) for e in ch.drain())
    ch.boot.on_reboot(T0 + 54)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0 + 55)
    assert ch.next_deadline() == T0 + 55  # Installed at the next tick, after the connectors' statuses
    ch.tick(T0 + 55)
    effects = ch.drain()
    order = [
        e.event_type
        if isinstance(e, SecurityEventNotificationReq)
        else e.status
        if isinstance(e, SignedFirmwareStatusNotificationReq)
        else "StatusNotification"
        for e in effects
        if isinstance(
            e, (SecurityEventNotificationReq, SignedFirmwareStatusNotificationReq, StatusNotificationReq)
        )
    ]
    # TC_L_01 steps 15, 17, 19: FirmwareUpdated, the connectors' statuses, Installed.
    steps = [step for i, step in enumerate(order) if i == 0 or order[i - 1] != step]  # one per kind
    assert steps[-3:] == ["FirmwareUpdated", "StatusNotification", "Installed"], order
    assert ch.security.signed_firmware.update is None
    assert all(e.request_id == 9 for e in effects if isinstance(e, SignedFirmwareStatusNotificationReq))


def test_without_full_statuses_no_download_scheduled() -> None:
    ch = booted()
    request(ch, retrieve_at=T0 + 50)
    assert statuses(ch.drain()) == []  # the Whitepaper's 1.6 update, unchanged


def test_installation_fails_keeps_the_old_firmware_and_releases_the_connectors() -> None:
    ch = booted(firmware_install_fails=True)
    old = ch.state.boot_info.firmware_version
    request(ch, full=True)
    job = download(ch, T0).job
    ch.security.signed_firmware.on_download_result(job, "fw-4", True, T0 + 1)
    ch.tick(T0 + 1)
    ch.drain()
    assert ch.state.firmware_hold
    ch.security.signed_firmware.on_status_answered("Installing", T0 + 2)
    effects = ch.drain()
    assert statuses(effects) == ["InstallationFailed"]
    assert not any(isinstance(e, Reboot) for e in effects)
    assert ch.state.boot_info.firmware_version == old
    assert not ch.state.firmware_hold and ch.security.signed_firmware.update is None
