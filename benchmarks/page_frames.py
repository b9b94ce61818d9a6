"""How smoothly the dashboard's fleet wall scrolls in Chromium: the one measurement that both
benchmarks/dashboard_fleet.py (at 10,000 chargers) and tests/e2e/test_dashboard_browser.py (at 1,000)
take, so that the test checks what the benchmark reports. Also the Chromium flags both launch with."""

from __future__ import annotations

import shutil
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this machine refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Scrolls the wall by `step` pixels every animation frame for `ms` and resolves to the frame deltas
# (requestAnimationFrame timestamps, ms).
_SCROLL_AND_TIME = """([ms, step]) => new Promise((done) => {
  const scroller = document.querySelector("#wall-scroll");
  const deltas = [];
  let last = performance.now();
  const end = last + ms;
  const tick = (now) => {
    deltas.push(now - last);
    last = now;
    const room = Math.max(1, scroller.scrollHeight - scroller.clientHeight);
    scroller.scrollTop = (scroller.scrollTop + step) % room;
    if (now < end) requestAnimationFrame(tick); else done(deltas);
  };
  requestAnimationFrame(tick);
})"""


def scroll_frames(page: Any, seconds: float, step_px: int) -> list[float]:
    """The frame times (ms) while the wall of the Playwright `page` scrolls `step_px` a frame."""
    return list(page.evaluate(_SCROLL_AND_TIME, [seconds * 1000, step_px]))


def frame_figures(frames: list[float]) -> dict[str, float]:
    """Count, p50, p95 and max of the frame times (ms)."""
    ordered = sorted(frames)
    return {
        "frames": len(ordered),
        "frame_ms_p50": round(ordered[len(ordered) // 2], 1),
        "frame_ms_p95": round(ordered[int(len(ordered) * 0.95)], 1),
        "frame_ms_max": round(ordered[-1], 1),
    }
