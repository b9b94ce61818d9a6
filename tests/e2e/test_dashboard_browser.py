"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): open it, start a session
from the page, watch the status and the message log update live, inject a fault; and the overview's load
time with 1,000 chargers. Screenshots go to the folder the tests print (OCPPSIM_SCREENSHOTS or
test-artifacts/screenshots)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import LiveSimulator

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(
    os.environ.get("OCPPSIM_SCREENSHOTS", Path(__file__).parents[2] / "test-artifacts" / "screenshots")
)
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

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: .ci/run installs Debian's chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_session_from_the_page(browser: Browser, tmp_path: Path) -> None:
    with LiveSimulator(tmp_path, meter_interval=1) as live:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live.url + "/")
        row = page.locator('#chargers tr[data-id="CP1"]')
        expect(row).to_contain_text("connected")
        expect(row.locator(".pill").first).to_have_attribute("data-status", "Available")
        expect(page.locator("#stream-state")).to_have_text("live")
        expect(page.locator("#summary")).to_contain_text("1 charger · ")  # not "1 chargers"
        shot(page, "1-overview")

        row.get_by_role("link", name="CP1").click()
        expect(page.locator("#charger-title")).to_have_text("CP1")
        card = page.locator('.connector[data-connector="1"]')
        card.locator('button[data-act="start"]').click()
        expect(card.locator(".status")).to_have_attribute("data-status", "Charging")
        expect(page.locator("#toast")).to_contain_text("accepted")
        log = page.locator("#log tbody")
        expect(log.locator('tr[data-action="StartTransaction"]').first).to_be_visible()
        # MeterValues every second: rows keep arriving over the event stream while the page is open.
        meter_rows = log.locator('tr[data-action="MeterValues"]')
        expect(meter_rows.first).to_be_visible()
        seen = meter_rows.count()
        expect(meter_rows).not_to_have_count(seen, timeout=5000)
        expect(card.locator(".c-power")).to_contain_text("22.08 kW")
        shot(page, "2-charging")

        faulted = page.locator('.connector[data-connector="2"]')
        faulted.locator(".c-fault").select_option("GroundFailure")
        faulted.locator(".c-info").fill("RCD tripped")
        faulted.locator(".c-vendor").fill("E42")
        faulted.locator('button[data-act="fault"]').click()
        expect(faulted.locator(".status")).to_have_attribute("data-status", "Faulted")
        expect(faulted.locator(".c-error")).to_contain_text("GroundFailure · RCD tripped · E42")
        shot(page, "3-fault")

        frames = live.csms.calls("CP1", "StatusNotification")
        assert any(
            f.payload["status"] == "Faulted" and f.payload.get("vendorErrorCode") == "E42" for f in frames
        )
        assert any(f.payload.get("connectorId") == 1 for f in live.csms.calls("CP1", "MeterValues"))

        card.locator('button[data-act="stop"]').click()
        expect(card.locator(".status")).to_have_attribute("data-status", "Finishing")
        stop = live.csms.calls("CP1", "StopTransaction")
        assert stop and stop[-1].payload["reason"] == "Local"
        assert errors == []


def test_overview_with_1000_chargers(browser: Browser, tmp_path: Path) -> None:
    with LiveSimulator(tmp_path, connectors=1) as live:
        app = live.app
        assert app is not None

        async def add() -> None:
            template = app.fleet.templates["default"]
            for n in range(1, 1000):
                app.fleet.create(f"FLEET{n:04d}", template)

        live.run(add())
        deadline = time.monotonic() + 30
        while app.fleet.counts().booted < 1000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.fleet.counts().booted == 1000

        page = browser.new_page(viewport={"width": 1300, "height": 900})
        started = time.perf_counter()
        page.goto(live.url + "/")
        expect(page.locator("#summary")).to_contain_text("1000 chargers")
        expect(page.locator("#chargers tbody tr")).to_have_count(100)
        load_ms = (time.perf_counter() - started) * 1000
        print(f"\ndashboard overview with 1000 chargers: loaded in {load_ms:.0f} ms")
        expect(page.locator("#page-info")).to_have_text("1-100 of 1000")
        page.locator("#next-page").click()
        expect(page.locator("#page-info")).to_have_text("101-200 of 1000")
        page.locator("#filter-q").fill("FLEET099")
        expect(page.locator("#chargers tbody tr")).to_have_count(10)
        shot(page, "4-overview-1000")
        assert load_ms < 5000
