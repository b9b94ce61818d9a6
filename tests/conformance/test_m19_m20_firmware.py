"""OCTT modules 19 Firmware Management and 20 Diagnostics (OCPP 1.6 sections 4.4, 4.5, 5.9, 5.19, 7.24,
7.25): the charger downloads from / uploads to an HTTP server on 127.0.0.1; the failing cases switch the
failure on with the text command `switch` (issue 17 item 7), as a test operator would."""

from __future__ import annotations

import io
import zipfile

import pytest

from conformance.steps import actions, ask, statuses
from conftest import Sim
from transfer_servers import http_files

PAST = "2020-01-01T00:00:00Z"  # retrieveDate already reached: download at once


# ------------------------------------------------------------------ 19 Firmware Management


@pytest.mark.octt("TC_044_1_CS")
async def test_firmware_download_and_install(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/ocppsim-2.0.0.bin"
        # 6.51: UpdateFirmware.conf carries nothing.
        assert await ask(sim, "UpdateFirmware", {"location": location, "retrieveDate": PAST}) == {}
        await sim.advance(0)
        seen = await sim.statuses_until("FirmwareStatusNotification", "Installed", mark)
    # 4.5 / 5.19: Downloading, Downloaded, Installing, the reboot of the new firmware, then Installed.
    assert seen == ["Downloading", "Downloaded", "Installing", "Installed"]
    sent = actions(sim, mark)
    boot = sent.index("BootNotification")
    assert sent[boot + 1 :].count("FirmwareStatusNotification") == 1  # only Installed after the boot
    (boot_frame,) = sim.calls("BootNotification", mark)
    assert boot_frame.payload["firmwareVersion"] == "ocppsim-2.0.0"
    assert statuses(sim, mark)[-1] == "Available"


@pytest.mark.octt("TC_044_2_CS")
async def test_firmware_download_failed(sim: Sim) -> None:
    assert await sim.cmd("switch firmware_download_fails on") == "Ok. firmware_download_fails on"
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/ocppsim-2.0.0.bin"
        payload = {"location": location, "retrieveDate": PAST, "retries": 2, "retryInterval": 10}
        assert await ask(sim, "UpdateFirmware", payload) == {}
        await sim.advance(0)
        await sim.advance(10)  # the second attempt
        seen = await sim.statuses_until("FirmwareStatusNotification", "DownloadFailed", mark)
    # 5.19 / 7.25: every attempt fails; DownloadFailed once the retries are spent, no installation.
    assert seen == ["Downloading", "DownloadFailed"]
    assert "BootNotification" not in actions(sim, mark)
    assert sim.station.charger.state.boot_info.firmware_version != "ocppsim-2.0.0"
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "FirmwareStatusNotification"}) == {
        "status": "Accepted"
    }
    assert sim.calls("FirmwareStatusNotification")[-1].payload == {"status": "Idle"}


@pytest.mark.octt("TC_044_3_CS")
async def test_firmware_installation_failed(sim: Sim) -> None:
    assert await sim.cmd("switch firmware_install_fails on") == "Ok. firmware_install_fails on"
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/ocppsim-2.0.0.bin"
        assert await ask(sim, "UpdateFirmware", {"location": location, "retrieveDate": PAST}) == {}
        await sim.advance(0)
        seen = await sim.statuses_until("FirmwareStatusNotification", "InstallationFailed", mark)
    assert seen == ["Downloading", "Downloaded", "Installing", "InstallationFailed"]
    # The old firmware stays: no reboot, the connector usable again.
    assert "BootNotification" not in actions(sim, mark)
    assert statuses(sim, mark)[-1] == "Available"
    await sim.cmd("plugin")
    assert statuses(sim, mark)[-1] == "Preparing"


# ------------------------------------------------------------------ 20 Diagnostics


@pytest.mark.octt("TC_045_1_CS")
async def test_get_diagnostics(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        answer = await ask(sim, "GetDiagnostics", {"location": f"{files.url}/upload/"})
        name = answer["fileName"]  # 6.30: the name of the file that will be uploaded
        seen = await sim.statuses_until("DiagnosticsStatusNotification", "Uploaded", mark)
        assert seen == ["Uploading", "Uploaded"]
        archive = zipfile.ZipFile(io.BytesIO(files.uploads[f"/upload/{name}"]))
        assert archive.testzip() is None and "configuration.txt" in archive.namelist()


@pytest.mark.octt("TC_045_2_CS")
async def test_get_diagnostics_upload_failed(sim: Sim) -> None:
    assert await sim.cmd("switch diagnostics_upload_fails on") == "Ok. diagnostics_upload_fails on"
    with http_files() as files:
        mark = sim.mark()
        payload = {"location": f"{files.url}/upload/", "retries": 2, "retryInterval": 10}
        answer = await ask(sim, "GetDiagnostics", payload)
        assert answer["fileName"].endswith(".zip")
        await sim.advance(10)
        seen = await sim.statuses_until("DiagnosticsStatusNotification", "UploadFailed", mark)
        assert files.uploads == {}
    assert seen == ["Uploading", "UploadFailed"]
    assert await ask(sim, "TriggerMessage", {"requestedMessage": "DiagnosticsStatusNotification"}) == {
        "status": "Accepted"
    }
    assert sim.calls("DiagnosticsStatusNotification")[-1].payload == {"status": "Idle"}
