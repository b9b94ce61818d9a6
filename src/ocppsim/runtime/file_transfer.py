"""File transfers of the FirmwareManagement profile (OCPP 1.6 sections 5.9 GetDiagnostics, 5.19
UpdateFirmware): the firmware download and the diagnostics upload the model asks for as effects
(`DownloadFirmware`, `UploadDiagnostics`), carried out here and reported back to the model with `now`.

Schemes (SupportedFileTransferProtocols, errata 3.88): HTTP and HTTPS with httpx (TLS verified against the
system's CAs), FTP with the standard library's ftplib in a worker thread (`asyncio.to_thread`: ftplib
blocks). Uploads: HTTP PUT of the file to `location` (to `location` + fileName when `location` ends with
"/"); a server that answers PUT with 405 gets one POST of a multipart form (field "file") instead; FTP
STOR of fileName in the location's directory.

A hostile or broken server never hurts the charger: every transfer is bounded in time (connect and read
timeouts plus a total deadline) and in size (a firmware image above MAX_IMAGE_BYTES is aborted while
streaming, before it is held in memory); refusals, errors, an empty image or an HTML page where an image
belongs end the attempt as failed, with one log line. The event loop never blocks.

Ownership: the transfers of a station belong to its `FileTransfers` (a task set cancelled when the
station stops), not to the connection's TaskGroup: a charger keeps downloading while its CSMS link is down
or being re-established (nothing in 5.19 ties the download to the connection, and the model's update
survives a reconnect and a simulated reboot). Their outcomes are model inputs like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import ftplib
import hashlib
import io
import json
import posixpath
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ocppsim.model.decimal_text import parse_whole_number
from ocppsim.model.outgoing import DownloadFirmware, UploadDiagnostics

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = [
    "MAX_IMAGE_BYTES",
    "FileTransfers",
    "TransferError",
    "TransferLimits",
    "build_diagnostics",
    "download",
    "firmware_version",
    "redacted_location",
    "upload",
]

# A firmware image larger than this is refused while streaming (real images are a few MiB to tens of MiB).
MAX_IMAGE_BYTES = 64 << 20
# BootNotification.req firmwareVersion is CiString50Type (section 6.3).
_VERSION_MAX = 50
_IMAGE_SUFFIXES = (".bin", ".img", ".hex", ".fw", ".zip", ".tar", ".gz", ".tgz", ".tar.gz", ".signed")


class TransferError(Exception):
    """A transfer attempt failed (the message says why, for the one log line)."""


@dataclass(frozen=True, slots=True)
class TransferLimits:
    """Bounds of one transfer attempt: per network operation (connect, read, write) and in total."""

    operation_s: float = 15.0
    total_s: float = 300.0
    max_bytes: int = MAX_IMAGE_BYTES


# ---------------------------------------------------------------------------------------- download


async def download(location: str, limits: TransferLimits = TransferLimits()) -> bytes:
    """The file at `location` (http, https, ftp), or TransferError."""
    scheme = urlsplit(location).scheme.lower()
    try:
        async with asyncio.timeout(limits.total_s):
            if scheme in ("http", "https"):
                return await _http_get(location, limits)
            if scheme == "ftp":
                return await asyncio.to_thread(_ftp_get, location, limits, time.monotonic() + limits.total_s)
    except TimeoutError:
        raise TransferError(f"no complete transfer within {limits.total_s:g} s") from None
    raise TransferError(f"unsupported scheme {scheme!r} (supported: ftp, http, https)")


async def _http_get(location: str, limits: TransferLimits) -> bytes:
    # httpx when a transfer runs, not in every charger process (~8 MiB of RSS; docs/performance.md).
    import httpx  # noqa: PLC0415

    timeout = httpx.Timeout(limits.operation_s)
    try:
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", location) as response,
        ):
            if response.status_code != 200:
                raise TransferError(f"HTTP {response.status_code}")
            # A server's header: "¹" passes isdigit() and crashes int() (model/decimal_text.py).
            declared = parse_whole_number(response.headers.get("content-length", ""))
            if declared is not None and declared > limits.max_bytes:
                raise TransferError(f"image of {declared} bytes exceeds {limits.max_bytes}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise TransferError(f"image exceeds {limits.max_bytes} bytes")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise TransferError(_describe(exc)) from None
    body = b"".join(chunks)
    _check_image(body, content_type)
    return body


def _check_image(body: bytes, content_type: str) -> None:
    """Wrong content: nothing, or a web page (an error or login page served with 200) is no image."""
    if not body:
        raise TransferError("empty image")
    head = body[:512].lstrip().lower()
    if content_type.startswith("text/html") or head.startswith((b"<!doctype html", b"<html")):
        raise TransferError("an HTML page, not a firmware image")


def _ftp_connect(location: str, limits: TransferLimits) -> tuple[ftplib.FTP, str]:
    parts = urlsplit(location)
    ftp = ftplib.FTP(timeout=limits.operation_s)
    try:
        ftp.connect(parts.hostname or "", parts.port or 21)
        ftp.login(unquote(parts.username or "anonymous"), unquote(parts.password or "anonymous@"))
    except BaseException:
        ftp.close()
        raise
    return ftp, unquote(parts.path)


def _ftp_get(location: str, limits: TransferLimits, deadline: float) -> bytes:
    """In a worker thread: RETR, aborted beyond the size cap or the total deadline."""
    buffer = io.BytesIO()

    def take(chunk: bytes) -> None:
        if buffer.tell() + len(chunk) > limits.max_bytes:
            raise TransferError(f"image exceeds {limits.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise TransferError(f"no complete transfer within {limits.total_s:g} s")
        buffer.write(chunk)

    try:
        ftp, path = _ftp_connect(location, limits)
        try:
            ftp.retrbinary(f"RETR {path}", take)
            _ftp_quit(ftp)
        finally:
            ftp.close()  # after an abort no QUIT: its answer would be the aborted transfer's
    except (OSError, EOFError, ftplib.Error) as exc:
        raise TransferError(f"FTP: {exc}") from None
    body = buffer.getvalue()
    _check_image(body, "")
    return body


def _ftp_quit(ftp: ftplib.FTP) -> None:
    """A polite QUIT after a complete transfer; its answer changes nothing."""
    with contextlib.suppress(OSError, EOFError, ftplib.Error):
        ftp.quit()


def firmware_version(location: str, image: bytes) -> str:
    """The version an installed image reports in BootNotification: its file name without the image
    suffix (`fw-2.1.0.bin` -> `fw-2.1.0`), else a digest of its content."""
    name = posixpath.basename(unquote(urlsplit(location).path))
    lowered = name.lower()
    for suffix in sorted(_IMAGE_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix):
            name = name[: -len(suffix)]
            break
    name = name.strip()
    if name:
        return name[:_VERSION_MAX]
    return "sha256-" + hashlib.sha256(image).hexdigest()[:16]


# ---------------------------------------------------------------------------------------- upload


async def upload(
    location: str, file_name: str, data: bytes, limits: TransferLimits = TransferLimits()
) -> None:
    """Store `data` as `file_name` at `location` (http, https, ftp), or TransferError."""
    scheme = urlsplit(location).scheme.lower()
    try:
        async with asyncio.timeout(limits.total_s):
            if scheme in ("http", "https"):
                await _http_put(location, file_name, data, limits)
                return
            if scheme == "ftp":
                await asyncio.to_thread(_ftp_put, location, file_name, data, limits)
                return
    except TimeoutError:
        raise TransferError(f"no complete transfer within {limits.total_s:g} s") from None
    raise TransferError(f"unsupported scheme {scheme!r} (supported: ftp, http, https)")


async def _http_put(location: str, file_name: str, data: bytes, limits: TransferLimits) -> None:
    import httpx  # noqa: PLC0415 - see _http_get

    url = location + file_name if location.endswith("/") else location
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(limits.operation_s)) as client:
            headers = {"Content-Type": "application/zip"}
            response = await client.put(url, content=data, headers=headers)
            if response.status_code == 405:
                # A form endpoint: one POST of multipart/form-data instead.
                files = {"file": (file_name, data, "application/zip")}
                response = await client.post(url, files=files)
    except httpx.HTTPError as exc:
        raise TransferError(_describe(exc)) from None
    if not 200 <= response.status_code < 300:
        raise TransferError(f"HTTP {response.status_code}")


def _ftp_put(location: str, file_name: str, data: bytes, limits: TransferLimits) -> None:
    try:
        ftp, path = _ftp_connect(location, limits)
        try:
            target = path if path and not path.endswith("/") else posixpath.join(path or "/", file_name)
            ftp.storbinary(f"STOR {target}", io.BytesIO(data))
            _ftp_quit(ftp)
        finally:
            ftp.close()
    except (OSError, EOFError, ftplib.Error) as exc:
        raise TransferError(f"FTP: {exc}") from None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------- diagnostics


def build_diagnostics(station: Station, effect: UploadDiagnostics, now: float) -> bytes:
    """The diagnostics file (a zip, the format is not prescribed by 5.9): the charger's state and
    configuration (the AuthorizationKey never), the message log between startTime and stopTime (the
    runtime keeps no other log of a charger), and a summary of the journal of unsent messages."""
    charger = station.charger
    offset = charger.state.clock_offset
    start = None if effect.start_time is None else float(effect.start_time) - offset
    stop = None if effect.stop_time is None else float(effect.stop_time) - offset
    keys, _ = charger.config.report(None)
    config_lines = [
        f"{kv.key}={'<hidden>' if kv.key == 'AuthorizationKey' else kv.value or ''}"
        + (" (readonly)" if kv.readonly else "")
        for kv in keys
    ]
    frames: list[str] = []
    log = station.message_log
    if log is None:  # a bare fleet keeps none (the REST surface attaches it)
        frames.append("# no message log is kept for this charger (the HTTP surface is off)")
    else:
        for frame in log.frames(station.id, since=start, until=stop):
            frames.append(f"{_iso(frame.time + offset)} {frame.direction} {_redacted(frame.raw)}")
    boot = charger.state.boot_info
    pending = station.outbox.pending
    summary = [
        f"chargePointId={station.id}",
        f"generated={_iso(now + offset)}",
        f"window={_iso_or_open(effect.start_time)}..{_iso_or_open(effect.stop_time)}",
        f"vendor={boot.charge_point_vendor} model={boot.charge_point_model}",
        f"firmwareVersion={boot.firmware_version or ''}",
        f"online={station.online} registration={charger.registration}",
        *(f"connector {cid}: {charger.connector_status(cid)}" for cid in charger.connector_ids),
        f"journal: {len(pending)} queued message(s), "
        f"{sum(1 for r in pending if r.transaction_related)} transaction-related",
        *(f"  queued {r.ACTION}" for r in pending[:100]),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.txt", "\n".join(summary) + "\n")
        archive.writestr("configuration.txt", "\n".join(config_lines) + "\n")
        archive.writestr("messages.log", "\n".join(frames) + ("\n" if frames else ""))
    return buffer.getvalue()


def _redacted(raw: str) -> str:
    """A logged frame without the AuthorizationKey a ChangeConfiguration set (Security Whitepaper: the
    key is write-only and never leaves the charger)."""
    if "AuthorizationKey" not in raw:
        return raw
    try:
        message = json.loads(raw)
        payload = message[3]
        if payload.get("key") == "AuthorizationKey" and "value" in payload:
            payload["value"] = "<hidden>"
            return json.dumps(message, separators=(",", ":"))
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        pass
    return "<a frame naming AuthorizationKey, not shown>"


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def _iso_or_open(at: float | None) -> str:
    return "" if at is None else _iso(float(at))


# ---------------------------------------------------------------------------------------- per station


class FileTransfers:
    """The transfers of one station: started from its effects, reported back to its model."""

    __slots__ = ("_station", "_tasks", "limits")

    def __init__(self, station: Station, limits: TransferLimits = TransferLimits()) -> None:
        self._station = station
        self._tasks: set[asyncio.Task[None]] = set()
        self.limits = limits

    def download_firmware(self, effect: DownloadFirmware) -> None:
        self._start(self._download(effect))

    def upload_diagnostics(self, effect: UploadDiagnostics) -> None:
        self._start(self._upload(effect))

    def start(self, work: Awaitable[None]) -> None:
        """Own another transfer (the Security Whitepaper's signed firmware and GetLog uploads,
        runtime/secure_transfer.py): cancelled with the station like these."""
        self._start(work)

    def _start(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def cancel(self) -> None:
        """The station stops: its transfers end with it."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def _download(self, effect: DownloadFirmware) -> None:
        station = self._station
        where = redacted_location(effect.location)  # never the password, in any log line
        version: str | None = None
        try:
            image = await download(effect.location, self.limits)
            version = firmware_version(effect.location, image)
        except TransferError as exc:
            station._log.warning("firmware download from %s failed: %s", where, exc)
        except Exception:  # a library's surprise must not end the charger: log it, fail the attempt
            station._log.exception("firmware download from %s failed", where)
        else:
            station._log.info("firmware downloaded from %s: %d bytes", where, len(image))
        self._report(lambda now: station.charger.firmware.on_download_result(effect.job, version, now))

    async def _upload(self, effect: UploadDiagnostics) -> None:
        station = self._station
        where = redacted_location(effect.location)
        ok = False
        try:
            data = build_diagnostics(station, effect, station.clock.now())
            await upload(effect.location, effect.file_name, data, self.limits)
            ok = True
        except TransferError as exc:
            station._log.warning("diagnostics upload to %s failed: %s", where, exc)
        except Exception:
            station._log.exception("diagnostics upload to %s failed", where)
        else:
            station._log.info("diagnostics uploaded to %s (%d bytes)", where, len(data))
        self._report(lambda now: station.charger.firmware.on_upload_result(effect.job, ok, now))

    def _report(self, action: Callable[[float], object]) -> None:
        self._station.run_model(action)


def redacted_location(location: str) -> str:
    """A location without its password, for the log."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()
