"""Reservations in the store (ReserveNow, OCPP 1.6 section 5.13): saved whole after each change, per
charger, in their own migration (8); a file of the version before opens with its rows; a restored
station gets them back (expired ones dropped by the model) and its connector is Reserved again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ocppsim.model.charger import ChargerParams
from ocppsim.model.outgoing import Reservation
from ocppsim.model.types import Timestamp
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.restore import restore_station
from ocppsim.runtime.station import StationOptions
from ocppsim.store import DB_FILENAME, Store
from ocppsim.store.schema import MIGRATIONS

T0 = 1_700_000_000.0
KEPT = Reservation(7, 1, "OWNER", Timestamp(T0 + 600), "FLEET")
ANY = Reservation(9, 0, "ANYONE", Timestamp(T0 + 900))


def test_reservations_round_trip_per_charger(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.reservations.load("CP") == []
    store.reservations.save("CP", [KEPT, ANY])
    store.reservations.save("OTHER", [ANY])
    store.close()
    again = Store(tmp_path)
    assert again.reservations.load("CP") == [KEPT, ANY]
    again.reservations.save("CP", [ANY])  # the whole set replaces what was saved
    assert again.reservations.load("CP") == [ANY]
    again.reservations.save("CP", [])
    assert again.reservations.load("CP") == []
    assert again.reservations.load("OTHER") == [ANY]
    again.close()


def test_a_forgotten_or_moved_charger_takes_its_reservations(tmp_path: Path) -> None:
    store = Store(tmp_path / "a")
    other = Store(tmp_path / "b")
    store.reservations.save("CP1", [KEPT])
    store.reservations.save("CP2", [ANY])
    assert store.chargers.ids() == {"CP1", "CP2"}
    store.chargers.move(["CP2"], other)
    assert store.reservations.load("CP2") == []
    assert other.reservations.load("CP2") == [ANY]
    store.chargers.forget("CP1")
    assert store.reservations.load("CP1") == []
    store.close()
    other.close()


def test_a_file_of_version_7_gains_the_table(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_FILENAME)
    for script in MIGRATIONS[:7]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 7")
    db.execute("INSERT INTO config_values VALUES ('CP', 'HeartbeatInterval', '30')")
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert store.schema_version == len(MIGRATIONS) >= 8
    assert store.config.load("CP") == {"HeartbeatInterval": "30"}
    store.reservations.save("CP", [KEPT])
    assert store.reservations.load("CP") == [KEPT]
    store.close()


async def test_a_restored_station_has_its_reservations_and_forgets_expired_ones(tmp_path: Path) -> None:
    store = Store(tmp_path)
    expired = Reservation(8, 2, "LATE", Timestamp(T0 - 1))
    store.reservations.save("CP", [KEPT, expired])
    clock = FakeClock(T0)
    params = ChargerParams("CP", number_of_connectors=2)
    station = restore_station(params, StationOptions(url="ws://127.0.0.1:9/"), clock=clock, store=store)
    assert station.charger.reservation.reservations == (KEPT,)
    assert station.charger.view(1, T0).reservation_id == 7
    store.flush()
    assert store.reservations.load("CP") == [KEPT]  # the expired one is gone from the store too
    assert station.charger.next_deadline() is not None
    store.close()
