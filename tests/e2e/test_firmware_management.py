"""The FirmwareManagement profile over real sockets: the built-in CSMS sends UpdateFirmware and
GetDiagnostics, the charger transfers for real from/to HTTP servers on 127.0.0.1 (OCPP 1.6 sections 4.4,
4.5, 5.9, 5.19; OCTT TC_044_1, TC_044_2, TC_045_1, TC_045_2)."""

from __future__ import annotations

import io
import zipfile

from conftest import REAL_TIMEOUT, Sim, SimFactory
from ocppsim.csms.server import CallResult
from ocppsim.runtime.message_log import MessageLog
from transfer_servers import http_files

PAST = "2020-01-01T00:00:00Z"  # retrieveDate: download at once


async def test_update_firmware_downloads_installs_and_boots_the_new_version(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        result = await sim.csms.call(
            sim.id, "UpdateFirmware", {"location": f"{files.url}/fw/ocppsim-2.0.0.bin", "retrieveDate": PAST}
        )
        assert result == CallResult(result.unique_id, {})
        await sim.advance(0)  # retrieveDate has passed: the deadline is now
        seen = await sim.statuses_until("FirmwareStatusNotification", "Installed", mark)
    assert seen == ["Downloading", "Downloaded", "Installing", "Installed"]
    actions = [a for a, _ in sim.sent(mark)]
    boot = actions.index("BootNotification")
    assert actions.index("FirmwareStatusNotification") < boot  # Downloading ... Installing before
    assert boot < len(actions) - 1 - actions[::-1].index("FirmwareStatusNotification")  # Installed after
    (boot_frame,) = sim.calls("BootNotification", mark)
    assert boot_frame.payload["firmwareVersion"] == "ocppsim-2.0.0"
    # Connector 1 was held Unavailable while installing, Available after the boot.
    sent = sim.sent(mark)
    held = sent.index(("StatusNotification", (1, "Unavailable")))
    assert held < actions.index("BootNotification") < sent.index(("StatusNotification", (1, "Available")))
    # Persisted: what the store keeps is what a restarted charger reports.
    sim.station.make_durable()
    assert sim.app.store.firmware.load(sim.id) == "ocppsim-2.0.0"
    await sim.quiet()
    trigger = await sim.csms.call(
        sim.id, "TriggerMessage", {"requestedMessage": "FirmwareStatusNotification"}
    )
    assert isinstance(trigger, CallResult) and trigger.payload == {"status": "Accepted"}
    await sim.quiet()
    assert sim.calls("FirmwareStatusNotification")[-1].payload == {"status": "Idle"}


async def test_a_missing_image_ends_in_download_failed_and_the_charger_keeps_working(sim: Sim) -> None:
    with http_files() as files:
        mark = sim.mark()
        await sim.csms.call(
            sim.id,
            "UpdateFirmware",
            {"location": f"{files.url}/nothing.bin", "retrieveDate": PAST, "retries": 2, "retryInterval": 5},
        )
        await sim.advance(0)
        await sim.csms.wait_for(lambda f: f.action == "FirmwareStatusNotification", REAL_TIMEOUT)
        await sim.quiet()
        for _ in range(50):  # the failed attempt is reported (real time, bounded); then the retry is due
            if sim.station.charger.firmware.deadline() is not None:
                break
            await sim.quiet()
        await sim.advance(5)
        seen = await sim.statuses_until("FirmwareStatusNotification", "DownloadFailed", mark)
    assert seen == ["Downloading", "DownloadFailed"]
    assert sim.station.charger.firmware.update is None
    assert await sim.cmd("status") != ""


async def test_get_diagnostics_uploads_a_zip_and_an_unreachable_location_fails(
    sim_factory: SimFactory,
) -> None:
    sim = await sim_factory()
    log = sim.station.message_log = MessageLog()  # what the HTTP surface attaches
    secret = '[2,"k","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3cr3t-0123456789"}]'
    log.record(sim.id, direction="in", message_type="CALL", message_id="k", action=None, raw=secret, now=0)
    with http_files() as files:
        mark = sim.mark()
        result = await sim.csms.call(sim.id, "GetDiagnostics", {"location": f"{files.url}/upload/"})
        assert isinstance(result, CallResult)
        name = result.payload["fileName"]
        assert name.startswith("CP1-diagnostics-") and name.endswith(".zip")
        seen = await sim.statuses_until("DiagnosticsStatusNotification", "Uploaded", mark)
        assert seen == ["Uploading", "Uploaded"]
        archive = zipfile.ZipFile(io.BytesIO(files.uploads[f"/upload/{name}"]))
        assert sorted(archive.namelist()) == ["configuration.txt", "messages.log", "summary.txt"]
        config = archive.read("configuration.txt").decode()
        assert "HeartbeatInterval=300" in config
        assert "AuthorizationKey" not in config  # write-only (Security Whitepaper)
        assert "firmwareVersion=0.1.0" in archive.read("summary.txt").decode()
        frames = archive.read("messages.log").decode()
        assert '"GetDiagnostics"' in frames
        assert "s3cr3t" not in frames and '"value":"<hidden>"' in frames

        # A window in the future: no frames (startTime / stopTime, section 5.9).
        mark = sim.mark()
        later = {"location": f"{files.url}/upload/", "startTime": "2100-01-01T00:00:00Z"}
        result = await sim.csms.call(sim.id, "GetDiagnostics", later)
        assert isinstance(result, CallResult)
        await sim.statuses_until("DiagnosticsStatusNotification", "Uploaded", mark)
        archive = zipfile.ZipFile(io.BytesIO(files.uploads[f"/upload/{result.payload['fileName']}"]))
        assert archive.read("messages.log") == b""

        mark = sim.mark()
        result = await sim.csms.call(sim.id, "GetDiagnostics", {"location": "http://127.0.0.1:9/upload/"})
        assert isinstance(result, CallResult)
        seen = await sim.statuses_until("DiagnosticsStatusNotification", "UploadFailed", mark)
    assert seen == ["Uploading", "UploadFailed"]
    assert sim.station.charger.firmware.upload is None
    await sim.cmd("plugin")  # the charger keeps working
    assert sim.calls("StatusNotification")[-1].payload["status"] == "Preparing"
