"""Where a charger's memory goes: tracemalloc over a fleet in this one process (issue 20's memory target).

Runs N chargers (default 2,000), every one charging, against the project's sink (`ocppsim csms --sink`,
its own process), in this process on the fleet's own loop; once all are charging it takes a tracemalloc
snapshot and compares it with one taken before the fleet started. Prints bytes per charger by file and by
allocation site (file:line, with the objects per charger), the largest first. The traced figure is
Python's allocations only: the RSS also holds the allocator's slack and what C libraries (uvloop)
allocate outside Python's allocator.

    python benchmarks/memory_breakdown.py [N=2000] [settle seconds=40] [rows=25]
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from fleet_vs_transport import fleet_file, sinks


def _short(filename: str) -> str:
    for marker in ("/src/ocppsim/", "/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


async def _run(n: int, settle: float, rows: int, url: str, work: Path) -> None:
    from ocppsim.app.fleet import run_fleet  # noqa: PLC0415
    from ocppsim.control.fleet.run import FleetRun  # noqa: PLC0415
    from ocppsim.settings.fleet_file import load_fleet_file  # noqa: PLC0415

    spec = load_fleet_file(fleet_file(work / "fleet.toml", [url], n, work / "data"))
    run = FleetRun(spec=spec, speed=1.0, duration=settle + 5, live=False)
    gc.collect()
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


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    settle = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    tracemalloc.start(1)
    with tempfile.TemporaryDirectory() as tmp, sinks(1) as urls:
        try:
            import uvloop  # noqa: PLC0415

            runner: Any = uvloop.run
        except ImportError:
            runner = asyncio.run
        runner(_run(n, settle, rows, urls[0], Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
