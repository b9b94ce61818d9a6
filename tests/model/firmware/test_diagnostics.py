"""A diagnostics upload on the Charger (model/firmware/diagnostics.py, block.py), driven with explicit
`now`: OCPP 1.6 sections 4.4, 5.9 and OCTT TC_045_1..2."""

from __future__ import annotations

from typing import Any

from charger_fixtures import T0, booted

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.firmware.diagnostics import diagnostics_file_name
from ocppsim.model.outgoing import DiagnosticsStatusNotificationReq, UploadDiagnostics
from ocppsim.model.types import DiagnosticsStatus, MessageTrigger, RegistrationStatus, Timestamp

D = DiagnosticsStatus
URL = "ftp://user:pw@logs.example/upload/"


def diag_statuses(effects: list[Any]) -> list[DiagnosticsStatus]:
    return [e.status for e in effects if isinstance(e, DiagnosticsStatusNotificationReq)]


def uploads(effects: list[Any]) -> list[UploadDiagnostics]:
    return [e for e in effects if isinstance(e, UploadDiagnostics)]


def get(
    ch: Charger, *, retries: int | None = None, interval: int = 0, window: tuple[Any, Any] = (None, None)
) -> str:
    return ch.firmware.get_diagnostics(
        URL, retries=retries, retry_interval=interval, start_time=window[0], stop_time=window[1], now=T0
    )


def test_get_diagnostics_answers_a_file_name_then_uploads() -> None:
    ch = booted()
    name = get(ch, window=(Timestamp(T0 - 3600), Timestamp(T0)))
    assert name == "CP-diagnostics-20231114T221320Z.zip"
    effects = ch.drain()
    assert diag_statuses(effects) == [D.UPLOADING]
    (upload,) = uploads(effects)
    assert (upload.location, upload.file_name) == (URL, name)
    assert (upload.start_time, upload.stop_time) == (T0 - 3600, T0)
    ch.remote_trigger.trigger_message(MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION, None, T0 + 1)
    assert diag_statuses(ch.drain()) == [D.UPLOADING]
    ch.firmware.on_upload_result(upload.job, True, T0 + 2)
    assert diag_statuses(ch.drain()) == [D.UPLOADED]
    ch.remote_trigger.trigger_message(MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION, None, T0 + 3)
    assert diag_statuses(ch.drain()) == [D.IDLE]  # only Idle when not busy (4.4)
    ch.firmware.on_upload_result(upload.job, False, T0 + 4)  # stale
    assert ch.drain() == []


def test_upload_failures_are_retried_then_upload_failed() -> None:
    ch = booted()
    get(ch, retries=2, interval=20)
    (first,) = uploads(ch.drain())
    ch.firmware.on_upload_result(first.job, False, T0 + 1)
    assert ch.drain() == []
    assert ch.next_deadline() == T0 + 21
    ch.firmware.on_upload_result(first.job, False, T0 + 2)  # waiting to retry: ignored
    ch.tick(T0 + 21)
    (second,) = uploads(ch.drain())
    ch.firmware.on_upload_result(second.job, False, T0 + 22)
    assert diag_statuses(ch.drain()) == [D.UPLOAD_FAILED]
    assert ch.firmware.upload is None and ch.firmware.deadline() is None


def test_switched_on_upload_failure() -> None:
    ch = Charger(ChargerParams("CP", diagnostics_upload_fails=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    get(ch)
    assert diag_statuses(ch.drain()) == [D.UPLOADING, D.UPLOAD_FAILED]
    ch.firmware.upload_fails = False
    get(ch, retries=3)
    effects = ch.drain()
    assert diag_statuses(effects) == [D.UPLOADING] and len(uploads(effects)) == 1


def test_file_names_are_safe_for_any_server() -> None:
    assert diagnostics_file_name("a/b c:d", T0) == "a_b_c_d-diagnostics-20231114T221320Z.zip"
    assert len(diagnostics_file_name("x" * 255, T0)) <= 255
