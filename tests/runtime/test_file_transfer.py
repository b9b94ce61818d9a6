"""runtime/file_transfer.py against real servers on 127.0.0.1: downloads and uploads over HTTP and FTP,
and the hostile cases (slow, huge, wrong content, missing, refused) each ending in TransferError within
its bounds, never hanging the event loop."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ocppsim.model.outgoing import DownloadFirmware
from ocppsim.runtime.file_transfer import (
    FileTransfers,
    TransferError,
    TransferLimits,
    download,
    firmware_version,
    upload,
)
from transfer_servers import IMAGE, ftp_files, http_files

FAST = TransferLimits(operation_s=0.3, total_s=2.0, max_bytes=100_000)


async def test_http_download_of_an_image() -> None:
    with http_files() as files:
        assert await download(f"{files.url}/fw/fw-2.0.1.bin", FAST) == IMAGE


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.bin", "HTTP 404"),
        ("/page.bin", "HTML page"),
        ("/empty.bin", "empty image"),
        ("/huge-declared.bin", "exceeds"),
        ("/huge-streamed.bin", "exceeds"),
        ("/slow.bin", "ReadTimeout"),
    ],
)
async def test_hostile_http_downloads_fail_within_their_bounds(path: str, reason: str) -> None:
    with http_files() as files:
        ticks = 0

        async def ticker() -> None:  # the loop keeps turning while a download is stuck
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beat = asyncio.create_task(ticker())
        started = time.monotonic()
        with pytest.raises(TransferError, match=reason):
            await download(files.url + path, FAST)
        elapsed = time.monotonic() - started
        beat.cancel()
        assert elapsed < 1.5
        if path == "/slow.bin":
            assert ticks >= 10


async def test_a_slow_trickle_ends_at_the_total_deadline() -> None:
    with http_files() as files:
        limits = TransferLimits(operation_s=5.0, total_s=0.3, max_bytes=100_000)
        with pytest.raises(TransferError, match=r"within 0.3 s"):
            await download(f"{files.url}/slow.bin", limits)


async def test_refused_and_unsupported_locations() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: refused
        with pytest.raises(TransferError, match="ConnectError"):
            await download(f"http://127.0.0.1:{port}/fw.bin", FAST)
        with pytest.raises(TransferError, match="FTP"):
            await download(f"ftp://127.0.0.1:{port}/fw.bin", FAST)
        with pytest.raises(TransferError, match="ConnectError"):
            await upload(f"http://127.0.0.1:{port}/upload/", "d.zip", b"z", FAST)
    with pytest.raises(TransferError, match="unsupported scheme 'gopher'"):
        await download("gopher://127.0.0.1/fw.bin", FAST)
    with pytest.raises(TransferError, match="unsupported scheme ''"):
        await upload("/local/path", "d.zip", b"z", FAST)


async def test_https_verifies_the_server_certificate() -> None:
    # A plain HTTP server spoken to with TLS: the handshake fails, no silent fallback.
    with http_files() as files, pytest.raises(TransferError):
        await download(files.url.replace("http://", "https://") + "/fw/x.bin", FAST)


async def test_http_uploads_put_or_post_a_form() -> None:
    with http_files() as files:
        await upload(f"{files.url}/upload/", "diag.zip", b"PK-data", FAST)
        assert files.uploads == {"/upload/diag.zip": b"PK-data"}
        await upload(f"{files.url}/upload/exact-name.zip", "diag.zip", b"two", FAST)
        assert files.uploads["/upload/exact-name.zip"] == b"two"
        await upload(f"{files.url}/form/", "diag.zip", b"three", FAST)  # PUT 405 -> POST multipart
        form = files.uploads["/form/diag.zip"]
        assert b'name="file"; filename="diag.zip"' in form and b"three" in form
        with pytest.raises(TransferError, match="HTTP 403"):
            await upload(f"{files.url}/readonly/", "diag.zip", b"x", FAST)


async def test_ftp_download_and_upload(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "fw-3.bin").write_bytes(IMAGE)
    (tmp_path / "images" / "big.bin").write_bytes(b"z" * 200_000)
    (tmp_path / "logs").mkdir()
    with ftp_files(tmp_path) as base:
        assert await download(f"{base}/images/fw-3.bin", FAST) == IMAGE
        with pytest.raises(TransferError, match="exceeds"):
            await download(f"{base}/images/big.bin", FAST)
        with pytest.raises(TransferError, match="FTP: 550"):
            await download(f"{base}/images/none.bin", FAST)
        await upload(f"{base}/logs/", "diag.zip", b"PK-ftp", FAST)
        assert (tmp_path / "logs" / "diag.zip").read_bytes() == b"PK-ftp"
        with pytest.raises(TransferError, match="FTP: 530"):
            await upload(base.replace("sim:pw", "sim:wrong") + "/logs/", "d.zip", b"x", FAST)


def test_firmware_version_from_the_image_name() -> None:
    assert firmware_version("https://x/images/fw-2.1.0.bin", b"") == "fw-2.1.0"
    assert firmware_version("ftp://x/a/release-7.tar.gz?sig=1", b"") == "release-7"
    assert firmware_version("http://x/", b"abc").startswith("sha256-")
    assert len(firmware_version("http://x/" + "v" * 80 + ".bin", b"")) == 50


class _FakeStation:
    """What FileTransfers uses of a station: its log, its model runner."""

    def __init__(self) -> None:
        self._log = logging.LoggerAdapter(logging.getLogger("ocppsim.station"), {"charger": "CP"})
        self.reported: list[float] = []

    def run_model(self, action: Callable[[float], object]) -> object:
        self.reported.append(0.0)
        return None


async def test_a_failed_download_is_reported_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    station = _FakeStation()
    transfers = FileTransfers(station, FAST)  # type: ignore[arg-type]
    with http_files() as files, caplog.at_level(logging.INFO, "ocppsim.station"):
        transfers.download_firmware(DownloadFirmware(1, f"{files.url}/missing.bin"))
        for _ in range(200):
            if station.reported:
                break
            await asyncio.sleep(0.01)
    assert station.reported == [0.0] and transfers.running == 0
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [f"firmware download from {files.url}/missing.bin failed: HTTP 404"]


async def test_stopping_cancels_transfers_in_flight_and_hides_passwords(
    caplog: pytest.LogCaptureFixture,
) -> None:
    station = _FakeStation()
    transfers = FileTransfers(station, TransferLimits(operation_s=10, total_s=10))  # type: ignore[arg-type]
    with http_files() as files:
        transfers.download_firmware(DownloadFirmware(1, f"{files.url}/slow.bin"))
        await asyncio.sleep(0.05)
        assert transfers.running == 1
        await transfers.cancel()
    assert transfers.running == 0 and station.reported == []
    with caplog.at_level(logging.INFO, "ocppsim.station"):
        transfers.download_firmware(DownloadFirmware(2, "ftp://u:hunter2@127.0.0.1:9/fw.bin"))
        for _ in range(200):
            if station.reported:
                break
            await asyncio.sleep(0.01)
    assert "hunter2" not in caplog.text and "u:***@127.0.0.1:9" in caplog.text
