"""The switches of issue 17 item 7 in the INI ([charger]) and the fleet file ([[template]]): initial
values of what the text command `switch` and REST change at run time."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.settings.ini_file import load_settings
from ocppsim.settings.specs import SettingsError


def test_ini_switches(tmp_path: Path) -> None:
    ini = tmp_path / "x.ini"
    ini.write_text("[charger]\n")
    c = load_settings(ini, environ={}).charger
    assert (c.fixed_cable, c.lock_fails, c.feature_profiles) == (False, False, None)
    ini.write_text("[charger]\nfixed_cable = yes\nlock_fails = true\nfeature_profiles = reservation,Core\n")
    c = load_settings(ini, environ={}).charger
    assert (c.fixed_cable, c.lock_fails, c.feature_profiles) == (True, True, ("Core", "Reservation"))
    for bad, key in (
        ("feature_profiles = Reservation", "feature_profiles"),
        ("lock_fails = often", "lock_fails"),
    ):
        ini.write_text(f"[charger]\n{bad}\n")
        with pytest.raises(SettingsError, match=key):
            load_settings(ini, environ={})


FLEET = """
[fleet]
urls = ["ws://127.0.0.1:9/ocpp"]
[[template]]
name = "odd"
count = 2
fixed_cable = true
lock_fails = true
firmware_install_fails = true
feature_profiles = ["Core", "SmartCharging"]
[[template]]
name = "plain"
"""


def test_fleet_file_switches(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET)
    spec = load_fleet_file(path)
    odd, plain = spec.templates["odd"].params, spec.templates["plain"].params
    assert (odd.fixed_cable, odd.lock_fails, odd.firmware_install_fails) == (True, True, True)
    assert odd.feature_profiles == ("Core", "SmartCharging") and not odd.firmware_download_fails
    assert spec.chargers[1].params.lock_fails
    assert (plain.fixed_cable, plain.lock_fails, plain.feature_profiles) == (False, False, None)
    for bad in (
        'feature_profiles = ["SmartCharging"]',
        "feature_profiles = [1]",
        'diagnostics_upload_fails = "yes"',
    ):
        path.write_text(FLEET.replace('feature_profiles = ["Core", "SmartCharging"]', bad))
        with pytest.raises(SettingsError):
            load_fleet_file(path)
