"""The group commit and the journal log in front of SQLite (database.py, journal_log.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from ocppsim.store import Store
from ocppsim.store import database as database_module
from ocppsim.store.journal_log import log_files

Rows = Callable[[Store, str], list[tuple[object, ...]]]
Crash = Callable[[Store], None]


async def test_a_turns_registers_are_durable_with_its_journal(tmp_path: Path, crash: Crash) -> None:
    """Registers saved in a loop turn are durable with the turn's flush (the highest of the turn per
    connector), and the store itself reads them before that."""
    store = Store(tmp_path)
    store.registers.save("CP", {1: 10.0, 2: 5.0})
    store.registers.save("CP", {1: 12.5})
    store.registers.save("CP", {1: 11.0})  # never backwards, also within a turn
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    store.flush()  # what the station does before it sends a frame
    crash(store)
    again = Store(tmp_path)
    assert again.registers.load("CP") == {1: 12.5, 2: 5.0}
    assert [s for s, _, _, _ in again.journal.entries("CP")] == [seq]
    again.close()


async def test_reads_see_what_is_pending(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.registers.save("CP", {1: 10.0})
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    assert store.registers.load("CP") == {1: 10.0}
    assert [s for s, _, _, _ in store.journal.entries("CP")] == [seq]
    store.close()


async def test_a_fold_writes_its_registers_a_slice_a_turn(
    tmp_path: Path, committed_rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fold of many registers does not hold the loop: FOLD_SLICE rows a turn, and the log files it
    covers go once all of it is committed."""
    monkeypatch.setattr(database_module, "FOLD_SLICE", 3)
    store = Store(tmp_path)
    for n in range(10):
        store.registers.save(f"CP{n}", {1: 100.0 + n})
    store.flush()
    await asyncio.sleep(0)
    assert committed_rows(store, "SELECT count(*) FROM meter_registers") == [(0,)]
    store.db._fold_due()  # as its timer does
    seen = []
    for _ in range(20):
        await asyncio.sleep(0)
        seen.append(committed_rows(store, "SELECT count(*) FROM meter_registers")[0][0])
        if seen[-1] == 10:
            break
    assert seen[-1] == 10
    assert {3, 6, 9} & set(seen)  # in slices, not all at once
    await asyncio.sleep(0)
    assert log_files(store.path) == []
    store.close()


async def test_the_fold_comes_by_itself(
    tmp_path: Path, committed_rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "FOLD_EVERY_S", 0.02)
    store = Store(tmp_path)
    store.registers.save("CP", {1: 5.0})
    store.flush()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if committed_rows(store, "SELECT wh FROM meter_registers") == [(5.0,)] and not log_files(store.path):
            break
    assert committed_rows(store, "SELECT wh FROM meter_registers") == [(5.0,)]
    assert log_files(store.path) == []
    store.close()


async def test_writes_during_a_fold_are_kept(
    tmp_path: Path, crash: Crash, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New records go to a new log file while a fold is under way; a crash keeps both."""
    monkeypatch.setattr(database_module, "FOLD_SLICE", 2)
    store = Store(tmp_path)
    for n in range(6):
        store.registers.save(f"CP{n}", {1: 100.0})
    store.flush()
    await asyncio.sleep(0)
    store.db._fold_due()  # the fold starts: rows wait for their slices
    assert store.db._folding
    store.registers.save("CP0", {1: 200.0})
    seq = store.journal.append("CP0", "MeterValues", 1, "{}")
    store.flush()
    crash(store)
    again = Store(tmp_path)
    assert again.registers.load("CP0") == {1: 200.0}
    assert all(again.registers.load(f"CP{n}") == {1: 100.0} for n in range(1, 6))
    assert [s for s, _, _, _ in again.journal.entries("CP0")] == [seq]
    again.close()


def test_a_torn_last_record_is_ignored(tmp_path: Path) -> None:
    """A crash within a write leaves part of a line: nothing after it was sent, so it is dropped."""
    Store(tmp_path).close()
    whole = orjson.dumps(["A", 7, "CP", "MeterValues", 1, '{"n": 1}']) + b"\n"
    (tmp_path / "ocppsim.sqlite3-log-1").write_bytes(whole + b'["A", 8, "CP", "MeterVa')
    store = Store(tmp_path)
    assert [s for s, _, _, _ in store.journal.entries("CP")] == [7]
    assert log_files(store.path) == []
    store.close()


def test_replaying_twice_changes_nothing(tmp_path: Path) -> None:
    """A crash after a fold's commit but before its files are deleted replays them again: the records
    are idempotent (same seq, registers at their highest)."""
    first = Store(tmp_path)
    first.journal.append("CP", "MeterValues", 1, "{}")  # seq 1, committed at once (no loop)
    first.registers.save("CP", {1: 50.0})
    first.close()
    records = [
        ["A", 1, "CP", "MeterValues", 1, "{}"],
        ["A", 2, "CP", "MeterValues", 1, "{}"],
        ["D", 2],
        ["R", "CP", 1, 40.0],
    ]
    (tmp_path / "ocppsim.sqlite3-log-3").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    store = Store(tmp_path)
    assert [s for s, _, _, _ in store.journal.entries("CP")] == [1]
    assert store.registers.load("CP") == {1: 50.0}
    store.close()


async def test_a_second_store_on_the_same_file_leaves_the_log_alone(
    tmp_path: Path, committed_rows: Rows
) -> None:
    """The log is the process's that holds its lock; another store on the file (a second run by
    mistake, a tool) writes SQLite directly, and does not replay or delete the first one's log."""
    first = Store(tmp_path)
    seq = first.journal.append("CP", "MeterValues", 1, "{}")
    first.flush()
    files = log_files(first.path)
    second = Store(tmp_path)
    assert second.db.log is None
    assert log_files(first.path) == files
    second.registers.save("CP2", {1: 7.0})
    second.flush()
    assert committed_rows(second, "SELECT charger_id, wh FROM meter_registers") == [("CP2", 7.0)]
    second.close()
    later = first.journal.append("CP", "MeterValues", 1, "{}")
    first.close()
    assert log_files(first.path) == []
    final = Store(tmp_path)
    assert [s for s, _, _, _ in final.journal.entries("CP")] == [seq, later]
    final.close()
