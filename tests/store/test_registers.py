from __future__ import annotations

from pathlib import Path

from ocppsim.store import Store


def test_registers_never_go_backwards(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.registers.save("CP", {1: 1000.5})
    store.registers.save("CP", {1: 900.0})
    assert store.registers.load("CP") == {1: 1000.5}
    assert store.registers.load("OTHER") == {}


def test_every_connector_is_saved_without_an_event_loop(tmp_path: Path) -> None:
    """Each save commits at once here (a fold per connector): none of them may be lost in between."""
    store = Store(tmp_path)
    store.registers.save("CP", {1: 10.0, 2: 20.0, 3: 30.0})
    store.close()
    again = Store(tmp_path)
    assert again.registers.load("CP") == {1: 10.0, 2: 20.0, 3: 30.0}
    again.close()
