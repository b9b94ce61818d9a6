"""The Security Whitepaper edition 2 (SWP) transfers: the signed firmware download (L01) and the GetLog
upload (N01), over runtime/file_transfer.py's download and upload (same schemes, limits and failure
handling), owned by the station's `FileTransfers`.

The firmware signature is checked here, over the whole image, with the signing certificate of the
request (L01.FR.04/12, ocppsim.pki); the model decides the status from the outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ocppsim import pki
from ocppsim.model.outgoing import UploadDiagnostics
from ocppsim.model.security_effects import DownloadSignedFirmware, UploadLog
from ocppsim.runtime.file_transfer import (
    TransferError,
    build_diagnostics,
    download,
    firmware_version,
    redacted_location,
    upload,
)

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["build_security_log", "download_signed_firmware", "upload_log", "upload_status"]

# FirmwareType.signingCertificate: string[0..5500] (section 6.7).
_CERTIFICATE_MAX_CHARS = 5500


def download_signed_firmware(station: Station, effect: DownloadSignedFirmware) -> None:
    transfers = station.transfers
    transfers.start(_download_signed(station, effect))


def signature_ok(effect: DownloadSignedFirmware, image: bytes) -> bool:
    """L01.FR.04: the signature over the entire file, SHA-256, with the signing certificate's key."""
    try:
        certificate = pki.load_chain(effect.signing_certificate, max_chars=_CERTIFICATE_MAX_CHARS)[0]
    except pki.PkiError:
        return False
    return pki.firmware_signature_ok(certificate, image, effect.signature)


async def _download_signed(station: Station, effect: DownloadSignedFirmware) -> None:
    version: str | None = None
    verified = False
    where = redacted_location(effect.location)
    try:
        image = await download(effect.location, station.transfers.limits)
        version = firmware_version(effect.location, image)
        verified = signature_ok(effect, image)
    except TransferError as exc:
        station._log.warning("signed firmware download from %s failed: %s", where, exc)
    except Exception:  # a library's surprise must not end the charger: log it, fail the attempt
        station._log.exception("signed firmware download from %s failed", where)
    else:
        station._log.info(
            "signed firmware downloaded from %s: %d bytes, signature %s",
            where,
            len(image),
            "verified" if verified else "INVALID",
        )
    signed = station.charger.security.signed_firmware
    station.run_model(lambda now: signed.on_download_result(effect.job, version, verified, now))


def upload_log(station: Station, effect: UploadLog) -> None:
    station.transfers.start(_upload_log(station, effect))


def build_security_log(station: Station, effect: UploadLog) -> bytes:
    """The security log (A04.FR.04, N01.FR.03) between oldestTimestamp and latestTimestamp (the CSMS's
    clock, as the entries are kept): one line per event, `<UTC time> <type> <techInfo>`. The format is
    not prescribed (N01 remark)."""
    store = station._store
    if store is None:
        return b"# no data directory: this charger keeps no security log\n"
    entries = store.certificates.log_entries(
        station.id,
        None if effect.oldest is None else float(effect.oldest),
        None if effect.latest is None else float(effect.latest),
    )
    lines = [f"# security log of {station.id}"]
    for at, event_type, tech_info in entries:
        stamp = datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")
        lines.append(f"{stamp} {event_type}" + (f" {tech_info}" if tech_info else ""))
    return ("\n".join(lines) + "\n").encode()


def upload_status(error: str) -> str:
    """N01.FR.10: the most precise UploadLogStatusEnumType (6.17) for a failed upload."""
    if any(code in error for code in ("HTTP 401", "HTTP 403", "FTP: 530", "FTP: 550")):
        return "PermissionDenied"
    if "unsupported scheme" in error or "HTTP 405" in error or "HTTP 501" in error:
        return "NotSupportedOperation"
    if "HTTP 400" in error:
        return "BadMessage"
    return "UploadFailure"


async def _upload_log(station: Station, effect: UploadLog) -> None:
    where = redacted_location(effect.location)
    status = "UploadFailure"
    try:
        if effect.log_type == "SecurityLog":
            data = build_security_log(station, effect)
        else:
            diagnostics = UploadDiagnostics(
                effect.job, effect.location, effect.file_name, effect.oldest, effect.latest
            )
            data = build_diagnostics(station, diagnostics, station.clock.now())
        await upload(effect.location, effect.file_name, data, station.transfers.limits)
        status = "Uploaded"
    except TransferError as exc:
        status = upload_status(str(exc))
        station._log.warning("%s upload to %s failed: %s (%s)", effect.log_type, where, exc, status)
    except Exception:
        station._log.exception("%s upload to %s failed", effect.log_type, where)
    else:
        station._log.info("%s uploaded to %s (%d bytes)", effect.log_type, where, len(data))
    logs = station.charger.security.logs
    station.run_model(lambda now: logs.on_upload_result(effect.job, status, now))
