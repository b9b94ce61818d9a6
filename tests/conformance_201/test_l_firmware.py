"""Functional block L (firmware management) of the Core profile: the secure firmware update (L01),
UpdateFirmware with a signing certificate and a signature, played against the Whitepaper's engine
(model/security/signed_firmware.py). Steps and tool validations: OCPP 2.0.1 part 6, TC_L_<n>_CS. The
manufacturer's root, its Firmware Signing certificate and the signatures are made here (csms/ca.py's
FirmwareSigner); the image comes from a real HTTP server on 127.0.0.1.

Certificates are valid on the real calendar: the simulated clock starts at the real time (it still moves
only when a case says so)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from conformance_201.steps import call, statuses
from conftest import Sim, SimFactory
from ocppsim.csms.ca import FirmwareSigner
from ocppsim.runtime.clock import FakeClock
from transfer_servers import IMAGE, http_files

VERSION = "ocppsim-3.0.0"
OFFSET_S = 120  # the test tool's Download / Install Offset Period


def _at(seconds_from_now: float, sim: Sim | None = None) -> str:
    """An instant on the station's fake clock (its start was the wall clock's when it was made: on a busy
    machine the wall clock is seconds past it when the request is written)."""
    now = sim.clock.now() if sim is not None else time.time()
    return datetime.fromtimestamp(now + seconds_from_now, UTC).isoformat().replace("+00:00", "Z")


async def _station(sim201_factory: SimFactory, signer: FirmwareSigner, **charger: Any) -> Sim:
    sim: Sim = await sim201_factory(clock=FakeClock(time.time()), **charger)
    install = {"certificateType": "ManufacturerRootCertificate", "certificate": signer.root_pem}
    assert await call(sim, "InstallCertificate", install) == {"status": "Accepted"}
    return sim


def _request(location: str, signer: FirmwareSigner, signature: str, **times: str) -> dict[str, Any]:
    firmware = {
        "location": location,
        "retrieveDateTime": times.get("retrieve", _at(-7200)),
        "installDateTime": times.get("install", _at(-7200)),
        "signingCertificate": signer.signing_certificate_pem,
        "signature": signature,
    }
    return {"requestId": 21, "firmware": firmware}


def _firmware_statuses(sim: Sim, since: int) -> list[str]:
    frames = sim.calls("FirmwareStatusNotification", since)
    # L01.FR.10 (errata): every status carries the request's requestId.
    assert {f.payload.get("requestId") for f in frames} == {21}, [f.payload for f in frames]
    return [f.payload["status"] for f in frames]


def _security_events(sim: Sim, since: int) -> list[str]:
    return [f.payload["type"] for f in sim.calls("SecurityEventNotification", since)]


def _check_installed(sim: Sim, mark: int) -> None:
    """The reboot into the new firmware (steps 13-19 of TC_L_01): BootNotification reason FirmwareUpdate
    with the new version, then in this order FirmwareUpdated, the connector Available, Installed."""
    (boot,) = sim.calls("BootNotification", mark)
    assert boot.payload["reason"] == "FirmwareUpdate"
    assert boot.payload["chargingStation"]["firmwareVersion"] == VERSION
    after = [
        f.payload.get("type") or f.payload.get("connectorStatus") or f.payload.get("status")
        for f in sim.calls(None, sim.csms.frames.index(boot))
        if f.direction == "in" and f.action != "BootNotification"
    ]
    wanted = ["FirmwareUpdated", "Available", "Installed"]
    assert [step for step in after if step in wanted] == wanted, after


@pytest.mark.octt201("TC_L_01")
async def test_l01_installation_successful(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    with http_files() as files:
        mark = sim.mark()
        request = _request(f"{files.url}/fw/{VERSION}.bin", signer, signer.sign(IMAGE))
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        await sim.statuses_until("FirmwareStatusNotification", "Installed", mark)
    assert _firmware_statuses(sim, mark) == [
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "InstallRebooting",
        "Installed",
    ]
    _check_installed(sim, mark)
    # After Installed a triggered FirmwareStatusNotification reports Idle, without a requestId.
    trigger = {"requestedMessage": "FirmwareStatusNotification"}
    assert await call(sim, "TriggerMessage", trigger) == {"status": "Accepted"}
    assert sim.calls("FirmwareStatusNotification")[-1].payload == {"status": "Idle"}


@pytest.mark.octt201("TC_L_02")
async def test_l02_install_scheduled(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/{VERSION}.bin"
        request = _request(location, signer, signer.sign(IMAGE), install=_at(OFFSET_S, sim))
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        await sim.statuses_until("FirmwareStatusNotification", "InstallScheduled", mark)
        # L01.FR.16: nothing is installed before installDateTime.
        assert _firmware_statuses(sim, mark) == [
            "Downloading",
            "Downloaded",
            "SignatureVerified",
            "InstallScheduled",
        ]
        assert sim.calls("BootNotification", mark) == []
        await sim.advance(OFFSET_S + 1)
        await sim.statuses_until("FirmwareStatusNotification", "Installed", mark)
    assert _firmware_statuses(sim, mark)[4:] == ["Installing", "InstallRebooting", "Installed"]
    _check_installed(sim, mark)


@pytest.mark.octt201("TC_L_03")
async def test_l03_download_scheduled(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/{VERSION}.bin"
        request = _request(location, signer, signer.sign(IMAGE), retrieve=_at(OFFSET_S, sim))
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        assert _firmware_statuses(sim, mark) == ["DownloadScheduled"]
        await sim.advance(OFFSET_S + 1)
        await sim.statuses_until("FirmwareStatusNotification", "Installed", mark)
    assert _firmware_statuses(sim, mark) == [
        "DownloadScheduled",
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "InstallRebooting",
        "Installed",
    ]
    _check_installed(sim, mark)


@pytest.mark.octt201("TC_L_05")
async def test_l05_invalid_certificate(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    other = FirmwareSigner("Another Manufacturer")  # a real signing certificate, not of an installed root
    mark = sim.mark()
    request = _request("http://127.0.0.1:9/fw/x.bin", other, other.sign(IMAGE))
    assert await call(sim, "UpdateFirmware", request) == {"status": "InvalidCertificate"}
    # L01.FR.02: the security event InvalidFirmwareSigningCertificate; nothing is downloaded.
    assert _security_events(sim, mark) == ["InvalidFirmwareSigningCertificate"]
    assert sim.calls("FirmwareStatusNotification", mark) == []


@pytest.mark.octt201("TC_L_06")
async def test_l06_invalid_signature(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    with http_files() as files:
        mark = sim.mark()
        wrong = signer.sign(IMAGE + b"tampered")  # a real signature, over other bytes
        request = _request(f"{files.url}/fw/{VERSION}.bin", signer, wrong)
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        await sim.statuses_until("FirmwareStatusNotification", "InvalidSignature", mark)
        await sim.quiet()
    assert _firmware_statuses(sim, mark) == ["Downloading", "Downloaded", "InvalidSignature"]
    assert _security_events(sim, mark) == ["InvalidFirmwareSignature"]  # L01.FR.03
    assert sim.calls("BootNotification", mark) == []


@pytest.mark.octt201("TC_L_07")
async def test_l07_download_failed(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    with http_files() as files:
        mark = sim.mark()
        # <Configured firmware location> + "_does_not_exist": the server answers 404.
        location = f"{files.url}/firmware/{VERSION}.bin_does_not_exist"
        request = _request(location, signer, signer.sign(IMAGE))
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(0)
        await sim.statuses_until("FirmwareStatusNotification", "DownloadFailed", mark)
    assert _firmware_statuses(sim, mark) == ["Downloading", "DownloadFailed"]


@pytest.mark.octt201("TC_L_08")
async def test_l08_installation_failed(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    # The simulated installation fails (the image "causes an InstallVerificationFailed"): the old firmware
    # stays, without a reboot (the steps 13-18 of the case are then left out, as its note allows).
    sim = await _station(sim201_factory, signer, firmware_install_fails=True)
    old_version = sim.station.charger.state.boot_info.firmware_version
    with http_files() as files:
        mark = sim.mark()
        location = f"{files.url}/fw/{VERSION}.bin"
        request = _request(location, signer, signer.sign(IMAGE), retrieve=_at(OFFSET_S, sim))
        assert await call(sim, "UpdateFirmware", request) == {"status": "Accepted"}
        await sim.advance(OFFSET_S + 1)
        await sim.statuses_until("FirmwareStatusNotification", "InstallationFailed", mark)
        await sim.quiet()
    assert _firmware_statuses(sim, mark) == [
        "DownloadScheduled",
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "InstallationFailed",
    ]
    assert sim.calls("BootNotification", mark) == []
    assert sim.station.charger.state.boot_info.firmware_version == old_version
    assert statuses(sim, mark)[-1] == (1, "Available")  # the connector no longer held for the update


@pytest.mark.octt201("TC_L_18")
async def test_l18_missing_signing_certificate_and_signature(sim201_factory: SimFactory) -> None:
    signer = FirmwareSigner()
    sim = await _station(sim201_factory, signer)
    mark = sim.mark()
    request = _request("http://127.0.0.1:9/fw/x.bin", signer, "")
    del request["firmware"]["signingCertificate"], request["firmware"]["signature"]
    assert await call(sim, "UpdateFirmware", request) == {"status": "Rejected"}
    await sim.advance(1)
    assert sim.calls("FirmwareStatusNotification", mark) == []
