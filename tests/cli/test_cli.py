"""The drop-in CLI: flags, a bad INI file is exit code 2 naming the key (the INI reading itself:
tests/settings/test_ini_file.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ocppsim import __version__
from ocppsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocppsim", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=cwd,
    )


def test_version_and_help() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"ocppsim {__version__}"
    out = run("-h")
    assert (
        out.returncode == 0 and "--config" in out.stdout and "--port" in out.stdout and "--id" in out.stdout
    )


def test_unknown_flag_exits_2() -> None:
    out = run("--frobnicate")
    assert out.returncode == 2
    assert "unrecognized arguments: --frobnicate" in out.stderr


def test_bad_ini_value_exits_2_naming_the_key(tmp_path: Path) -> None:
    ini = tmp_path / "bad.ini"
    ini.write_text((ROOT / "ocppsim.ini").read_text().replace("max_offer = 32", "max_offer = lots"))
    out = run("--config", str(ini))
    assert out.returncode == 2
    assert "max_offer" in out.stderr and "lots" in out.stderr


def test_missing_config_exits_2(tmp_path: Path) -> None:
    assert main(["--config", str(tmp_path / "nope.ini")]) == 2


def test_http_off_loopback_without_token_names_every_way_to_give_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OCPPSIM_HTTP_TOKEN", raising=False)
    assert main(["--config", str(ROOT / "ocppsim.ini"), "--http", "0.0.0.0:18099"]) == 2
    err = capsys.readouterr().err
    assert (
        "0.0.0.0" in err and "--http-token" in err and "$OCPPSIM_HTTP_TOKEN" in err and "[http] token" in err
    )
    assert len(err.strip().splitlines()) == 1


def test_broken_section_header_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ini = tmp_path / "broken.ini"
    ini.write_text((ROOT / "ocppsim.ini").read_text().replace("[charger]", "[charger"))
    assert main(["--config", str(ini)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"ocppsim: configuration error: {ini}, line ") and "[charger" in err
    assert len(err.splitlines()) == 1
