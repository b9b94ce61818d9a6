from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from ocppsim.store import Store
from ocppsim.store.journal import LAZY_REMOVE_S


async def test_an_answered_journal_entry_is_removed_with_a_later_commit(
    tmp_path: Path, committed_rows: Callable[[Store, str], list[tuple[object, ...]]]
) -> None:
    """The removal of an answered entry joins the next commit (or one LAZY_REMOVE_S later): until then
    the file still has it, and a crash sends it again (at least once, never lost); the store itself no
    longer reports it."""
    store = Store(tmp_path)
    first = store.journal.append("CP", "MeterValues", 1, '{"n": 1}')
    second = store.journal.append("CP", "MeterValues", 1, '{"n": 2}')
    store.flush()
    store.journal.remove(first)
    await asyncio.sleep(0)  # a loop turn passes: no commit of its own for the removal
    committed = committed_rows(store, "SELECT seq FROM outbox ORDER BY seq")
    assert committed == [(first,), (second,)]
    assert [row[0] for row in store.journal.entries("CP")] == [second]  # the store itself sees it gone
    third = store.journal.append("CP", "MeterValues", 1, '{"n": 3}')
    store.flush()  # the next commit takes the removal along
    assert committed_rows(store, "SELECT seq FROM outbox ORDER BY seq") == [(second,), (third,)]
    store.journal.remove(second)
    await asyncio.sleep(LAZY_REMOVE_S + 0.2)  # nothing else to commit: its own, later
    assert committed_rows(store, "SELECT seq FROM outbox ORDER BY seq") == [(third,)]
    store.close()


def test_a_removal_lost_in_a_crash_sends_the_message_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    seq = store.journal.append("CP", "StopTransaction", 3, "{}")
    store.db.pending_removals.append((seq,))  # answered, not yet committed: the process dies here
    again = Store(tmp_path)
    assert [(s, action) for s, action, _, _ in again.journal.entries("CP")] == [(seq, "StopTransaction")]
    again.close()
