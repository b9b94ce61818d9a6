"""`ocppsim csms --ca DIR`: the central system runs the CPO's CA kept in DIR, so a charger of the CLI can
get its certificate (Security Whitepaper A02: SignCertificate -> CertificateSigned), and the same root
serves every later run (the chargers installed it)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from websockets.asyncio.client import connect

from ocppsim.pki import chain_problem, load_chain, make_csr


@contextmanager
def cli_csms(*args: str) -> Iterator[tuple[str, list[str]]]:
    """`ocppsim csms --port 0 ...` running: (its URL, the lines it printed up to that URL)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocppsim", "csms", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        match = re.search(r"ws://127\.0\.0\.1:(\d+)/ocpp", lines[0])
        assert match, lines
        yield f"ws://127.0.0.1:{match.group(1)}/ocpp", lines
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()


async def _certificate_for(url: str, charger_id: str) -> str:
    """A 1.6 charger's A02 exchange, by hand: boot, SignCertificate with a fresh CSR, then the
    CertificateSigned the CA sends; the chain it carries."""
    _, csr, _ = make_csr(charger_id, "ocppsim CPO")
    async with connect(f"{url}/{charger_id}", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        boot = {"chargePointVendor": "ocppsim", "chargePointModel": "test"}
        await ws.send(json.dumps([2, "1", "BootNotification", boot]))
        assert json.loads(await ws.recv())[2]["status"] == "Accepted"
        await ws.send(json.dumps([2, "2", "SignCertificate", {"csr": csr}]))
        assert json.loads(await ws.recv()) == [3, "2", {"status": "Accepted"}]
        kind, unique_id, action, payload = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert (kind, action) == (2, "CertificateSigned")
        await ws.send(json.dumps([3, unique_id, {"status": "Accepted"}]))
        return str(payload["certificateChain"])


def test_csms_with_a_ca_signs_and_keeps_its_root(tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    with cli_csms("--ca", str(folder)) as (url, lines):
        root_file = folder / "cpo-root.pem"
        assert lines[1].strip() == f"CPO root certificate (ca_file): {root_file}"
        first = asyncio.run(_certificate_for(url, "CP1"))
    assert stat.S_IMODE((folder / "cpo-root.key").stat().st_mode) == 0o600
    root_pem = root_file.read_text()
    with cli_csms("--ca", str(folder)) as (url, _):
        second = asyncio.run(_certificate_for(url, "CP2"))
    assert root_file.read_text() == root_pem  # the same CA: what the chargers installed stays valid
    root = x509.load_pem_x509_certificate(root_pem.encode())
    for chain, name in ((first, "CP1"), (second, "CP2")):
        certificates = load_chain(chain, max_chars=1 << 20)
        assert chain_problem(certificates, [root], time.time()) is None
        assert f"CN={name}" in certificates[0].subject.rfc4514_string().split(",")


def test_csms_ca_refuses_a_folder_that_holds_no_ca(tmp_path: Path) -> None:
    (tmp_path / "cpo-root.pem").write_text("not a certificate")
    out = subprocess.run(
        [sys.executable, "-m", "ocppsim", "csms", "--port", "0", "--ca", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert out.returncode == 2 and "--ca" in out.stderr and "not a CA made by ocppsim" in out.stderr
    sink = subprocess.run(
        [sys.executable, "-m", "ocppsim", "csms", "--sink", "--ca", str(tmp_path / "new")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert sink.returncode == 2 and "--ca needs the central system" in sink.stderr


DEMO_PORTS = ("--csms-port", "0", "--port", "0", "--http", "0")


def test_demo_with_a_ca_installs_its_root_in_the_charger(tmp_path: Path) -> None:
    """`ocppsim demo --ca DIR`: the same CA in the demo's central system, and its root installed in the
    demo's charger (a CentralSystemRootCertificate), so CertificateSigned chains lead to it."""
    folder = tmp_path / "ca"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocppsim", "demo", *DEMO_PORTS, "--ca", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    try:
        lines: list[str] = []
        while not any("commands" in line for line in lines):
            line = proc.stdout.readline()
            assert line, lines  # the demo stopped
            lines.append(line)
        root_file = folder / "cpo-root.pem"
        assert any(
            line.strip() == f"CPO CA         : {folder} (the charger trusts {root_file})" for line in lines
        )
        with sqlite3.connect(tmp_path / "ocppsim-data" / "ocppsim.sqlite3") as db:
            rows = db.execute("SELECT use, pem FROM certificates").fetchall()
        assert rows == [("CentralSystemRootCertificate", root_file.read_text())]
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
