"""The FirmwareManagement handlers (ocpp16/handlers/firmware.py): UpdateFirmware and GetDiagnostics
parsed into the model, answers schema-valid (sections 5.9, 5.19, 6.33, 6.51)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.outgoing import (
    DiagnosticsStatusNotificationReq,
    DownloadFirmware,
    FirmwareStatusNotificationReq,
    UploadDiagnostics,
)
from ocppsim.model.types import DiagnosticsStatus, FirmwareStatus

from .handler_calls import T0, call


def test_update_firmware_answers_empty_and_downloads_at_retrieve_date(charger: Charger) -> None:
    payload = {
        "location": "https://fw.example/fw-3.bin",
        "retrieveDate": "2023-11-14T22:23:20Z",  # T0 + 600
        "retries": 2,
        "retryInterval": 30,
    }
    assert call(charger, "UpdateFirmware", payload) == {}
    update = charger.firmware.update
    assert update is not None
    assert (update.due, update.attempts_left, update.retry_interval) == (T0 + 600, 2, 30.0)
    charger.tick(T0 + 600)
    effects = charger.drain()
    assert FirmwareStatusNotificationReq(FirmwareStatus.DOWNLOADING) in effects
    assert DownloadFirmware(update.job, "https://fw.example/fw-3.bin") in effects


def test_get_diagnostics_answers_the_file_name_and_passes_the_window(charger: Charger) -> None:
    payload = {
        "location": "ftp://logs.example/in/",
        "startTime": "2023-11-14T21:13:20Z",
        "stopTime": "2023-11-14T22:13:20+00:00",
    }
    answer = call(charger, "GetDiagnostics", payload)
    assert answer == {"fileName": "CP-diagnostics-20231114T221320Z.zip"}
    effects = charger.drain()
    assert effects[0] == DiagnosticsStatusNotificationReq(DiagnosticsStatus.UPLOADING)
    upload = effects[1]
    assert isinstance(upload, UploadDiagnostics)
    assert (upload.start_time, upload.stop_time) == (T0 - 3600, T0)
    assert upload.file_name == answer["fileName"]


def test_without_retries_one_attempt_and_the_default_interval(charger: Charger) -> None:
    call(charger, "UpdateFirmware", {"location": "http://x/f.bin", "retrieveDate": "2023-11-14T22:13:20Z"})
    update = charger.firmware.update
    assert update is not None
    assert (update.attempts_left, update.retry_interval) == (1, 30.0)
    call(charger, "GetDiagnostics", {"location": "http://x/", "retries": 0, "retryInterval": 5})
    upload = charger.firmware.upload
    assert upload is not None
    assert (upload.attempts_left, upload.retry_interval) == (0, 5.0)  # its one attempt runs
