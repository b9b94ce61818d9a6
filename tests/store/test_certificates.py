"""store/certificates.py: root certificates, the charge point certificate, private key files (0600), the
security log."""

from __future__ import annotations

import stat
from pathlib import Path

from ocppsim.model.types import Timestamp
from ocppsim.store import Store


def test_certificates_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.certificates.load("CP1") == []
    store.certificates.save(
        "CP1", (("CentralSystemRootCertificate", "A"), ("ManufacturerRootCertificate", "B"))
    )
    store.certificates.save("CP2", (("CentralSystemRootCertificate", "C"),))
    store.certificates.save("CP1", (("ManufacturerRootCertificate", "B"),))
    store.flush()
    store.close()
    again = Store(tmp_path)
    assert again.certificates.load("CP1") == [("ManufacturerRootCertificate", "B")]
    assert again.certificates.load("CP2") == [("CentralSystemRootCertificate", "C")]
    again.close()


def test_private_keys_are_owner_only_files(tmp_path: Path) -> None:
    store = Store(tmp_path)
    path = store.certificates.save_key("CP/1", "ab" * 32, "-----BEGIN PRIVATE KEY-----\nX\n")
    assert path.parent == tmp_path / "keys" and path.read_text().startswith("-----BEGIN PRIVATE KEY")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)  # a file left readable by an older run is made private again
    store.certificates.save_key("CP/1", "ab" * 32, "-----BEGIN PRIVATE KEY-----\nY\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store.certificates.save_charge_point("CP/1", "CHAIN", "ab" * 32)
    assert store.certificates.load_charge_point("CP/1") == ("CHAIN", "ab" * 32)
    assert store.certificates.chain_file("CP/1", "ab" * 32).read_text() == "CHAIN"
    # No private key in the database file.
    store.flush()
    assert b"PRIVATE KEY" not in (tmp_path / store.path.name).read_bytes()
    store.close()


def test_security_log_window(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for t, event in ((10.0, "StartupOfTheDevice"), (20.0, "ResetOrReboot"), (30.0, "FirmwareUpdated")):
        store.certificates.log("CP1", Timestamp(t), event, None)
    store.certificates.log("CP2", Timestamp(15.0), "Other", "x")
    assert [e for _, e, _ in store.certificates.log_entries("CP1")] == [
        "StartupOfTheDevice",
        "ResetOrReboot",
        "FirmwareUpdated",
    ]
    assert store.certificates.log_entries("CP1", 15.0, 25.0) == [(20.0, "ResetOrReboot", None)]
    store.chargers.forget("CP1")
    assert store.certificates.log_entries("CP1") == []
    store.close()
