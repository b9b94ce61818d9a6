"""The built-in central system in sink mode, in its own process, for the benchmarks."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

__all__ = ["csms_sink"]


@contextlib.contextmanager
def csms_sink(heartbeat: int = 60) -> Iterator[int]:
    """Start `ocppsim csms --sink` on a free port; yields the port; stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ocppsim",
            "csms",
            "--port",
            str(port),
            "--sink",
            "--heartbeat",
            str(heartbeat),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait()
