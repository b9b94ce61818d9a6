"""A fleet's files: every charger's rows move to the file of the process that holds it."""

from __future__ import annotations

from pathlib import Path

from ocppsim.model.vehicles import Vehicle
from ocppsim.store import DB_FILENAME, Store, redistribute, shard_filename


def _fill(store: Store, charger_id: str, messages: int) -> None:
    store.config.save(charger_id, "HeartbeatInterval", "30")
    store.registers.save(charger_id, {1: 1234.5})
    store.transactions.open(charger_id, 7, 1, "TAG")
    for n in range(messages):
        store.journal.append(charger_id, "MeterValues", 7, f'{{"n":{n}}}')


def test_redistribute_moves_each_charger_to_its_workers_file(tmp_path: Path) -> None:
    """A fleet that was one process (one file) restarts on two workers, then on three, then on one: every
    charger's state, its journal in order, ends in the file of the process that holds it."""
    shared = Store(tmp_path)
    for charger_id in ("A", "B", "C"):
        _fill(shared, charger_id, 3)
    _fill(shared, "NOT-IN-FLEET", 1)
    shared.vehicles.save("TAG", Vehicle(50_000.0, 20.0, 32.0, 3, None))
    shared.close()

    def layout(owners: dict[str, str]) -> dict[str, set[str]]:
        assert redistribute(tmp_path, owners) >= 0
        found: dict[str, set[str]] = {}
        for path in sorted(tmp_path.glob("*.sqlite3")):
            store = Store(tmp_path, filename=path.name)
            found[path.name] = store.chargers.ids()
            for charger_id in found[path.name] - {"NOT-IN-FLEET"}:
                assert [body for _, _, _, body in store.journal.entries(charger_id)] == [
                    '{"n":0}',
                    '{"n":1}',
                    '{"n":2}',
                ]
                assert store.registers.load(charger_id) == {1: 1234.5}
                assert store.transactions.still_open(charger_id) == [(7, 1, "TAG")]
                assert store.config.load(charger_id) == {"HeartbeatInterval": "30"}
                assert [tag for tag, _ in store.vehicles.load()] == ["TAG"]
            store.close()
        return {name: ids for name, ids in found.items() if ids}

    two = {"A": shard_filename(0), "B": shard_filename(1), "C": shard_filename(0)}
    assert layout(two) == {
        DB_FILENAME: {"NOT-IN-FLEET"},
        shard_filename(0): {"A", "C"},
        shard_filename(1): {"B"},
    }
    assert redistribute(tmp_path, two) == 0  # already in place: nothing moves
    three = {"A": shard_filename(0), "B": shard_filename(1), "C": shard_filename(2)}
    assert layout(three) == {
        DB_FILENAME: {"NOT-IN-FLEET"},
        shard_filename(0): {"A"},
        shard_filename(1): {"B"},
        shard_filename(2): {"C"},
    }
    one = dict.fromkeys("ABC", DB_FILENAME)
    assert layout(one) == {DB_FILENAME: {"A", "B", "C", "NOT-IN-FLEET"}}
