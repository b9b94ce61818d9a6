"""A charger moved from the original ocppsim with the same conf_dir connects with the AuthorizationKey its
central system set (issue: it connected with an empty Basic-auth password and was refused)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from conftest import REAL_TIMEOUT, make_settings
from ocppsim.app.charger import build_charger_app
from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.clock import FakeClock

KEY = "0123456789abcdef0123456789abcdef01234567"


async def test_the_original_conf_file_gives_the_basic_auth_password(tmp_path: Path) -> None:
    cs = CentralSystem(passwords={"CP1": KEY})
    await cs.start()
    try:
        settings = make_settings(tmp_path, cs)
        settings = replace(settings, http_auth=True)
        settings.conf_dir.mkdir(parents=True)
        (settings.conf_dir / "CP1.conf").write_text(f"AuthorizationKey={KEY}\n")
        app = build_charger_app(settings, clock=FakeClock())
        task = asyncio.create_task(app.run())
        try:
            for _ in range(300):
                await asyncio.sleep(0.01)
                if app.station.charger.ever_accepted or app.station.last_error:
                    break
            assert app.station.last_error is None
            assert app.station.charger.ever_accepted
            assert app.station.charger.config.raw("AuthorizationKey") == KEY
        finally:
            app.shutdown.set()
            await asyncio.wait_for(task, REAL_TIMEOUT)
    finally:
        await cs.stop()
