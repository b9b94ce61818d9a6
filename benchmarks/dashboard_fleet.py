"""The dashboard's fleet overview at N chargers (default 10,000, two connectors each) in headless Chromium:
`ocppsim fleet` (sharded over the cores, random sessions so that statuses keep changing) against the
built-in central system in sink mode, the overview open in Debian's Chromium driven by Playwright.

Measured over two windows, the event stream delivering status events in both: the page left alone, then
the wall scrolled by a row every frame. In each: the page's main-thread CPU (Chrome's TaskDuration per
second of wall time), all of Chromium's processes' CPU (/proc) and the events the page received; while
scrolling also the frame times (requestAnimationFrame deltas: p50, p95, max). Prints them, writes
benchmarks/results/dashboard_fleet.json, and saves the overview's screenshot
(docs/screenshots/fleet-overview.png with --docs, else test-artifacts/screenshots/).

    python benchmarks/dashboard_fleet.py [N=10000] [measure seconds=20] [--docs]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from page_frames import ARGS, CHROMIUM, frame_figures, scroll_frames
from playwright.sync_api import sync_playwright
from proc_figures import cpu_seconds, free_port

ROOT = Path(__file__).parents[1]
RESULTS = Path(__file__).parent / "results"


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(parents.get(p, []))
    return found


def chromium_pids() -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if "chrom" in comm.read_text():
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


def wait_until(what: str, check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what}: not within {timeout:.0f} s")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    measure = float(args[1]) if len(args) > 1 else 20.0
    docs = "--docs" in sys.argv
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        csms_port, http_port = free_port(), free_port()
        sink = subprocess.Popen(
            [python, "-m", "ocppsim", "csms", "--port", str(csms_port), "--sink", "--heartbeat", "300"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        fleet_cmd = [python, "-m", "ocppsim", "fleet", "--count", str(n), "--connectors", "2"]
        fleet_cmd += ["--id-pattern", "CP{:05d}", "--url", f"ws://127.0.0.1:{csms_port}/ocpp"]
        fleet_cmd += ["--ramp", "1000", "--sessions", "--arrival-mean", "900", "--stay-mean", "600"]
        fleet_cmd += ["--http", str(http_port), "--no-live", "--conf-dir", str(Path(tmp) / "data")]
        fleet = subprocess.Popen(fleet_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{http_port}"
        try:
            started = time.monotonic()
            wait_until(
                f"{n} chargers booted",
                lambda: httpx.get(f"{base}/api/fleet/stats").json()["counts"]["booted"] >= n,
                max(120.0, n / 50),
            )
            boot_s = time.monotonic() - started
            print(f"{n} chargers booted in {boot_s:.0f} s; opening the overview", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                opened = time.perf_counter()
                page.goto(base + "/")
                page.wait_for_function(
                    "(n) => document.querySelector('[data-figure=booted] b')?.textContent === String(n)",
                    arg=n,
                    timeout=60_000,
                )
                page.wait_for_function("() => window.ocppsimDashboard?.fleet?.tileStatus.length > 0")
                load_s = time.perf_counter() - opened
                page.wait_for_timeout(6000)  # a few readings for the charts
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")

                def task_s() -> float:
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

                pids = chromium_pids()
                # First the event stream alone (the page open, nobody scrolling), then with the wall
                # scrolled every frame.
                events0 = page.evaluate("() => window.ocppsimDashboard.events")
                t0, task0, cpu0 = time.perf_counter(), task_s(), cpu_seconds(pids)
                page.wait_for_timeout(measure * 1000)
                idle_wall = time.perf_counter() - t0
                idle_main = (task_s() - task0) / idle_wall
                idle_all = (cpu_seconds(pids) - cpu0) / idle_wall
                idle_events = page.evaluate("() => window.ocppsimDashboard.events") - events0
                events0 = page.evaluate("() => window.ocppsimDashboard.events")
                t0, task0, cpu0 = time.perf_counter(), task_s(), cpu_seconds(pids)
                frames = scroll_frames(page, measure, step_px=12)
                wall = time.perf_counter() - t0
                main_cpu = (task_s() - task0) / wall
                all_cpu = (cpu_seconds(pids) - cpu0) / wall
                events = page.evaluate("() => window.ocppsimDashboard.events") - events0
                stats = httpx.get(f"{base}/api/fleet/stats").json()
                page.evaluate("() => { document.querySelector('#wall-scroll').scrollTop = 0; }")
                page.wait_for_timeout(300)
                shots = ROOT / ("docs/screenshots" if docs else "test-artifacts/screenshots")
                shots.mkdir(parents=True, exist_ok=True)
                bottom = page.evaluate(
                    "() => { const r = document.querySelector('#wall-scroll').getBoundingClientRect();"
                    " return r.bottom + window.scrollY + 8; }"
                )
                shot = shots / "fleet-overview.png"
                page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1400, "height": bottom})
                browser.close()
        finally:
            fleet.terminate()
            sink.terminate()
            fleet.wait(timeout=120)
            sink.wait(timeout=30)
    figures = {
        "command": f"python benchmarks/dashboard_fleet.py {n} {measure:g}",
        "chargers": n,
        "connectors": 2 * n,
        "boot_seconds": round(boot_s, 1),
        "overview_load_seconds": round(load_s, 2),
        "measure_seconds": round(wall, 1),
        **frame_figures(frames),
        "scrolling_page_main_thread_cpu": round(main_cpu, 3),
        "scrolling_chromium_processes_cpu": round(all_cpu, 3),
        "scrolling_events_per_s": round(events / wall, 1),
        "idle_page_main_thread_cpu": round(idle_main, 3),
        "idle_chromium_processes_cpu": round(idle_all, 3),
        "idle_events_per_s": round(idle_events / idle_wall, 1),
        "fleet_calls_out": stats["calls_out"],
        "console_errors": errors,
        "screenshot": str(shot.relative_to(ROOT)),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("dashboard_fleet.json" if n == 10_000 else f"dashboard_fleet-{n}.json")
    path.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"fleet overview, {n} chargers ({2 * n} tiles): loaded in {load_s:.1f} s.\n"
        f"  event stream only ({figures['idle_events_per_s']} events/s): page main thread {idle_main:.1%} "
        f"of a core, all Chromium processes {idle_all:.1%}\n"
        f"  wall scrolled every frame ({figures['scrolling_events_per_s']} events/s): frame time p50 "
        f"{figures['frame_ms_p50']} ms, p95 {figures['frame_ms_p95']} ms, max {figures['frame_ms_max']} ms; "
        f"page main thread {main_cpu:.1%}, all Chromium processes {all_cpu:.1%}\n"
        f"  console errors: {len(errors)}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
