"""The composition: one database, one repository per record kind, each reading what the others wrote
through the same connection and group commit."""

from __future__ import annotations

from pathlib import Path

from ocppsim.model.outgoing import IdTagInfo
from ocppsim.model.types import AuthorizationStatus, Timestamp
from ocppsim.model.vehicles import Vehicle
from ocppsim.store import Store


def test_flush_is_the_databases_own_method(tmp_path: Path) -> None:
    """It runs before every frame a station sends: no wrapper call on that path."""
    store = Store(tmp_path)
    assert store.flush == store.db.flush
    assert store.path == store.db.path
    store.close()


def test_every_record_kind_survives_a_reopen(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accepted = IdTagInfo(AuthorizationStatus.ACCEPTED, "PARENT", Timestamp(1_800_000_000.0))
    store.transactions.open("CP", 4, 1, "TAG")
    store.transactions.set_id("CP", 3, 77)
    store.transactions.set_id("CP", 4, 78)
    store.transactions.forget_id("CP", 3)
    store.auth.cache_put("CP", "A", accepted)
    store.auth.cache_put("CP", "B", accepted)
    store.auth.cache_delete("CP", "B")
    store.auth.save_local_list("CP", 5, [("L", accepted)])
    store.vehicles.save("VAN", Vehicle(60_000.0, 30.0, 16.0, 1, 3680.0))
    store.frames.append(("CP", 1.0, "out", "CALL", "m1", "Heartbeat", "[2,...]", None))
    store.close()

    again = Store(tmp_path)
    assert again.transactions.still_open("CP") == [(4, 1, "TAG")]
    assert again.transactions.ids("CP") == {4: 78}
    assert again.auth.load_cache("CP") == {"A": accepted}
    assert again.auth.load_local_list("CP") == (5, {"L": accepted})
    assert again.auth.load_local_list("OTHER") is None
    assert again.vehicles.load() == [("VAN", Vehicle(60_000.0, 30.0, 16.0, 1, 3680.0))]
    assert again.frames.newest("CP") == [("CP", 1.0, "out", "CALL", "m1", "Heartbeat", "[2,...]", None)]
    assert again.chargers.ids() == {"CP"}
    again.chargers.forget("CP")
    assert again.chargers.ids() == set()
    assert again.frames.newest("CP") == []
    assert [tag for tag, _ in again.vehicles.load()] == ["VAN"]  # shared by every charger: kept
    again.close()
