"""Functional block N (diagnostics) of the Core profile: GetLog (N01) over the shared diagnostics upload,
with LogStatusNotification; CustomerInformation (N09, N10). Steps and tool validations: OCPP 2.0.1 part 6,
TC_N_<n>_CS."""

from __future__ import annotations

import io
import zipfile

import pytest

from conformance_201.steps import call
from conftest import Sim
from transfer_servers import http_files


async def _log_statuses(sim: Sim, last: str, since: int) -> list[dict[str, object]]:
    await sim.csms.wait_for(
        lambda f: (
            f.action == "LogStatusNotification"
            and f.direction == "in"
            and f.payload.get("status") == last
            and sim.csms.frames.index(f) >= since
        )
    )
    await sim.quiet()
    return [f.payload for f in sim.calls("LogStatusNotification", since)]


async def _get_log(sim: Sim, log_type: str) -> bytes:
    with http_files() as files:
        mark = sim.mark()
        payload = {"logType": log_type, "requestId": 12, "log": {"remoteLocation": f"{files.url}/upload/"}}
        answer = await call(sim, "GetLog", payload)
        assert answer["status"] == "Accepted"
        name = answer["filename"]
        seen = await _log_statuses(sim, "Uploaded", mark)
        assert seen == [{"status": "Uploading", "requestId": 12}, {"status": "Uploaded", "requestId": 12}]
        return files.uploads[f"/upload/{name}"]


@pytest.mark.octt201("TC_N_25")
async def test_n25_diagnostics_log_success(sim201: Sim) -> None:
    archive = zipfile.ZipFile(io.BytesIO(await _get_log(sim201, "DiagnosticsLog")))
    assert archive.testzip() is None


@pytest.mark.octt201("TC_N_35")
async def test_n35_security_log_success(sim201: Sim) -> None:
    # The security log itself since the merge of main's security block (one line per event, the format
    # is not prescribed: N01 remark), no longer the diagnostics zip.
    text = (await _get_log(sim201, "SecurityLog")).decode()
    assert "StartupOfTheDevice" in text


async def test_security_log_names_events_as_201_does(sim201: Sim) -> None:
    """Part 2 appendix 1: the security log of a 2.0.1 station shows the 2.0.1 names of the events 2.0.1
    renamed, whichever name raised them, as its SecurityEventNotification does."""
    assert await sim201.cmd("security_event CentralSystemFailedToAuthenticate") == (
        "Ok. CentralSystemFailedToAuthenticate logged"
    )
    assert await sim201.cmd("security_event InvalidCsmsCertificate") == "Ok. InvalidCsmsCertificate pushed"
    text = (await _get_log(sim201, "SecurityLog")).decode()
    assert "CsmsFailedToAuthenticate" in text and "InvalidCsmsCertificate" in text
    assert "CentralSystem" not in text
    (pushed,) = sim201.calls("SecurityEventNotification")[-1:]
    assert pushed.payload["type"] == "InvalidCsmsCertificate"


@pytest.mark.octt201("TC_N_26")
async def test_n26_diagnostics_log_upload_failed(sim201: Sim) -> None:
    with http_files() as files:
        dead = files.url
    mark = sim201.mark()
    payload = {
        "logType": "DiagnosticsLog",
        "requestId": 13,
        "retries": 1,
        "retryInterval": 10,
        "log": {"remoteLocation": f"{dead}/upload/"},
    }
    assert (await call(sim201, "GetLog", payload))["status"] == "Accepted"
    await sim201.advance(15)
    seen = await _log_statuses(sim201, "UploadFailure", mark)
    assert seen[0] == {"status": "Uploading", "requestId": 13}
    assert seen[-1] == {"status": "UploadFailure", "requestId": 13}


@pytest.mark.octt201("TC_N_32")
async def test_n32_clear_customer_information_no_report(sim201: Sim) -> None:
    await sim201.cmd("plugin")
    await sim201.cmd("tag VALID1")  # the Authorize answer puts the tag in the Authorization Cache
    assert "valid1" in sim201.station.charger.authorization.cache
    mark = sim201.mark()
    request = {
        "requestId": 4,
        "report": False,
        "clear": True,
        "idToken": {"idToken": "VALID1", "type": "ISO14443"},
    }
    assert await call(sim201, "CustomerInformation", request) == {"status": "Accepted"}
    [notify] = [f.payload for f in sim201.calls("NotifyCustomerInformation", mark)]
    assert notify["requestId"] == 4 and "cleared" in notify["data"] and notify["tbc"] is False
    assert "valid1" not in sim201.station.charger.authorization.cache
    assert await call(sim201, "CustomerInformation", {"requestId": 5, "report": True, "clear": False}) == {
        "status": "Invalid"
    }
