"""The Security Whitepaper edition 2 (SWP) transfers: the signed firmware download (L01) and the GetLog
upload (N01), over runtime/file_transfer.py's download and upload (same schemes, limits and failure
handling), owned by the station's `FileTransfers`.

The firmware signature is checked here, over the whole image, with the signing certificate of the
request (L01.FR.04/12, ocppsim.pki); the model decides the status from the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocppsim import pki
from ocppsim.model.security_effects import DownloadSignedFirmware
from ocppsim.runtime.file_transfer import TransferError, _safe, download, firmware_version

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["download_signed_firmware"]

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
    where = _safe(effect.location)
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
