from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from ocppsim.model.smart_charging import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import (
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    RecurrencyKind,
    Timestamp,
)
from ocppsim.model.vehicles import Vehicle
from ocppsim.store import DB_FILENAME, Store, redistribute, shard_filename
from ocppsim.store.journal import LAZY_REMOVE_S
from ocppsim.store.schema import MIGRATIONS


def test_schema_is_migrated_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.schema_version == 7
    store.config.save("CP", "HeartbeatInterval", "30")
    store.close()
    again = Store(tmp_path)  # reopening runs no migration twice
    assert again.schema_version == 7
    assert again.config.load("CP") == {"HeartbeatInterval": "30"}


def test_a_journal_of_an_older_file_keeps_its_rows_and_order(tmp_path: Path) -> None:
    # A file of schema version 6 (journal seq with AUTOINCREMENT), with two unanswered messages.
    db = sqlite3.connect(tmp_path / DB_FILENAME)
    for script in MIGRATIONS[:6]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 6")
    rows = [("CP", "MeterValues", 1, '{"connectorId":1}'), ("CP", "StopTransaction", 1, '{"meterStop":5}')]
    db.executemany("INSERT INTO outbox (charger_id, action, tx_ref, body) VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert store.schema_version == 7
    assert store.journal.entries("CP") == [
        (1, "MeterValues", 1, '{"connectorId":1}'),
        (2, "StopTransaction", 1, '{"meterStop":5}'),
    ]
    assert store.journal.append("CP", "StatusNotification", None, "{}") == 3  # after the largest
    store.journal.remove(3)
    store.flush()
    assert [seq for seq, *_ in store.journal.entries("CP")] == [1, 2]
    store.close()


def test_registers_never_go_backwards(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.registers.save("CP", {1: 1000.5})
    store.registers.save("CP", {1: 900.0})
    assert store.registers.load("CP") == {1: 1000.5}
    assert store.registers.load("OTHER") == {}


def _rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    """What another connection (another process, or the file after a crash) sees: committed rows only."""
    other = sqlite3.connect(store.path)
    try:
        return list(other.execute(sql))
    finally:
        other.close()


async def test_a_turns_registers_are_committed_together_with_its_journal(tmp_path: Path) -> None:
    """Registers saved in a loop turn go in with the turn's commit (the highest of the turn per
    connector), and the store itself reads them before that commit."""
    store = Store(tmp_path)
    store.registers.save("CP", {1: 10.0, 2: 5.0})
    store.registers.save("CP", {1: 12.5})
    store.registers.save("CP", {1: 11.0})  # never backwards, also within a turn
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    assert store.registers.load("CP") == {1: 12.5, 2: 5.0}  # read-your-writes, uncommitted
    store.flush()  # what the station does before it sends a frame
    assert sorted(_rows(store, "SELECT connector_id, wh FROM meter_registers")) == [(1, 12.5), (2, 5.0)]
    assert _rows(store, "SELECT seq FROM outbox") == [(seq,)]
    store.close()


async def test_an_answered_journal_entry_is_removed_with_a_later_commit(tmp_path: Path) -> None:
    """The removal of an answered entry joins the next commit (or one LAZY_REMOVE_S later): until then
    the file still has it, and a crash sends it again (at least once, never lost); the store itself no
    longer reports it."""
    store = Store(tmp_path)
    first = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    second = store.journal.append("CP", "MeterValues", 1, '{"n": 2}')
    store.flush()
    store.journal.remove(first)
    await asyncio.sleep(0)  # a loop turn passes: no commit of its own for the removal
    committed = _rows(store, "SELECT seq FROM outbox ORDER BY seq")
    assert committed == [(first,), (second,)]
    assert [row[0] for row in store.journal.entries("CP")] == [second]  # the store itself sees it gone
    third = store.journal.append("CP", "MeterValues", 1, '{"n": 3}')
    store.flush()  # the next commit takes the removal along
    assert _rows(store, "SELECT seq FROM outbox ORDER BY seq") == [(second,), (third,)]
    store.journal.remove(second)
    await asyncio.sleep(LAZY_REMOVE_S + 0.2)  # nothing else to commit: its own, later
    assert _rows(store, "SELECT seq FROM outbox ORDER BY seq") == [(third,)]
    store.close()


def test_a_removal_lost_in_a_crash_sends_the_message_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    seq = store.journal.append("CP", "StopTransaction", 3, "{}")
    store.db.pending_removals.append((seq,))  # answered, not yet committed: the process dies here
    again = Store(tmp_path)
    assert [(s, action) for s, action, _, _ in again.journal.entries("CP")] == [(seq, "StopTransaction")]
    again.close()


def test_profiles_round_trip_and_empty_set_is_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.profiles.load("CP") is None
    profile = ChargingProfile(
        id=5,
        connector_id=0,
        stack_level=2,
        purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
        kind=ChargingProfileKind.RECURRING,
        schedule=ChargingSchedule(
            ChargingRateUnit.WATTS,
            (SchedulePeriod(0, 11000.0, 3), SchedulePeriod(3600, 3680.0, 1)),
            86400,
            Timestamp(1_700_000_000.0),
            1500.0,
        ),
        recurrency=RecurrencyKind.DAILY,
        valid_from=Timestamp(1_700_000_000.0),
        valid_to=Timestamp(1_800_000_000.0),
        transaction_id=None,
    )
    store.profiles.save("CP", [profile])
    assert store.profiles.load("CP") == [profile]
    store.profiles.save("CP", [])
    assert store.profiles.load("CP") == []


async def test_wal_is_checkpointed_off_the_commit_path(tmp_path: Path) -> None:
    """No checkpoint inside a COMMIT (wal_autocheckpoint=0); the checkpointer thread keeps the WAL from
    growing without end, and closing leaves it empty."""
    store = Store(tmp_path, checkpoint_every_s=0.02)
    wal = tmp_path / (store.path.name + "-wal")
    assert store.db.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    body = "x" * 2000

    async def burst() -> None:
        for n in range(500):  # ~250 pages, one transaction per loop turn of 50 rows
            store.journal.append("CP1", "MeterValues", 1, body)
            if n % 50 == 49:
                store.flush()
                await asyncio.sleep(0)

    await burst()
    grown = wal.stat().st_size
    for _ in range(10):
        await asyncio.sleep(0.05)  # real time: the checkpointer runs every 20 ms
        await burst()
    # Without checkpoints the WAL would hold all 11 bursts; restarted after each one, about one.
    assert wal.stat().st_size < grown * 3
    store.close()
    assert not wal.exists() or wal.stat().st_size == 0
    again = Store(tmp_path)
    assert len(again.journal.entries("CP1")) == 5500  # all of it reached the database file
    again.close()


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
