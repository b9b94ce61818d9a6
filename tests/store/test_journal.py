"""The journal's durability: what a crash keeps, from the journal log and from SQLite (database.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from ocppsim.store import Store
from ocppsim.store import database as database_module
from ocppsim.store.journal import SCAN_AT_MOST
from ocppsim.store.journal_log import log_files

Rows = Callable[[Store, str], list[tuple[object, ...]]]
Crash = Callable[[Store], None]


def journal(store: Store, charger_id: str = "CP") -> list[tuple[int, str]]:
    return [(seq, body) for seq, _, _, body in store.journal.entries(charger_id)]


async def test_journaled_messages_survive_a_crash_once_flushed(tmp_path: Path, crash: Crash) -> None:
    """The station flushes before every frame it sends: from then on a crash keeps the entry, in order."""
    store = Store(tmp_path)
    first = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    second = store.journal.append("CP", "StopTransaction", 1, '{"n": 2}')
    store.flush()
    crash(store)
    again = Store(tmp_path)
    assert journal(again) == [(first, '{"n": 1}'), (second, '{"n": 2}')]
    assert log_files(again.path) == []  # replayed into SQLite at open, and gone
    again.close()


async def test_an_entry_not_yet_flushed_is_lost_in_a_crash(tmp_path: Path, crash: Crash) -> None:
    """Before the flush nothing of it has left the process: lost as if the crash came a moment earlier."""
    store = Store(tmp_path)
    kept = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    store.flush()
    store.journal.append("CP", "MeterValues", 1, '{"n": 2}')
    crash(store)
    again = Store(tmp_path)
    assert journal(again) == [(kept, '{"n": 1}')]
    again.close()


async def test_an_answered_entry_is_removed_with_the_next_flush(tmp_path: Path, crash: Crash) -> None:
    """A removal is written with the next flush, without one of its own: a crash before that sends the
    message again (at least once, never lost); after it, the entry is gone for good."""
    store = Store(tmp_path)
    first = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    second = store.journal.append("CP", "MeterValues", 1, '{"n": 2}')
    store.flush()
    await asyncio.sleep(0)  # the appends' turn ends
    store.journal.remove(first)  # in a later turn (its answer came)
    await asyncio.sleep(0)  # a loop turn passes: the removal waits for a flush of something else
    crash(store)
    again = Store(tmp_path)
    assert [seq for seq, _ in journal(again)] == [first, second]
    again.journal.remove(first)
    assert [seq for seq, _ in journal(again)] == [second]  # the store itself sees it gone at once
    third = again.journal.append("CP", "MeterValues", 1, '{"n": 3}')
    again.flush()
    crash(again)
    last = Store(tmp_path)
    assert [seq for seq, _ in journal(last)] == [second, third]
    last.close()


async def test_an_entry_answered_before_the_fold_never_reaches_sqlite(
    tmp_path: Path, committed_rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold writes what is pending into SQLite and deletes the log files it covered; an entry
    answered meanwhile is not written at all."""
    monkeypatch.setattr(database_module, "FOLD_EVERY_S", 0.05)
    store = Store(tmp_path)
    answered = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    waiting = store.journal.append("CP", "MeterValues", 1, '{"n": 2}')
    store.flush()
    assert committed_rows(store, "SELECT seq FROM outbox") == []  # in the log only, so far
    assert len(log_files(store.path)) == 1
    store.journal.remove(answered)
    for _ in range(100):
        await asyncio.sleep(0.01)
        if committed_rows(store, "SELECT seq FROM outbox"):
            break
    await asyncio.sleep(0)  # the commit's turn ends
    assert committed_rows(store, "SELECT seq FROM outbox") == [(waiting,)]
    assert log_files(store.path) == []
    store.close()


async def test_a_removal_after_the_fold_deletes_the_row(tmp_path: Path, committed_rows: Rows) -> None:
    store = Store(tmp_path)
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    store.db.fold()
    store.flush()
    assert committed_rows(store, "SELECT seq FROM outbox") == [(seq,)]
    store.journal.remove(seq)
    store.db.fold()
    store.flush()
    assert committed_rows(store, "SELECT seq FROM outbox") == []
    store.close()


def test_without_an_event_loop_every_write_is_committed_at_once(tmp_path: Path, committed_rows: Rows) -> None:
    store = Store(tmp_path)
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    assert committed_rows(store, "SELECT seq FROM outbox") == [(seq,)]
    store.journal.remove(seq)
    assert committed_rows(store, "SELECT seq FROM outbox") == []
    assert log_files(store.path) == []
    store.close()


def test_a_removal_lost_in_a_crash_sends_the_message_again(tmp_path: Path, crash: Crash) -> None:
    store = Store(tmp_path)
    seq = store.journal.append("CP", "StopTransaction", 3, "{}")
    store.db.pending_removals.append((seq,))  # answered, not yet committed: the process dies here
    crash(store)
    again = Store(tmp_path)
    assert [(s, action) for s, action, _, _ in again.journal.entries("CP")] == [(seq, "StopTransaction")]
    again.close()


async def test_seqs_go_on_after_a_restart(tmp_path: Path, crash: Crash) -> None:
    store = Store(tmp_path)
    first = store.journal.append("CP", "MeterValues", 1, "{}")
    store.flush()
    crash(store)
    again = Store(tmp_path)
    second = again.journal.append("CP", "MeterValues", 1, "{}")
    assert second > first
    assert [seq for seq, _ in journal(again)] == [first, second]
    again.close()


async def test_a_turn_of_thousands_of_records_is_written_whole(tmp_path: Path, crash: Crash) -> None:
    """A turn of thousands of records: all of them reach the file, in order."""
    store = Store(tmp_path)
    seqs = [store.journal.append("CP", "MeterValues", 1, f'{{"n": {n}}}') for n in range(2500)]
    store.flush()
    crash(store)
    again = Store(tmp_path)
    assert journal(again) == [(seq, f'{{"n": {n}}}') for n, seq in enumerate(seqs)]
    again.close()


async def test_restoring_a_charger_reads_without_a_fold(tmp_path: Path, committed_rows: Rows) -> None:
    """A fleet restores its chargers one after the other in one loop turn: reading one charger's journal
    and registers merges what is pending instead of folding it all into SQLite each time."""
    store = Store(tmp_path)
    old = store.journal.append("CP", "MeterValues", 1, '{"n": 0}')
    store.db.fold()
    store.flush()
    kept = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    store.journal.append("OTHER", "MeterValues", 1, '{"n": 2}')
    store.journal.remove(old)
    store.registers.save("CP", {1: 42.0})
    assert journal(store) == [(kept, '{"n": 1}')]
    assert store.registers.load("CP") == {1: 42.0}
    assert committed_rows(store, "SELECT seq FROM outbox") == [(old,)]  # nothing folded
    assert store.db.pending_appends and store.db.pending_registers
    store.close()


async def test_restoring_many_chargers_in_one_turn_folds_now_and_then(tmp_path: Path) -> None:
    """Each restore of a fleet's start journals an entry in the same loop turn: past SCAN_AT_MOST pending
    entries a read folds them, so that restoring N chargers does not scan N entries N times."""
    store = Store(tmp_path)
    for n in range(3 * SCAN_AT_MOST):
        assert journal(store, f"CP{n}") == []
        store.journal.append(f"CP{n}", "SecurityEventNotification", None, "{}")
        assert len(store.db.pending_appends) <= SCAN_AT_MOST + 1
    assert [s for s, _ in journal(store, "CP5")] != []
    store.close()
