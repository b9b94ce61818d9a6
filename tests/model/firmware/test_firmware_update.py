"""A firmware update on the Charger (model/firmware/firmware.py, block.py), driven with explicit `now`:
OCPP 1.6 sections 4.5, 5.19 and OCTT TC_044_1..3."""

from __future__ import annotations

from typing import Any

from charger_fixtures import T0, booted, start_charging, statuses

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import (
    BootNotificationReq,
    DownloadFirmware,
    FirmwareStatusNotificationReq,
    FirmwareVersionChanged,
    Reboot,
    StopTransactionReq,
)
from ocppsim.model.types import (
    FirmwareStatus,
    MessageTrigger,
    Reason,
    RegistrationStatus,
    ResetType,
    Timestamp,
)

F = FirmwareStatus
URL = "https://fw.example/images/fw-2.0.1.bin"


def firmware_statuses(effects: list[Any]) -> list[FirmwareStatus]:
    return [e.status for e in effects if isinstance(e, FirmwareStatusNotificationReq)]


def update(
    ch: Charger, *, at: float = T0, retrieve: float = T0, retries: int | None = None, interval: int = 0
) -> None:
    ch.firmware.update_firmware(URL, Timestamp(retrieve), retries=retries, retry_interval=interval, now=at)


def downloading(ch: Charger, now: float) -> DownloadFirmware:
    assert ch.next_deadline() == now
    ch.tick(now)
    effects = ch.drain()
    assert firmware_statuses(effects) == [F.DOWNLOADING]
    (download,) = [e for e in effects if isinstance(e, DownloadFirmware)]
    assert download.location == URL
    return download


def reboot(ch: Charger, now: float) -> list[Any]:
    """What the runtime does on the Reboot effect: the link closes, the application restarts, boots."""
    ch.boot.on_disconnected(now)
    ch.boot.on_reboot(now)
    ch.boot.on_connected(now)
    boot = ch.drain()
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    return boot + ch.drain()


def test_download_waits_for_retrieve_date_then_installs_and_reboots_into_the_new_version() -> None:
    ch = booted(number_of_connectors=2)
    update(ch, retrieve=T0 + 60)
    assert ch.drain() == []  # UpdateFirmware.conf first; nothing before retrieveDate
    assert ch.next_deadline() == T0 + 60
    ch.tick(T0 + 59)
    assert ch.drain() == []
    download = downloading(ch, T0 + 60)
    assert ch.firmware.deadline() is None  # the runtime reports the download: no timer meanwhile
    ch.firmware.on_download_result(download.job, "fw-2.0.1", T0 + 70)
    effects = ch.drain()
    assert firmware_statuses(effects) == [F.DOWNLOADED, F.INSTALLING]
    # Installing: connectors not in use are Unavailable (section 5.19 recommends it).
    assert statuses(effects, 1) == ["Unavailable"] and statuses(effects, 2) == ["Unavailable"]
    assert not any(isinstance(e, Reboot) for e in effects)  # Installing must reach the CSMS first
    ch.firmware.on_firmware_status_answered(F.INSTALLING, T0 + 71)
    assert ch.drain() == [FirmwareVersionChanged("fw-2.0.1"), Reboot(ResetType.HARD)]
    after = reboot(ch, T0 + 72)
    boots = [e for e in after if isinstance(e, BootNotificationReq)]
    assert [b.info.firmware_version for b in boots] == ["fw-2.0.1"]
    # Installed after the boot of the new firmware (5.19 "automatic reboot"), connectors back.
    assert firmware_statuses(after) == [F.INSTALLED]
    assert statuses(after, 1) == ["Available"]
    assert ch.firmware.update is None
    ch.remote_trigger.trigger_message(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0 + 80)
    assert firmware_statuses(ch.drain()) == [F.IDLE]


def test_a_retrieve_date_in_the_past_downloads_at_once_and_honours_the_clock_offset() -> None:
    ch = booted()
    update(ch, retrieve=T0 - 3600)
    downloading(ch, T0)
    ch = booted()
    ch.boot.set_clock_offset(100.0)  # the CSMS's clock is 100 s ahead of ours
    update(ch, retrieve=T0 + 160)
    assert ch.next_deadline() == T0 + 60


def test_installation_waits_until_the_transaction_ends() -> None:
    ch = booted(number_of_connectors=2)
    start_charging(ch, T0)
    ch.drain()
    update(ch)
    download = downloading(ch, T0)
    ch.firmware.on_download_result(download.job, "v2", T0 + 1)
    effects = ch.drain()
    assert firmware_statuses(effects) == [F.DOWNLOADED]  # not Installing: a transaction runs
    assert statuses(effects, 2) == ["Unavailable"] and statuses(effects, 1) == []
    assert ch.connector_status(1).value == "Charging"
    assert ch.firmware.deadline() is None
    ch.tick(T0 + 5)
    assert firmware_statuses(ch.drain()) == []
    ch.remote_trigger.trigger_message(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0 + 6)
    assert firmware_statuses(ch.drain()) == [F.DOWNLOADED]
    # A new tag cannot start on the free connector meanwhile.
    ch.ev_inputs.plug_in(2, T0 + 7)
    assert ch.connector_status(2).value == "Unavailable"
    ch.transactions.remote_stop(42, T0 + 10)
    stop = ch.drain()
    assert any(isinstance(e, StopTransactionReq) and e.reason is Reason.REMOTE for e in stop)
    ch.ev_inputs.unplug(1, T0 + 11)
    ch.drain()
    assert ch.next_deadline() == T0 + 11  # may install now
    ch.tick(T0 + 11)
    assert firmware_statuses(ch.drain()) == [F.INSTALLING]


