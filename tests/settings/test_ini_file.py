"""The original ocppsim INI file read completely, flags and environment over it, each bad value naming
its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocppsim.settings.ini_file import load_settings
from ocppsim.settings.specs import SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_original_ini_is_read_completely() -> None:
    s = load_settings(ROOT / "ocppsim.ini", environ={})
    assert s.host_addr == "127.0.0.1" and s.host_port == 1234
    assert s.server_url == "ws://127.0.0.1:9000/ocpp" and s.http_auth is False
    c = s.charger
    assert (c.charge_point_id, c.max_offer_a, c.min_to_start_a, c.meter_values_sample_interval) == (
        "SIM001",
        32,
        6,
        60,
    )
    assert c.boot_info.charge_point_model == "ocppsim-1"
    assert c.boot_info.iccid is None
    assert s.default_tag == "12345678"
    assert s.log_levels == {"ocppsim": "INFO", "websockets": "WARNING"}


def test_flags_and_env_override(tmp_path: Path) -> None:
    s = load_settings(
        ROOT / "ocppsim.ini", charger_id="CP9", port=4321, environ={"BALANZ_SERVER_URL": "wss://cs.example/x"}
    )
    assert (s.charger.charge_point_id, s.host_port, s.server_url) == ("CP9", 4321, "wss://cs.example/x")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("port = 1234", "port = 99999", "port"),
        ("http_auth = False", "http_auth = maybe", "http_auth"),
        ("default_profiles = False", "default_profiles = 2", "default_profiles"),
        ("metervalues_interval = 60", "metervalues_interval = -5", "metervalues_interval"),
        ("url = ws://127.0.0.1:9000/ocpp", "url = http://x", "url"),
        ("ocppsim = INFO", "ocppsim = LOUD", "ocppsim"),
    ],
)
def test_bad_values_name_their_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    ini = tmp_path / "x.ini"
    text = (ROOT / "ocppsim.ini").read_text()
    assert old in text
    ini.write_text(text.replace(old, new))
    with pytest.raises(SettingsError, match=key):
        load_settings(ini, environ={})


def test_extension_keys(tmp_path: Path) -> None:
    ini = tmp_path / "ext.ini"
    ca = tmp_path / "ca.pem"
    ca.write_text("placeholder")
    ini.write_text(
        "[server]\nurl = wss://cs.example/ocpp\nsecurity_profile = 2\n"
        f"ca_file = {ca}\nreconnect_initial = 0.5\nreconnect_max = 30\n"
        "[charger]\nconnectors = 2\nphases = 1\n"
    )
    s = load_settings(ini, environ={})
    assert (s.security_profile, s.ca_file, s.reconnect_initial, s.reconnect_max) == (2, ca, 0.5, 30.0)
    assert s.charger.has_central_system_root_certificate and not s.charger.has_charge_point_certificate
    assert (s.charger.number_of_connectors, s.charger.phases) == (2, 1)
    ini.write_text("[server]\nca_file = /nonexistent/ca.pem\n")
    with pytest.raises(SettingsError, match="ca_file"):
        load_settings(ini, environ={})


def test_firmware_failure_switches(tmp_path: Path) -> None:
    ini = tmp_path / "x.ini"
    ini.write_text("[charger]\nfirmware_download_fails = true\ndiagnostics_upload_fails = yes\n")
    c = load_settings(ini, environ={}).charger
    assert (c.firmware_download_fails, c.firmware_install_fails, c.diagnostics_upload_fails) == (
        True,
        False,
        True,
    )
    ini.write_text("[charger]\nfirmware_install_fails = perhaps\n")
    with pytest.raises(SettingsError, match="firmware_install_fails"):
        load_settings(ini, environ={})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "[logging]\nocppsim = INFO\n[charger\nx = 1\n",
            "line 3: broken section header '[charger': expected [name]",
        ),
        (
            "[logging]\n[charger\n[host\n",
            "line 2: broken section header '[charger': expected [name] (and 1 more",
        ),
        ("ocppsim = INFO\n[host]\n", "line 1: 'ocppsim = INFO' comes before the first [section] header"),
        ("[host]\nport = 1\n[host]\n", "line 3: [host] is given twice"),
        ("[host]\nport = 1\nport = 2\n", "line 3: [host] port is given twice"),
        ("[host]\njust words\n", "line 2: 'just words' is neither a [section] header nor key = value"),
    ],
)
def test_a_broken_file_is_one_line_naming_file_and_line(tmp_path: Path, text: str, said: str) -> None:
    ini = tmp_path / "broken.ini"
    ini.write_text(text)
    with pytest.raises(SettingsError) as error:
        load_settings(ini, environ={})
    message = str(error.value)
    assert message.startswith(f"{ini}, ") and said in message
    assert "\n" not in message


def test_ocpp_version(tmp_path: Path) -> None:
    ini = tmp_path / "a.ini"
    assert load_settings(None).charger.ocpp_versions == ("1.6",)  # the default stays 1.6
    ini.write_text("[charger]\nocpp_version = 2.0.1\n")
    assert load_settings(ini).charger.ocpp_versions == ("2.0.1",)
    ini.write_text("[charger]\nocpp_version = 2.0.1, 1.6\n")
    assert load_settings(ini).charger.ocpp_versions == ("2.0.1", "1.6")
    assert load_settings(ini, ocpp_version="1.6").charger.ocpp_versions == ("1.6",)  # --ocpp-version wins
    for bad in ("2.1", "1.6,1.6", ""):
        ini.write_text(f"[charger]\nocpp_version = {bad}\n")
        with pytest.raises(SettingsError, match=r"\[charger\] ocpp_version"):
            load_settings(ini)
    with pytest.raises(SettingsError, match="--ocpp-version"):
        load_settings(ini, ocpp_version="3")
