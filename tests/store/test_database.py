"""The group commit: a loop turn's writes share one transaction, with the buffered writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ocppsim.store import Store


async def test_a_turns_registers_are_committed_together_with_its_journal(
    tmp_path: Path, committed_rows: Callable[[Store, str], list[tuple[object, ...]]]
) -> None:
    """Registers saved in a loop turn go in with the turn's commit (the highest of the turn per
    connector), and the store itself reads them before that commit."""
    store = Store(tmp_path)
    store.registers.save("CP", {1: 10.0, 2: 5.0})
    store.registers.save("CP", {1: 12.5})
    store.registers.save("CP", {1: 11.0})  # never backwards, also within a turn
    seq = store.journal.append("CP", "MeterValues", 1, "{}")
    assert store.registers.load("CP") == {1: 12.5, 2: 5.0}  # read-your-writes, uncommitted
    store.flush()  # what the station does before it sends a frame
    assert sorted(committed_rows(store, "SELECT connector_id, wh FROM meter_registers")) == [
        (1, 12.5),
        (2, 5.0),
    ]
    assert committed_rows(store, "SELECT seq FROM outbox") == [(seq,)]
    store.close()
