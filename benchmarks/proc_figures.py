"""What the benchmarks read of their processes from /proc (CPU time, RSS) and a free loopback port: one
place for fleet_mix.py, fleet_vs_transport.py and dashboard_fleet.py."""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["cpu_seconds", "free_port", "machine_cpu", "rss_kib"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pids: list[int]) -> int:
    """The summed VmRSS of these processes (those gone meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (/proc/PID/stat fields 14 and 15)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float, float]:
    """The whole machine's CPU seconds so far, summed over its cores (/proc/stat's first line): busy (user,
    nice, system, irq, softirq), stolen (the time the hypervisor ran something else on our virtual cores:
    a slower run with the same code shows here), and the total with idle and iowait."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq
    return busy / tick, steal / tick, (busy + idle + iowait + steal) / tick
