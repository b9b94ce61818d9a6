"""The container files (issue 19 item 6), checked without a Docker engine: the Dockerfile's key lines
(multi-stage, slim Python 3.11, a user without privileges, `ocppsim` as entrypoint, a healthcheck on the
HTTP API without curl), compose.yaml's structure (the built-in central system, a 100-charger fleet pointed
at it, the dashboard on a published port), and that the commands compose runs and the image's healthcheck
work as written: they are run here, on loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def dockerfile() -> list[str]:
    """The instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def instructions(name: str) -> list[str]:
    return [line.split(None, 1)[1] for line in dockerfile() if line.split(None, 1)[0].upper() == name]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return data


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_dockerfile_key_lines() -> None:
    stages = instructions("FROM")
    assert len(stages) >= 2, "multi-stage"
    assert all(s.startswith("python:3.11-slim") for s in stages)
    assert stages[0].endswith(" AS build")
    assert any(line.startswith("--from=build ") for line in instructions("COPY"))
    # The last stage runs as a named user without privileges, created there.
    last = dockerfile()[max(i for i, line in enumerate(dockerfile()) if line.startswith("FROM")) :]
    users = [line.split(None, 1)[1] for line in last if line.startswith("USER")]
    assert users and users[-1] not in ("root", "0")
    assert any("useradd" in line and users[-1] in line for line in last)
    assert json.loads(instructions("ENTRYPOINT")[-1]) == ["ocppsim"]
    (health,) = instructions("HEALTHCHECK")
    assert "curl" not in health and "wget" not in health
    command = json.loads(health.split("CMD", 1)[1])
    assert command[0] == "python"
    env = " ".join(instructions("ENV"))
    assert "OCPPSIM_HEALTH_URL=http://127.0.0.1:8080/api/health" in env
    assert "8080" in instructions("EXPOSE")[0].split()
    ignore = (ROOT / ".dockerignore").read_text().split()
    assert ignore[ignore.index("*") :][:4] == ["*", "!pyproject.toml", "!README.md", "!src/"]


def test_compose_structure() -> None:
    data = compose()
    services = data["services"]
    assert set(services) == {"csms", "fleet"}
    csms, fleet = services["csms"], services["fleet"]
    assert csms["image"] == fleet["image"] and csms["build"] == fleet["build"] == "."
    assert csms["command"][0] == "csms" and option(csms["command"], "--host") == "0.0.0.0"
    csms_port = option(csms["command"], "--port")
    assert csms["healthcheck"]["test"][:2] == ["CMD", "python"]  # no REST API there: its own check
    assert csms_port in " ".join(csms["healthcheck"]["test"])

    command = fleet["command"]
    assert command[0] == "fleet" and option(command, "--count") == "100"
    assert option(command, "--url") == f"ws://csms:{csms_port}/ocpp"
    http_host, http_port = option(command, "--http").rsplit(":", 1)
    assert http_host == "0.0.0.0"
    assert any(str(p).endswith(f":{http_port}:{http_port}") for p in fleet["ports"]), "dashboard published"
    assert "--no-live" in command  # no terminal in a container
    assert fleet["environment"]["OCPPSIM_HTTP_TOKEN"]  # off loopback the REST API needs one
    assert fleet["depends_on"]["csms"]["condition"] == "service_healthy"
    data_dir = option(command, "--conf-dir")
    assert any(str(v).endswith(f":{data_dir}") for v in fleet["volumes"])


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ocppsim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )


def first_line_matching(proc: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        match = re.search(pattern, line)
        if match:
            return match
        seen.append(line)
        if len(seen) > 50:
            break
    raise AssertionError(f"no line matching {pattern!r}: {seen}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in reversed(started):
        proc.terminate()
        proc.wait(15)
        if proc.stdout is not None:
            proc.stdout.close()


def test_the_composed_commands_and_the_healthcheck_run(tmp_path: Path, processes: list[Any]) -> None:
    services = compose()["services"]
    csms_command = [
        ("0" if a == option(services["csms"]["command"], "--port") else a)
        for a in services["csms"]["command"]
    ]
    csms = start(csms_command)
    processes.append(csms)
    url = first_line_matching(csms, r"(ws://[\d.]+:\d+/ocpp)").group(1).replace("0.0.0.0", "127.0.0.1")

    fleet_command = list(services["fleet"]["command"])
    fleet_command[fleet_command.index("--url") + 1] = url
    fleet_command[fleet_command.index("--http") + 1] = "0.0.0.0:0"
    fleet_command[fleet_command.index("--conf-dir") + 1] = str(tmp_path / "data")
    token = "compose-test-token"
    fleet = start(fleet_command, {"OCPPSIM_HTTP_TOKEN": token})
    processes.append(fleet)
    port = first_line_matching(fleet, r"REST API on http://[\d.]+:(\d+)/").group(1)

    (health,) = instructions("HEALTHCHECK")
    check = json.loads(health.split("CMD", 1)[1])
    env = {"OCPPSIM_HEALTH_URL": f"http://127.0.0.1:{port}/api/health", "OCPPSIM_HTTP_TOKEN": token}
    run = subprocess.run(
        [sys.executable, *check[1:]],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    # The same check without the token fails: the health route is behind it.
    env.pop("OCPPSIM_HTTP_TOKEN")
    run = subprocess.run(
        [sys.executable, *check[1:]],
        env={**os.environ, **env, "OCPPSIM_HTTP_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode != 0 and "401" in run.stderr