def test_download_failures_are_retried_then_download_failed() -> None:
    ch = booted()
    update(ch, retries=3, interval=30)  # three attempts (section 6.51: how many times to try)
    first = downloading(ch, T0)
    ch.firmware.on_download_result(first.job, None, T0 + 1)
    assert ch.drain() == []
    assert ch.next_deadline() == T0 + 31
    ch.tick(T0 + 31)
    second = ch.drain()
    assert firmware_statuses(second) == []  # Downloading once per update, not per attempt
    (retry,) = second
    assert isinstance(retry, DownloadFirmware)
    ch.firmware.on_download_result(retry.job, None, T0 + 32)
    ch.tick(T0 + 62)
    (last,) = ch.drain()
    assert isinstance(last, DownloadFirmware)
    ch.remote_trigger.trigger_message(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0 + 63)
    assert firmware_statuses(ch.drain()) == [F.DOWNLOADING]
    ch.firmware.on_download_result(last.job, None, T0 + 64)
    assert firmware_statuses(ch.drain()) == [F.DOWNLOAD_FAILED]
    assert ch.firmware.update is None and ch.firmware.deadline() is None
    assert not ch.state.firmware_hold


def test_switched_on_download_failure_needs_no_server() -> None:
    ch = Charger(ChargerParams("CP", firmware_download_fails=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    update(ch, retries=2, interval=10)
    ch.tick(T0)
    effects = ch.drain()
    assert firmware_statuses(effects) == [F.DOWNLOADING]
    assert not any(isinstance(e, DownloadFirmware) for e in effects)
    assert ch.next_deadline() == T0 + 10
    ch.tick(T0 + 10)
    assert firmware_statuses(ch.drain()) == [F.DOWNLOAD_FAILED]


def test_installation_failure_keeps_the_old_firmware() -> None:
    ch = booted(boot_info=ChargerParams("x").boot_info)
    ch.firmware.install_fails = True  # switched on later (a text command, REST)
    update(ch)
    download = downloading(ch, T0)
    ch.firmware.on_download_result(download.job, "v2", T0 + 1)
    assert firmware_statuses(ch.drain()) == [F.DOWNLOADED, F.INSTALLING]
    ch.firmware.on_firmware_status_answered(F.INSTALLING, T0 + 2)
    effects = ch.drain()
    assert firmware_statuses(effects) == [F.INSTALLATION_FAILED]
    assert not any(isinstance(e, (Reboot, FirmwareVersionChanged)) for e in effects)
    assert statuses(effects, 1) == ["Available"]  # no longer held
    assert ch.state.boot_info.firmware_version is None


def test_stale_results_and_a_newer_request() -> None:
    ch = booted()
    update(ch)
    old = downloading(ch, T0)
    update(ch, at=T0 + 1, retrieve=T0 + 100)  # replaces the one downloading
    ch.firmware.on_download_result(old.job, "old", T0 + 2)
    assert ch.drain() == []  # the old attempt's answer is stale
    new = downloading(ch, T0 + 100)
    assert new.job != old.job
    ch.firmware.on_firmware_status_answered(F.INSTALLING, T0 + 101)  # not installing: ignored
    ch.firmware.on_download_result(new.job, "new", T0 + 102)
    ch.firmware.on_download_result(new.job, "again", T0 + 103)  # a second answer: ignored
    assert firmware_statuses(ch.drain()) == [F.DOWNLOADED, F.INSTALLING]
    update(ch, at=T0 + 104)  # installing already: the image in flight stays
    assert ch.drain() == [] and ch.firmware.update is not None
    assert ch.firmware.update.version == "new"


def test_a_newer_request_releases_the_connectors_held_for_the_installation() -> None:
    ch = booted(number_of_connectors=2)
    start_charging(ch, T0)
    update(ch)
    download = downloading(ch, T0)
    ch.firmware.on_download_result(download.job, "v2", T0 + 1)
    assert ch.connector_status(2).value == "Unavailable"
    update(ch, at=T0 + 2, retrieve=T0 + 1000)
    assert ch.connector_status(2).value == "Available"


def test_an_installed_version_is_what_the_next_boot_reports() -> None:
    ch = Charger(ChargerParams("CP"), now=T0, firmware_version="fw-9")
    ch.boot.on_connected(T0)
    (boot,) = ch.drain()
    assert isinstance(boot, BootNotificationReq)
    assert boot.info.firmware_version == "fw-9"
    assert boot.info.charge_point_vendor == "ocppsim"


def test_trigger_reports_idle_before_retrieve_date_and_installing_until_the_boot() -> None:
    ch = booted()
    update(ch, retrieve=T0 + 200)
    ch.remote_trigger.trigger_message(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0 + 1)
    assert firmware_statuses(ch.drain()) == [F.IDLE]
    download = downloading(ch, T0 + 200)
    ch.firmware.on_download_result(download.job, "v2", T0 + 201)
    ch.firmware.on_firmware_status_answered(F.INSTALLING, T0 + 202)
    ch.drain()
    ch.remote_trigger.trigger_message(MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, None, T0 + 203)
    assert firmware_statuses(ch.drain()) == [F.INSTALLING]
