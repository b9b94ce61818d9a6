"""The original ocppsim's `<conf_dir>/<charger id>.conf` goes into the store on the first start."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ocppsim.app.original_conf import import_original_conf, read_original_conf
from ocppsim.store import Store

KEY = "0123456789abcdef0123456789abcdef01234567"
# As the original writes it: one key=value line per value the CSMS set. A generated value may hold '='.
ORIGINAL = f"AuthorizationKey={KEY}\nHeartbeatInterval=120\nVendorSecret=ab=cd==\n\n"


def test_lines_split_on_the_first_equals_sign(tmp_path: Path) -> None:
    path = tmp_path / "CP42.conf"
    path.write_text(ORIGINAL + "# a comment\nno equals sign here\n =orphan\n")
    assert read_original_conf(path) == {
        "AuthorizationKey": KEY,
        "HeartbeatInterval": "120",
        "VendorSecret": "ab=cd==",
    }


def test_imported_once_on_first_start_without_logging_values(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "CP42.conf").write_text(ORIGINAL)
    store = Store(tmp_path)
    try:
        with caplog.at_level(logging.INFO, logger="ocppsim.migrate"):
            assert import_original_conf(store, tmp_path, "CP42") == [
                "AuthorizationKey",
                "HeartbeatInterval",
                "VendorSecret",
            ]
        assert store.config.load("CP42")["AuthorizationKey"] == KEY
        assert KEY not in caplog.text  # a secret never reaches the log
        assert "AuthorizationKey" in caplog.text
        # The CSMS changes a value later: a restart must not bring the file's old value back.
        store.config.save("CP42", "HeartbeatInterval", "300")
        store.flush()
        assert import_original_conf(store, tmp_path, "CP42") == []
        assert store.config.load("CP42")["HeartbeatInterval"] == "300"
    finally:
        store.close()


def test_no_file_no_import(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        assert import_original_conf(store, tmp_path, "CP42") == []
        assert store.config.load("CP42") == {}
    finally:
        store.close()
