"""The OCMF signing keys (store/ocmf_keys.py): one per charger with its pagination, across a reopen,
forgotten and moved with the charger; a file holding a key is readable by its owner only (0600)."""

from __future__ import annotations

import stat
from pathlib import Path

from ocppsim.store import Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_and_pagination_survive_a_reopen(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.ocmf_keys.load("CP") is None
    store.ocmf_keys.save_key("CP", "PEM-1")
    store.ocmf_keys.save_pagination("CP", 5)
    store.ocmf_keys.save_key("OTHER", "PEM-2")
    store.close()
    store = Store(tmp_path)
    assert store.ocmf_keys.load("CP") == ("PEM-1", 5)
    assert store.ocmf_keys.load("OTHER") == ("PEM-2", 0)
    store.chargers.forget("OTHER")
    assert store.ocmf_keys.load("OTHER") is None
    store.close()


def test_a_file_with_a_key_is_owner_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "a")
    store.path.chmod(0o644)
    store.ocmf_keys.save_key("CP", "PEM")
    store.flush()
    assert mode(store.path) == 0o600
    for suffix in ("-wal", "-shm"):
        side = store.path.with_name(store.path.name + suffix)
        if side.exists():
            assert mode(side) == 0o600
    store.close()
    store.path.chmod(0o644)  # loosened behind our back: the next open tightens it again
    store = Store(tmp_path / "a")
    assert mode(store.path) == 0o600
    other = Store(tmp_path / "b")
    other.path.chmod(0o644)
    store.chargers.move(["CP"], other)
    assert other.ocmf_keys.load("CP") == ("PEM", 0) and store.ocmf_keys.load("CP") is None
    assert mode(other.path) == 0o600
    store.close()
    other.close()


def test_a_file_without_keys_is_left_alone(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.path.chmod(0o644)
    store.close()
    store = Store(tmp_path)
    assert mode(store.path) == 0o644
    store.close()
