"""Capacity and CS->CP latency under the standard mix: N chargers (`ocppsim fleet --workers W`) against S
built-in central systems in sink mode (each its own process and port, uvloop), all on loopback.

The standard mix (the fleet issue): Heartbeat every 60 s; half the chargers charging with MeterValues every
10 s; StatusNotification on changes. The chargers boot spread over one Heartbeat interval (HEARTBEAT_S).
Once every charger is booted and the charging half charges, the sinks' probes send GetConfiguration and
RemoteStartTransaction to random chargers for the measurement window and time each answer. Prints and
writes benchmarks/results/fleet_mix[-N].json: boot time, chargers held, RSS per charger (the fleet's
processes, interpreters included), messages/s, and the CS->CP answer latency p50 / p95 / p99.

    python benchmarks/fleet_mix.py [N=10000] [measure seconds=60] [probe calls/s=50] [workers=fleet's default]
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proc_figures import cpu_seconds, free_port, machine_cpu, rss_kib

from ocppsim.cli.fleet import default_workers
from ocppsim.transport.call_stats import FleetStats

RESULTS = Path(__file__).parent / "results"
# The mix's Heartbeat interval. The chargers boot spread over one interval (a ramp of N / 60 a second), as
# in a fleet that has run for a while: booted all within seconds, every charger's Heartbeat and ping
# would fall due in the same few seconds of each minute, the echo of a boot storm (which
# benchmarks/boot_storm.py measures on its own), not the mix.
HEARTBEAT_S = 60
PER_PROCESS = 15_000  # chargers per worker and per sink: under the 20,000 descriptors a process may hold
STATUS = re.compile(
    r"chargers (\d+) connected (\d+) booted (\d+) charging (\d+) \| out ([\d.]+)/s in ([\d.]+)/s"
)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_port(port: int) -> None:
    # Up to 2 minutes: seven sinks starting side by side on a busy machine (load average 10 on 2 cores)
    # took more than 20 s.
    for _ in range(2_400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"sink on {port} did not start")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    measure = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    probe_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 50.0
    # The fleet's own default (by load, and as many as its descriptor limit asks for: the fleet raises its
    # soft limit to the hard one); a sink per PER_PROCESS chargers (its descriptors).
    needed = max(1, math.ceil(n / PER_PROCESS))
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    descriptors = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    by_load = default_workers(n, os.cpu_count() or 1, descriptors)
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else by_load
    sinks = needed
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ports = [free_port() for _ in range(sinks)]
        sink_procs = []
        for k, port in enumerate(ports):
            sink = [python, "-m", "ocppsim", "csms", "--port", str(port), "--sink"]
            sink += ["--heartbeat", str(HEARTBEAT_S)]
            sink += ["--probe", str(probe_rate / sinks), "--probe-on-signal"]
            sink += ["--probe-report", str(work / f"probe-{k}.json")]
            sink_procs.append(subprocess.Popen(sink, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            for port in ports:
                wait_port(port)
        except RuntimeError:
            for proc in sink_procs:
                proc.kill()
            raise
        urls = ", ".join(f'"ws://127.0.0.1:{port}/ocpp"' for port in ports)
        (work / "fleet.toml").write_text(
            f"[fleet]\nurls = [{urls}]\nramp = {math.ceil(n / HEARTBEAT_S)}\n"
            f'conf_dir = "{work / "data"}"\ncharging_share = 0.5\n\n'
            f'[[template]]\nname = "mix"\ncount = {n}\nid_pattern = "MIX{{:06d}}"\n'
            "meter_values_interval = 10\n"
        )
        command = [python, "-m", "ocppsim", "fleet", "--config", str(work / "fleet.toml")]
        command += ["--workers", str(workers), "--no-live", "--stats-json", str(work / "fleet.json")]
        started = time.monotonic()
        # The fleet's log goes to a file: when the sinks stop first (so that the probes end before any
        # charger goes), every charger logs its lost connection.
        fleet_log = work / "fleet.log"
        log_file = fleet_log.open("w")
        fleet = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert fleet.stdout is not None
        boot_s = math.nan
        last: tuple[int, ...] = ()
        # At 100,000 chargers the ramp-up is CPU-bound (~470 s here): wait up to twice that.
        deadline = started + max(300.0, n / 100)
        for line in fleet.stdout:
            found = STATUS.search(line)
            if not found:
                continue
            last = tuple(int(float(x)) for x in found.groups())
            print(f"  {time.monotonic() - started:6.1f} s  {line.strip()}", flush=True)
            if last[2] == n and last[3] >= int(n * 0.5) * 0.99:
                boot_s = time.monotonic() - started
                break
            if time.monotonic() > deadline:
                break
        window_start = time.monotonic()
        fleet_pids = [fleet.pid, *children(fleet.pid)]
        sink_pids = [proc.pid for proc in sink_procs]
        cpu_start = cpu_seconds(fleet_pids), cpu_seconds(sink_pids)
        machine_start = machine_cpu()
        for proc in sink_procs:
            proc.send_signal(signal.SIGUSR1)  # the probes start their measurement window now
        rates: list[tuple[float, float]] = []
        fewest = last[1] if last else 0
        for line in fleet.stdout:
            found = STATUS.search(line)
            if found:
                last = tuple(int(float(x)) for x in found.groups())
                fewest = min(fewest, last[1])
                rates.append((float(found.group(5)), float(found.group(6))))
                print(f"  {time.monotonic() - started:6.1f} s  {line.strip()}", flush=True)
            if time.monotonic() - window_start >= measure:
                break
        window_s = time.monotonic() - window_start
        fleet_cpu = (cpu_seconds(fleet_pids) - cpu_start[0]) / window_s
        sink_cpu = (cpu_seconds(sink_pids) - cpu_start[1]) / window_s
        machine_end = machine_cpu()
        machine_busy = (machine_end[0] - machine_start[0]) / window_s
        stolen = (machine_end[1] - machine_start[1]) / window_s
        # The fleet's processes: the parent and its workers (or the one process when workers == 1).
        rss_total = rss_kib([fleet.pid, *children(fleet.pid)])
        held = last[1] if last else 0
        load_end = Path("/proc/loadavg").read_text().split()[:3]
        logged_in_run = fleet_log.read_text(errors="replace").splitlines()
        for proc in sink_procs:  # the probes end (and report) before any charger goes
            proc.send_signal(signal.SIGTERM)
        for proc in sink_procs:
            proc.wait(timeout=60)
        fleet.send_signal(signal.SIGTERM)
        fleet.communicate(timeout=300)
        log_file.close()
        probe = FleetStats()
        for k in range(sinks):
            report = json.loads((work / f"probe-{k}.json").read_text())
            probe.merge(report["stats"])
        summary = probe.summary()
    out = sum(r[0] for r in rates) / len(rates) if rates else math.nan
    figures = {
        "command": f"python benchmarks/fleet_mix.py {n} {measure:g} {probe_rate:g} {workers}",
        "chargers": n,
        "workers": workers,
        "sinks": sinks,
        "boot_and_settle_seconds": round(boot_s, 1),
        "connected_during_window": held,
        "connected_fewest_during_window": fewest,
        "charging_during_window": last[3] if last else 0,
        "rss_kib_per_charger": round(rss_total / n, 1),
        # When not all could connect: the same RSS over the chargers that did (an upper bound).
        "rss_kib_per_connected_charger": round(rss_total / held, 1) if held else math.nan,
        "rss_mib_fleet_processes": round(rss_total / 1024, 1),
        "messages_out_per_s": round(out, 1),
        # Cores busy during the window, and what one message out costs the fleet (its answers included).
        "fleet_cores_busy": round(fleet_cpu, 3),
        "sink_cores_busy": round(sink_cpu, 3),
        # The whole machine in the window: its cores busy (everything: the fleet, the sinks, the
        # kernel's network work, anything else running), and the cores the hypervisor took (steal).
        "machine_cores_busy": round(machine_busy, 3),
        "machine_cores_stolen": round(stolen, 3),
        "fleet_cpu_us_per_message": round(fleet_cpu / out * 1e6, 1) if out else math.nan,
        "probe_calls": summary["calls_out"],
        "probe_errors": summary["errors"],
        "probe_latency_ms_p50": summary["latency_ms_p50"],
        "probe_latency_ms_p95": summary["latency_ms_p95"],
        "probe_latency_ms_p99": summary["latency_ms_p99"],
        "measure_seconds": measure,
        # The machine is shared: its load average (1, 5, 15 min) before the run and at the window's end.
        "loadavg_before": " ".join(load_before),
        "loadavg_window_end": " ".join(load_end),
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("fleet_mix.json" if n == 10_000 else f"fleet_mix-{n}.json")
    path.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"standard mix, {n} chargers on {workers} workers against {sinks} sinks: booted and settled in "
        f"{figures['boot_and_settle_seconds']} s; {held} held (never fewer than {fewest}); "
        f"{figures['rss_kib_per_charger']} KiB RSS per "
        f"charger ({figures['rss_kib_per_connected_charger']} per connected one); "
        f"{figures['messages_out_per_s']} messages/s out, fleet {fleet_cpu:.2f} cores busy "
        f"({figures['fleet_cpu_us_per_message']} us CPU per message), sinks {sink_cpu:.2f}, machine "
        f"{machine_busy:.2f} busy and {stolen:.2f} stolen; CS->CP answers "
        f"({summary['calls_out']} probes, errors {summary['errors']}) p50 {summary['latency_ms_p50']} ms, "
        f"p95 {summary['latency_ms_p95']} ms, p99 {summary['latency_ms_p99']} ms"
    )
    warnings = [line for line in logged_in_run if " WARNING " in line or " ERROR " in line]
    print(f"fleet log to the window end: {len(logged_in_run)} lines, {len(warnings)} warnings or errors")
    for line in warnings[:5]:
        print(f"  {line}")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
