"""`ocppsim demo` (make run) tells how to open the shell with a command that runs as written in that
terminal: make run starts .venv/bin/ocppsim, which is not on the PATH unless the venv is activated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocppsim.cli.demo import this_command


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_venv_path_when_ocppsim_is_not_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(tmp_path / ".venv" / "bin" / "ocppsim")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    assert this_command(".venv/bin/ocppsim") == ".venv/bin/ocppsim"
    assert this_command(str(tmp_path / ".venv" / "bin" / "ocppsim")) == os.path.join(
        ".venv", "bin", "ocppsim"
    )


def test_plain_ocppsim_when_that_is_the_one_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = _executable(tmp_path / ".venv" / "bin" / "ocppsim")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(exe.parent))  # an activated venv
    assert this_command(".venv/bin/ocppsim") == "ocppsim"
    assert this_command(str(exe)) == "ocppsim"


def test_python_dash_m() -> None:
    assert this_command("/x/site-packages/ocppsim/__main__.py") == "python -m ocppsim"
