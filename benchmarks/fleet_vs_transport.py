"""What the fleet costs over its transport: a bare open-loop client on the same transport (picows + orjson,
one timer per connection, no model, no outbox, no journal, no statistics) and then the fleet, one after
the other in one invocation, both against the project's sink (`ocppsim csms --sink`, its own processes),
both with every station charging: MeterValues every 10 s, Heartbeat (and a WebSocket ping) every 60 s.

The bare client sends the fleet's own frames: before either run, one charger of the same fleet file runs
for a moment (at 50x speed) against the recording central system, and its CALLs become the bare client's
templates (BootNotification, the StatusNotifications, Authorize, StartTransaction, MeterValues with the
fleet's measurands); only the timestamps, the register and the transactionId change per message. Like the
fleet, each bare connection has one CALL in flight at a time, boots at once (a boot storm: boot time is
until every charger is Accepted), and starts its session at its share of the MeterValueSampleInterval so
that the MeterValues of a fleet spread over the interval.

The bare client runs on the standard asyncio loop (FVT_BARE_LOOP=uvloop for the fleet's; see BARE_LOOP),
the fleet on its own defaults (uvloop; workers by load).

Figures, measured over one window after all are booted and charging, for both and as fleet/bare ratios:
CPU per message out (user + system of every process of the side, its answers included), RSS per charger
(marginal: the side's RSS with N chargers less its RSS with a base run of one charger per process, over
the difference in chargers), and boot time. Writes benchmarks/results/fleet_vs_transport-<N>.json. The
machine may be shared: the ratios, measured in the same invocation, are the figures to compare.

    python benchmarks/fleet_vs_transport.py [N=10000] [measure seconds=60] [workers] [VARIANT ...]

A VARIANT measures one more fleet in the same invocation, to compare before and after within one run
(the machine may be shared): `workers=2`, `src=/tmp/before/src` (the fleet of another source tree, e.g.
`git archive <commit> src | tar -x -C /tmp/before`), or both joined by a comma.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from proc_figures import cpu_seconds, free_port, rss_kib

RESULTS = Path(__file__).parent / "results"
PER_PROCESS = 15_000  # chargers per process (bare client, fleet worker, sink): under 20,000 descriptors
HEARTBEAT_S = 60
METER_S = 10
# The bare client's event loop. The standard loop, not the fleet's uvloop: with one timer per connection
# uvloop cost the bare client ~114 us per message at 10,000 connections against ~65 us on the standard
# loop (each uvloop timer is a libuv handle, made and closed per call_at); the fleet's timers sit on a
# grid (runtime/clock.py) and cost it the same on either loop. The cheaper transport is the bound.
BARE_LOOP = os.environ.get("FVT_BARE_LOOP", "asyncio")
# Both sides print this line once a second (the fleet's status line, which fleet_mix.py reads too).
STATUS = re.compile(
    r"chargers (\d+) connected (\d+) booted (\d+) charging (\d+) \| out ([\d.]+)/s in ([\d.]+)/s"
)


# ---------------------------------------------------------------------------------------------- processes


def wait_port(port: int) -> None:
    for _ in range(400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened")


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


@contextlib.contextmanager
def sinks(count: int) -> Iterator[list[str]]:
    """`count` sinks in their own processes; yields their URLs."""
    ports = [free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ocppsim", "csms", "--port", str(port), "--sink", "--heartbeat", "60"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_port(port)
        yield [f"ws://127.0.0.1:{port}/ocpp" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def fleet_file(path: Path, urls: list[str], n: int, data: Path) -> Path:
    quoted = ", ".join(f'"{url}"' for url in urls)
    path.write_text(
        f'[fleet]\nurls = [{quoted}]\nconf_dir = "{data}"\ncharging_share = 1.0\n\n'
        f'[[template]]\nname = "mix"\ncount = {n}\nid_pattern = "FVT{{:06d}}"\n'
        f"meter_values_interval = {METER_S}\n"
    )
    return path


# ---------------------------------------------------------------------------------- the fleet's frames


async def _capture_async(work: Path) -> list[list[Any]]:
    # Imported here, not at the top: the bare client's processes run this file and must not carry the
    # project's modules in their RSS.
    from ocppsim.app.fleet import run_fleet  # noqa: PLC0415
    from ocppsim.control.fleet.plan import FleetRun  # noqa: PLC0415
    from ocppsim.csms.server import CentralSystem  # noqa: PLC0415
    from ocppsim.settings.fleet_file import load_fleet_file  # noqa: PLC0415

    csms = CentralSystem(heartbeat_interval=HEARTBEAT_S)
    await csms.start()
    try:
        spec = load_fleet_file(fleet_file(work / "capture.toml", [csms.url], 1, work / "capture-data"))
        # 50x: 40 s of the charger's time, four MeterValues, in 0.8 s.
        run = FleetRun(spec=spec, speed=50.0, duration=0.8, live=False)
        with contextlib.redirect_stdout(io.StringIO()):
            await run_fleet(run, on_signals=lambda stop: None)
    finally:
        await csms.stop()
    return [[f.action, f.payload] for f in csms.frames if f.direction == "in" and f.kind == 2]


def capture_frames(work: Path) -> dict[str, Any]:
    """The CALLs one charger of the fleet file sends: boot, the statuses before its session, the
    session's start and one MeterValues (the bare client's templates)."""
    calls = asyncio.run(_capture_async(work))
    actions = [action for action, _ in calls]
    boot = next(p for a, p in calls if a == "BootNotification")
    authorize_at = actions.index("Authorize")
    before = [p for a, p in calls[:authorize_at] if a == "StatusNotification"]
    booted_statuses = [p for p in before if p["status"] == "Available"]
    preparing = [p for p in before if p["status"] != "Available"]
    start_at = actions.index("StartTransaction")
    after_start = [p for a, p in calls[start_at:] if a == "StatusNotification"]
    metered = [p for a, p in calls if a == "MeterValues" and "transactionId" in p]
    return {
        "boot": boot,
        "statuses": booted_statuses,
        "preparing": preparing,
        "authorize": calls[authorize_at][1],
        "start": calls[start_at][1],
        "charging": after_start[:1],
        "meter_begin": metered[0],  # at the start (Transaction.Begin)
        "meter": metered[-1],  # every interval (Sample.Periodic)
        "actions": actions,
    }


# ------------------------------------------------------------------------------------ the bare client


def bare_client(urls: list[str], first: int, count: int, frames: dict[str, Any]) -> None:
    """One process of the bare client: `count` connections, ids from `first`, round-robin over `urls`.
    Prints the fleet's status line every second."""
    import orjson  # noqa: PLC0415 (what the bare client needs, and only that)
    import picows  # noqa: PLC0415
    import uvloop  # noqa: PLC0415
    from picows import WSFrame, WSListener, WSMsgType, WSTransport  # noqa: PLC0415

    dumps, loads = orjson.dumps, orjson.loads
    text = WSMsgType.TEXT
    counts = {"connected": 0, "booted": 0, "charging": 0, "out": 0, "in": 0}
    meter_template = frames["meter"]
    energy_at = [
        (i, j)
        for i, mv in enumerate(meter_template["meterValue"])
        for j, sv in enumerate(mv["sampledValue"])
        if sv.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"
    ]

    def stamp() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    class Charger(WSListener):  # type: ignore[misc]
        """One connection: a queue of CALLs sent one at a time, one timer for the next periodic CALL."""

        __slots__ = (
            "calls",
            "due_heartbeat",
            "due_meter",
            "index",
            "register",
            "seq",
            "started",
            "timer",
            "transaction_id",
            "transport",
            "waiting",
        )

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index
            self.seq = 0
            self.started = False
            self.calls: list[tuple[str, Any]] = []
            self.waiting: str | None = None
            self.transport: WSTransport | None = None
            self.timer: asyncio.TimerHandle | None = None
            self.transaction_id = 0
            self.register = float(frames["start"]["meterStart"])
            self.due_meter = math.inf
            self.due_heartbeat = math.inf

        def on_ws_connected(self, transport: WSTransport) -> None:
            self.transport = transport
            # As the fleet's links do (runtime/ws_client.py): the upgrade's headers, which picows keeps
            # for the connection's life, go once connected (~2.4 KB a connection). The bare client is
            # the transport as the fleet uses it, so it does not pay what the fleet does not.
            transport.request.headers.clear()
            transport.response.headers.clear()
            counts["connected"] += 1
            self.call("BootNotification", frames["boot"])

        def on_ws_disconnected(self, transport: WSTransport) -> None:
            counts["connected"] -= 1
            if self.timer is not None:
                self.timer.cancel()

        def call(self, action: str, payload: Any) -> None:
            self.calls.append((action, payload))
            if self.waiting is None:
                self._send_next()

        def _send_next(self) -> None:
            action, payload = self.calls.pop(0)
            self.seq += 1
            uid = str(self.seq)
            self.waiting = action
            assert self.transport is not None
            self.transport.send(text, dumps([2, uid, action, payload]))
            counts["out"] += 1

        def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
            if frame.msg_type is not text:
                return
            counts["in"] += 1
            message = loads(frame.get_payload_as_bytes())
            if message[0] != 3:
                return
            action, self.waiting = self.waiting, None
            loop = asyncio.get_running_loop()
            if action == "BootNotification":
                counts["booted"] += 1
                for status in frames["statuses"]:
                    self.calls.append(("StatusNotification", {**status, "timestamp": stamp()}))
                self.due_heartbeat = loop.time() + HEARTBEAT_S
                # The fleet starts its sessions over one MeterValueSampleInterval, by index.
                self.due_meter = loop.time() + (self.index - first) / count * METER_S
                self._arm(loop)
            elif action == "StartTransaction":
                self.transaction_id = message[2]["transactionId"]
                counts["charging"] += 1
                for status in frames["charging"]:
                    self.calls.append(("StatusNotification", {**status, "timestamp": stamp()}))
                self.calls.append(("MeterValues", self._meter_payload(frames["meter_begin"])))
            if self.calls:
                self._send_next()

        def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
            self.timer = loop.call_at(min(self.due_meter, self.due_heartbeat), self._due)

        def _due(self) -> None:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if now >= self.due_heartbeat:
                self.due_heartbeat += HEARTBEAT_S
                self.call("Heartbeat", {})
                assert self.transport is not None
                self.transport.send_ping()
            if now >= self.due_meter:
                self.due_meter += METER_S
                if not self.started:
                    self.started = True
                    self._start_session()
                elif self.transaction_id:
                    self._meter_values()
            self._arm(loop)

        def _start_session(self) -> None:
            for status in frames["preparing"]:
                self.call("StatusNotification", {**status, "timestamp": stamp()})
            self.call("Authorize", frames["authorize"])
            self.call("StartTransaction", {**frames["start"], "timestamp": stamp()})

        def _meter_values(self) -> None:
            self.register += 2000.0 / 360  # 7.2 kW for 10 s, Wh
            self.call("MeterValues", self._meter_payload(meter_template))

        def _meter_payload(self, template: Any) -> Any:
            values = [
                {**mv, "timestamp": stamp(), "sampledValue": [dict(sv) for sv in mv["sampledValue"]]}
                for mv in template["meterValue"]
            ]
            for i, j in energy_at:
                values[i]["sampledValue"][j]["value"] = f"{self.register:.1f}"
            return {**template, "transactionId": self.transaction_id, "meterValue": values}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task[Any]] = set()
        limit = asyncio.Semaphore(256)  # connects in flight: the sink's accept queue

        async def connect(index: int) -> None:
            url = f"{urls[index % len(urls)]}/BARE{index:06d}"
            async with limit:
                for _ in range(20):
                    try:
                        await picows.ws_connect(
                            lambda index=index: Charger(index),
                            url,
                            extra_headers={"Sec-WebSocket-Protocol": "ocpp1.6"},
                            read_buffer_init_size=1024,
                            websocket_handshake_timeout=30,
                            use_aiofastnet=False,
                        )
                        return
                    except OSError:
                        await asyncio.sleep(0.5)

        for index in range(first, first + count):
            task = loop.create_task(connect(index))
            pending.add(task)
            task.add_done_callback(pending.discard)
        last_out = last_in = 0
        while True:
            await asyncio.sleep(1.0)
            c = counts
            print(
                f"chargers {count} connected {c['connected']} booted {c['booted']} charging "
                f"{c['charging']} | out {c['out'] - last_out:.1f}/s in {c['in'] - last_in:.1f}/s",
                flush=True,
            )
            last_out, last_in = c["out"], c["in"]

    if BARE_LOOP == "uvloop":
        uvloop.run(main())
    else:
        asyncio.run(main())


