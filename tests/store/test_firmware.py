"""The installed firmware version (store/firmware.py): kept per charger, across a reopen, forgotten and
moved with the charger, and what a restored charger's BootNotification reports (section 5.19)."""

from __future__ import annotations

from pathlib import Path

from ocppsim.model.charger import ChargerParams
from ocppsim.model.outgoing import BootInfo, BootNotificationReq
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import StationOptions
from ocppsim.store import Store


def test_the_installed_version_survives_a_reopen_and_moves_with_its_charger(tmp_path: Path) -> None:
    store = Store(tmp_path / "a")
    assert store.firmware.load("CP") is None
    store.firmware.save("CP", "fw-1")
    store.firmware.save("CP", "fw-2")
    store.firmware.save("OTHER", "fw-9")
    store.flush()
    store.close()
    store = Store(tmp_path / "a")
    assert store.firmware.load("CP") == "fw-2"
    other = Store(tmp_path / "b")
    store.chargers.move(["CP"], other)
    assert store.firmware.load("CP") is None and other.firmware.load("CP") == "fw-2"
    store.chargers.forget("OTHER")
    assert store.firmware.load("OTHER") is None
    store.close()
    other.close()


async def test_a_restored_charger_boots_with_the_installed_version(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.firmware.save("CP", "fw-2")
    store.flush()
    params = ChargerParams("CP", boot_info=BootInfo(firmware_version="fw-1", charge_point_model="M"))
    station = restore_station(params, StationOptions("ws://127.0.0.1:9"), clock=FakeClock(), store=store)
    station.charger.boot.on_connected(0.0)
    (boot,) = [e for e in station.charger.drain() if isinstance(e, BootNotificationReq)]
    assert boot.info == BootInfo(firmware_version="fw-2", charge_point_model="M")
    store.close()
