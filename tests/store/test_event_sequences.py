"""OCPP 2.0.1 TransactionEvent seqNos per charger (store/event_sequences.py, migration 11)."""

from __future__ import annotations

from pathlib import Path

from ocppsim.store import Store


def test_kept_per_charger_until_forgotten(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.event_seq.set_next("A", 1, 3)
    store.event_seq.set_next("A", 2, 1)
    store.event_seq.set_next("B", 1, 7)
    store.flush()
    store.close()
    store = Store(tmp_path)
    assert store.event_seq.load("A") == {1: 3, 2: 1}
    store.event_seq.forget("A", 1)
    store.chargers.forget("B")
    store.flush()
    assert store.event_seq.load("A") == {2: 1}
    assert store.event_seq.load("B") == {}
    store.close()
