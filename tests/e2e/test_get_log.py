"""GetLog (Security Whitepaper N01) beyond the test tool's case: the diagnostics, a time window, and the
most precise failure status (N01.FR.10) after the retries."""

from __future__ import annotations

import io
import zipfile

import pytest

from conformance.steps import ask
from conftest import Sim
from transfer_servers import http_files


async def test_get_diagnostics_log(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        request = {
            "logType": "DiagnosticsLog",
            "requestId": 5,
            "log": {"remoteLocation": f"{files.url}/upload/"},
        }
        answer = await ask(sim, "GetLog", request)
        assert answer["filename"].endswith(".zip")
        assert await sim.statuses_until("LogStatusNotification", "Uploaded", mark) == [
            "Uploading",
            "Uploaded",
        ]
        archive = zipfile.ZipFile(io.BytesIO(files.uploads[f"/upload/{answer['filename']}"]))
    assert "configuration.txt" in archive.namelist()


async def test_security_log_window(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        log = {
            "remoteLocation": f"{files.url}/upload/",
            "oldestTimestamp": "2000-01-01T00:00:00Z",
            "latestTimestamp": "2000-01-02T00:00:00Z",
        }
        answer = await ask(sim, "GetLog", {"logType": "SecurityLog", "requestId": 6, "log": log})
        await sim.statuses_until("LogStatusNotification", "Uploaded", mark)
        text = files.uploads[f"/upload/{answer['filename']}"].decode()
    assert "StartupOfTheDevice" not in text  # outside the window


@pytest.mark.parametrize(
    ("path", "status"),
    [("/forbidden/", "PermissionDenied"), ("sftp://127.0.0.1/x/", "NotSupportedOperation")],
)
async def test_failed_upload_reports_why(sim: Sim, path: str, status: str) -> None:
    with http_files() as files:
        mark = sim.mark()
        location = path if "://" in path else files.url + path
        request = {
            "logType": "SecurityLog",
            "requestId": 8,
            "retries": 2,
            "retryInterval": 10,
            "log": {"remoteLocation": location},
        }
        assert (await ask(sim, "GetLog", request))["status"] == "Accepted"
        await sim.advance(10)  # the second attempt
        seen = await sim.statuses_until("LogStatusNotification", status, mark)
    assert seen == ["Uploading", status]


async def test_a_new_get_log_cancels_the_one_in_progress(sim: Sim) -> None:
    request = {
        "logType": "SecurityLog",
        "requestId": 1,
        "retries": 3,
        "retryInterval": 600,
        "log": {"remoteLocation": "http://127.0.0.1:9/nothing-listens/"},
    }
    assert (await ask(sim, "GetLog", request))["status"] == "Accepted"
    request["requestId"] = 2
    assert (await ask(sim, "GetLog", request))["status"] == "AcceptedCanceled"  # N01.FR.11
