"""The signed meter values option (Eichrecht): [charger] signed_meter_values of the INI file, the fleet
file's [[template]] field and the charger command's --signed-meter-values flag; ocmf or none, anything
else refused naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.settings.ini_file import load_settings
from ocppsim.settings.specs import SettingsError, signed_meter_values


def test_ini(tmp_path: Path) -> None:
    ini = tmp_path / "x.ini"
    ini.write_text("[charger]\n")
    assert load_settings(ini, environ={}).charger.signed_meter_values is None
    for text, expected in (("ocmf", "ocmf"), ("OCMF", "ocmf"), ("none", None), ("off", None), ("", None)):
        ini.write_text(f"[charger]\nsigned_meter_values = {text}\n")
        assert load_settings(ini, environ={}).charger.signed_meter_values == expected
    ini.write_text("[charger]\nsigned_meter_values = edl40\n")
    with pytest.raises(SettingsError, match=r"\[charger\] signed_meter_values"):
        load_settings(ini, environ={})


def test_fleet_template(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    base = '[fleet]\nurls = ["ws://127.0.0.1:9/ocpp"]\n[[template]]\nname = "de"\ncount = 2\n'
    path.write_text(base + 'signed_meter_values = "ocmf"\n')
    spec = load_fleet_file(path)
    assert {c.params.signed_meter_values for c in spec.chargers} == {"ocmf"}
    assert spec.templates["de"].params.signed_meter_values == "ocmf"
    path.write_text(base)
    assert load_fleet_file(path).chargers[0].params.signed_meter_values is None
    path.write_text(base + 'signed_meter_values = "yes"\n')
    with pytest.raises(SettingsError, match="signed_meter_values"):
        load_fleet_file(path)


def test_the_shared_parser() -> None:
    assert signed_meter_values(None, "x") is None
    assert signed_meter_values(" Ocmf ", "x") == "ocmf"
    with pytest.raises(SettingsError, match="--flag = 'x'"):
        signed_meter_values("x", "--flag")


def test_the_charger_command_flag_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from ocppsim.cli import main

    ini = Path(__file__).resolve().parents[2] / "ocppsim.ini"
    assert main(["--config", str(ini), "--signed-meter-values", "rsa"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "ocppsim: configuration error: --signed-meter-values = 'rsa': must be ocmf or none"


def test_the_fleet_command_flag() -> None:
    import argparse

    from ocppsim.settings.flags import fleet_spec_from_flags

    def args(value: str | None) -> argparse.Namespace:
        return argparse.Namespace(
            count=2,
            url="ws://127.0.0.1:9/ocpp",
            connectors=1,
            id_pattern="S{:03d}",
            ramp=0.0,
            conf_dir="x",
            seed=1,
            sessions=False,
            arrival_mean=1.0,
            stay_mean=1.0,
            remote_share=0.0,
            charging_share=0.0,
            signed_meter_values=value,
        )

    spec = fleet_spec_from_flags(args("ocmf"))
    assert not isinstance(spec, str)
    assert {c.params.signed_meter_values for c in spec.chargers} == {"ocmf"}
    assert spec.templates["default"].params.signed_meter_values == "ocmf"
    plain = fleet_spec_from_flags(args(None))
    assert not isinstance(plain, str) and plain.chargers[0].params.signed_meter_values is None
    assert fleet_spec_from_flags(args("rsa")) == "--signed-meter-values = 'rsa': must be ocmf or none"


def test_accepted_with_ocpp_2_0_1(tmp_path: Path) -> None:
    """A 2.0.1 charger signs too (SignedMeterValueType, ocpp201/wire.py): the INI file and the fleet
    template keep the setting with OCPP 2.0.1 alone or offered with 1.6."""
    ini = tmp_path / "x.ini"
    ini.write_text("[charger]\nsigned_meter_values = ocmf\nocpp_version = 2.0.1,1.6\n")
    charger = load_settings(ini, environ={}).charger
    assert (charger.signed_meter_values, charger.ocpp_versions) == ("ocmf", ("2.0.1", "1.6"))
    path = tmp_path / "fleet.toml"
    base = '[fleet]\nurls = ["ws://127.0.0.1:9/ocpp"]\n[[template]]\nname = "de"\ncount = 2\n'
    path.write_text(base + 'signed_meter_values = "ocmf"\nocpp_version = "2.0.1"\n')
    (first, _) = load_fleet_file(path).chargers
    assert (first.params.signed_meter_values, first.params.ocpp_versions) == ("ocmf", ("2.0.1",))
