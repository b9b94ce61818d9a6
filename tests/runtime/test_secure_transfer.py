"""runtime/secure_transfer.py: the status a failed log upload reports (Security Whitepaper N01.FR.10)."""

from __future__ import annotations

import pytest

from ocppsim.runtime.secure_transfer import upload_status


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("HTTP 401", "PermissionDenied"),
        ("HTTP 403", "PermissionDenied"),
        ("FTP: 530 Login incorrect.", "PermissionDenied"),
        ("unsupported scheme 'sftp' (supported: ftp, http, https)", "NotSupportedOperation"),
        ("HTTP 405", "NotSupportedOperation"),
        ("HTTP 400", "BadMessage"),
        ("ConnectError: [Errno 111] Connection refused", "UploadFailure"),
        ("no complete transfer within 60 s", "UploadFailure"),
    ],
)
def test_upload_status(error: str, status: str) -> None:
    assert upload_status(error) == status