# ------------------------------------------------------------------------------------------ measuring


def measure_side(
    name: str, command: list[str] | list[list[str]], n: int, measure: float, env: dict[str, str]
) -> dict[str, Any]:
    """Start the side's processes, wait until all are booted and charging, measure over a window."""
    commands = command if command and isinstance(command[0], list) else [command]
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            cmd,  # type: ignore[arg-type]
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            # Both sides report once a second: the fleet's status line is every 5 s by default.
            env={**os.environ, "PYTHONUNBUFFERED": "1", "OCPPSIM_STATUS_INTERVAL": "1", **env},
        )
        for cmd in commands
    ]
    latest: list[tuple[int, ...]] = [() for _ in procs]
    rates: list[list[float]] = [[] for _ in procs]

    def read_round() -> None:
        """One status line from each process."""
        for k, proc in enumerate(procs):
            assert proc.stdout is not None
            for line in proc.stdout:
                found = STATUS.search(line)
                if found:
                    latest[k] = tuple(int(float(x)) for x in found.groups()[:4])
                    rates[k].append(float(found.group(5)))
                    break
            else:
                raise RuntimeError(f"{name}: a process ended early ({proc.args})")

    def totals() -> tuple[int, int, int]:
        return (
            sum(x[1] for x in latest if x),
            sum(x[2] for x in latest if x),
            sum(x[3] for x in latest if x),
        )

    boot_s = math.nan
    deadline = started + max(120.0, n / 100)
    try:
        while True:
            read_round()
            connected, booted, charging = totals()
            if booted >= n and math.isnan(boot_s):
                boot_s = time.monotonic() - started
            if booted >= n and charging >= n:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: only {booted} booted, {charging} charging")
        settled_s = time.monotonic() - started
        pids = [pid for proc in procs for pid in descendants(proc.pid)]
        # One full Heartbeat cycle after the last start: every charger now sends the steady mix.
        for r in rates:
            r.clear()
        cpu_start, window_start = cpu_seconds(pids), time.monotonic()
        while time.monotonic() - window_start < measure:
            read_round()
        window_s = time.monotonic() - window_start
        cpu = (cpu_seconds(pids) - cpu_start) / window_s
        rss = rss_kib(pids)
        connected, booted, charging = totals()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
    out = sum(sum(r) / len(r) for r in rates if r)
    return {
        "processes": len(pids),
        "boot_seconds": round(boot_s, 2),
        "booted_and_charging_seconds": round(settled_s, 2),
        "connected_at_window_end": connected,
        "messages_out_per_s": round(out, 1),
        "cores_busy": round(cpu, 3),
        "cpu_us_per_message": round(cpu / out * 1e6, 1) if out else math.nan,
        "rss_kib": rss,
    }


