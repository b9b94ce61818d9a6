"""Where a charger's memory goes: tracemalloc over a fleet in this one process (issue 20's memory target).

Runs N chargers (default 2,000), every one charging, against the project's sink (`ocppsim csms --sink`,
its own process), in this process on the fleet's own loop; once all are charging it takes a tracemalloc
snapshot and compares it with one taken before the fleet started. Prints bytes per charger by file and by
allocation site (file:line, with the objects per charger), the largest first. The traced figure is
Python's allocations only: the RSS also holds the allocator's slack and what C libraries (uvloop)
allocate outside Python's allocator.

    python benchmarks/memory_breakdown.py [N=2000] [settle seconds=40] [rows=25]
    python benchmarks/memory_breakdown.py rss [N=10000] [settle seconds=40]

`rss`: no tracemalloc (it costs memory of its own); the process's VmRSS before the fleet is made and once
all charge, over N: the resident cost per charger, the allocator's slack and C libraries' included (and
the fleet's fixed costs made meanwhile, e.g. compiled validators: compare variants at one N). Prints the
process's threads and glibc arenas' hint too, to compare `MALLOC_ARENA_MAX=2` and the like. With
`MB_MALLOCSTATS=<file>` it also writes pymalloc's whole table there (sys._debugmallocstats: blocks in use
by size class), to compare two runs class by class without tracemalloc's own cost.
`OCPPSIM_LOOP=asyncio` runs the fleet on the standard loop, as the fleet command would (uvloop otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import io
import os
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from fleet_vs_transport import fleet_file, sinks
from proc_figures import rss_kib


def _short(filename: str) -> str:
    for marker in ("/src/ocppsim/", "/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


async def _run(n: int, settle: float, rows: int, url: str, work: Path) -> None:
    from ocppsim.app.fleet import run_fleet  # noqa: PLC0415
    from ocppsim.control.fleet.plan import FleetRun  # noqa: PLC0415
    from ocppsim.settings.fleet_file import load_fleet_file  # noqa: PLC0415

    path = fleet_file(work / "fleet.toml", [url], n, work / "data")
    if RAMP:  # e.g. MB_RAMP=2000: the fleet starts 2,000 chargers a second (a [fleet] ramp)
        path.write_text(path.read_text().replace("[fleet]\n", f"[fleet]\nramp = {RAMP}\n", 1))
    spec = load_fleet_file(path)
    run = FleetRun(spec=spec, speed=1.0, duration=settle + 5, live=False)
    gc.collect()
    if not tracemalloc.is_tracing():
        await _rss(n, settle, run)
        return
    before = tracemalloc.take_snapshot()

    lines: list[str] = []

    def print(*args: object) -> None:  # the fleet's own status lines go to a discarded stdout meanwhile
        lines.append(" ".join(map(str, args)))

    async def measure() -> None:
        await asyncio.sleep(settle)
        gc.collect()
        after = tracemalloc.take_snapshot()
        ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
        after, base = after.filter_traces(ignore), before.filter_traces(ignore)
        total = sum(s.size_diff for s in after.compare_to(base, "filename"))
        print(f"\n{n} chargers: {total / n:,.0f} bytes per charger traced (Python allocations)\n")
        print("by file (bytes per charger):")
        for stat in after.compare_to(base, "filename")[:rows]:
            frame = stat.traceback[0]
            print(f"  {stat.size_diff / n:8,.0f}  {_short(frame.filename)}")
        print("\nby allocation site (bytes per charger, objects per charger):")
        for stat in after.compare_to(base, "lineno")[:rows]:
            frame = stat.traceback[0]
            print(
                f"  {stat.size_diff / n:8,.0f}  {stat.count_diff / n:6.1f}  "
                f"{_short(frame.filename)}:{frame.lineno}"
            )

    task = asyncio.ensure_future(measure())
    with contextlib.redirect_stdout(io.StringIO()):
        await run_fleet(run, on_signals=lambda stop: None)
    await task
    sys.stdout.write("\n".join(lines) + "\n")


RAMP = float(os.environ.get("MB_RAMP", "0"))
ARENA_BYTES = 1 << 20  # pymalloc's arena since Python 3.10


def _pymalloc_figures(n: int) -> str:
    """pymalloc's arenas against the blocks in use in them (sys._debugmallocstats, written to fd 2)."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        if os.environ.get("MB_MALLOCSTATS"):  # the whole table, size class by size class, to compare runs
            Path(os.environ["MB_MALLOCSTATS"]).write_text(out.read())
            out.seek(0)
        stats = {}
        for line in out:
            if line.startswith("#") and "=" in line:
                name, _, value = line[1:].partition("=")
                stats[name.strip()] = int(value.strip().replace(",", ""))
    arenas = stats.get("arenas allocated current", 0) * ARENA_BYTES
    used = stats.get("bytes in allocated blocks", 0)
    free = stats.get("bytes in available blocks", 0) + stats.get("bytes in free pools", 0)
    return (
        f"pymalloc: {arenas / 2**20:,.1f} MiB of arenas, {used / 2**20:,.1f} MiB in blocks in use "
        f"({used / n:,.0f} B per charger), {free / 2**20:,.1f} MiB free in them"
    )


async def _rss(n: int, settle: float, run: Any) -> None:
    from ocppsim.app.fleet import run_fleet  # noqa: PLC0415

    before = rss_kib([os.getpid()])
    figures: list[str] = []

    async def measure() -> None:
        await asyncio.sleep(settle)
        after = rss_kib([os.getpid()])
        threads = len(os.listdir("/proc/self/task"))
        figures.append(
            f"\n{n} chargers: RSS {before / 1024:,.1f} -> {after / 1024:,.1f} MiB, "
            f"{(after - before) / n:,.2f} KiB per charger; {threads} threads; "
            f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', '-')}"
        )
        figures.append(_pymalloc_figures(n))
        # What glibc holds free but resident (a heap's free pages between live chunks): malloc_trim
        # gives them back.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            trimmed = rss_kib([os.getpid()])
            figures.append(f"after malloc_trim(0): {(trimmed - before) / n:,.2f} KiB per charger")

    task = asyncio.ensure_future(measure())
    with contextlib.redirect_stdout(io.StringIO()):
        await run_fleet(run, on_signals=lambda stop: None)
    await task
    sys.stdout.write("\n".join(figures) + "\n")


def main() -> int:
    args = sys.argv[1:]
    rss = bool(args) and args[0] == "rss"
    if rss:
        args = args[1:]
    n = int(args[0]) if args else (10000 if rss else 2000)
    settle = float(args[1]) if len(args) > 1 else 40.0
    rows = int(args[2]) if len(args) > 2 else 25
    if not rss:
        tracemalloc.start(1)
    with tempfile.TemporaryDirectory() as tmp, sinks(1) as urls:
        runner: Any = asyncio.run
        if os.environ.get("OCPPSIM_LOOP", "uvloop") == "uvloop":
            with contextlib.suppress(ImportError):
                import uvloop  # noqa: PLC0415

                runner = uvloop.run
        runner(_run(n, settle, rows, urls[0], Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
