"""The secure firmware update (Security Whitepaper L01, model/security/signed_firmware.py) with the
runtime's outcomes fed in: retries, DownloadFailed, InstallScheduled, waiting for a transaction."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import Reboot, SignedFirmwareStatusNotificationReq
from ocppsim.model.security_effects import DownloadSignedFirmware
from ocppsim.model.types import Reason, RegistrationStatus


def statuses(effects: list[object]) -> list[str]:
    return [e.status for e in effects if isinstance(e, SignedFirmwareStatusNotificationReq)]


def request(ch: Charger, *, install_at: float | None = None, retries: int | None = None) -> str:
    return ch.security.signed_firmware.request(
        9,
        "http://x/fw-4.bin",
        "CERT",
        "SIG",
        retrieve_at=T0,
        install_at=install_at,
        retries=retries,
        retry_interval=10,
        certificate_problem=None,
        now=T0,
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