def base_rss(name: str, command: list[str] | list[list[str]], env: dict[str, str]) -> int:
    """RSS of the same processes with one charger each, once it is booted and charging."""
    figures = measure_side(name + " (base)", command, _count(command), 2.0, env)
    return int(figures["rss_kib"])


def _count(command: list[str] | list[list[str]]) -> int:
    return len(command) if command and isinstance(command[0], list) else 1


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--bare":  # a bare-client process
        urls, first, count = sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4])
        bare_client(urls, first, count, json.loads(Path(sys.argv[5]).read_text()))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    measure = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    extra = sys.argv[3:]
    workers = int(extra.pop(0)) if extra and extra[0].isdigit() else None
    variants = {label: dict(part.split("=", 1) for part in label.split(",")) for label in extra}
    processes = max(1, math.ceil(n / PER_PROCESS))
    python, here = sys.executable, str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        frames = capture_frames(work)
        frames_path = work / "frames.json"
        frames_path.write_text(json.dumps(frames))
        print(f"the fleet's frames, captured: {' '.join(frames['actions'][:12])} ...", flush=True)
        results: dict[str, Any] = {}
        with sinks(processes) as urls:
            joined = ",".join(urls)

            def bare(total: int) -> list[list[str]]:
                share = [total // processes + (k < total % processes) for k in range(processes)]
                starts = [sum(share[:k]) for k in range(processes)]
                return [
                    [python, here, "--bare", joined, str(starts[k]), str(share[k]), str(frames_path)]
                    for k in range(processes)
                    if share[k]
                ]

            print(f"bare client: {n} connections in {processes} process(es)", flush=True)
            results["bare"] = measure_side("bare", bare(n), n, measure, {})
            results["bare"]["rss_kib_base"] = base_rss("bare", bare(processes), {})

            def fleet(total: int, data: Path, workers: int | None) -> list[str]:
                path = fleet_file(work / f"fleet-{total}.toml", urls, total, data)
                cmd = [python, "-m", "ocppsim", "fleet", "--config", str(path), "--no-live"]
                if workers is not None:  # else the fleet's default (by load and descriptors)
                    cmd += ["--workers", str(workers)]
                return cmd

            base_n = {"bare": processes}
            for k, (name, variant) in enumerate([("fleet", {}), *variants.items()]):
                count = int(variant["workers"]) if "workers" in variant else workers
                env = {"PYTHONPATH": variant["src"]} if "src" in variant else {}
                print(f"{name}: {n} chargers", flush=True)
                data = work / f"data-{k}"
                results[name] = measure_side(name, fleet(n, data, count), n, measure, env)
                w = max(1, results[name]["processes"] - 1)  # parent + workers, or the one process
                # The base run on as many processes (one charger each): by load it would be one.
                base_workers = count if count is not None or results[name]["processes"] == 1 else w
                base = fleet(w, work / f"data-base-{k}", base_workers)
                results[name]["rss_kib_base"] = base_rss(name, base, env)
                base_n[name] = w
    for side, figures in results.items():
        figures["rss_kib_per_charger"] = round(figures["rss_kib"] / n, 1)
        figures["rss_kib_per_charger_marginal"] = round(
            (figures["rss_kib"] - figures["rss_kib_base"]) / (n - base_n[side]), 1
        )
    bare_f, fleet_f = results["bare"], results["fleet"]
    ratios = {
        "cpu_per_message": round(fleet_f["cpu_us_per_message"] / bare_f["cpu_us_per_message"], 2),
        "rss_per_charger_marginal": round(
            fleet_f["rss_kib_per_charger_marginal"] / bare_f["rss_kib_per_charger_marginal"], 2
        ),
        "boot": round(fleet_f["boot_seconds"] / bare_f["boot_seconds"], 2),
    }
    command = " ".join(
        ["python benchmarks/fleet_vs_transport.py", str(n), f"{measure:g}"]
        + ([str(workers)] if workers is not None else [])
        + list(variants)
    )
    for name in variants:
        results[name]["over_bare"] = {
            "cpu_per_message": round(results[name]["cpu_us_per_message"] / bare_f["cpu_us_per_message"], 2),
            "rss_per_charger_marginal": round(
                results[name]["rss_kib_per_charger_marginal"] / bare_f["rss_kib_per_charger_marginal"], 2
            ),
            "boot": round(results[name]["boot_seconds"] / bare_f["boot_seconds"], 2),
        }
    report = {
        "command": command,
        "chargers": n,
        "measure_seconds": measure,
        "mix": "every station charging, MeterValues every 10 s, Heartbeat and ping every 60 s",
        "bare_event_loop": BARE_LOOP,
        "load_avg_at_end": os.getloadavg(),
        "bare": bare_f,
        "fleet": fleet_f,
        "fleet_over_bare": ratios,
        "variants": {name: results[name] for name in variants},
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"fleet_vs_transport-{n}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{n} chargers, every one charging ({command}):")
    print(f"  {'':14}{'bare':>12}{'fleet':>12}{'ratio':>8}")
    for label, key, ratio in (
        ("CPU us/msg", "cpu_us_per_message", "cpu_per_message"),
        ("KiB/charger*", "rss_kib_per_charger_marginal", "rss_per_charger_marginal"),
        ("boot s", "boot_seconds", "boot"),
    ):
        print(f"  {label:14}{bare_f[key]:>12}{fleet_f[key]:>12}{ratios[ratio]:>7}x")
    print(
        f"  messages/s out: bare {bare_f['messages_out_per_s']}, fleet {fleet_f['messages_out_per_s']}; "
        f"RSS: bare {bare_f['rss_kib'] / 1024:.1f} MiB, fleet {fleet_f['rss_kib'] / 1024:.1f} MiB "
        f"({fleet_f['processes']} processes); * marginal, over a one-charger-per-process base"
    )
    for name in variants:
        v, r = results[name], results[name]["over_bare"]
        print(
            f"  variant {name}: CPU {v['cpu_us_per_message']} us/msg ({r['cpu_per_message']}x), "
            f"{v['rss_kib_per_charger_marginal']} KiB/charger* ({r['rss_per_charger_marginal']}x), "
            f"boot {v['boot_seconds']} s, RSS {v['rss_kib'] / 1024:.1f} MiB ({v['processes']} processes)"
        )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
