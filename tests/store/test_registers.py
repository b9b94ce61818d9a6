from __future__ import annotations

from pathlib import Path

from ocppsim.store import Store


def test_registers_never_go_backwards(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.registers.save("CP", {1: 1000.5})
    store.registers.save("CP", {1: 900.0})
    assert store.registers.load("CP") == {1: 1000.5}
    assert store.registers.load("OTHER") == {}
