"""The benchmark scripts follow the code they measure: their model and adapter parts run here on a few
iterations (a model rename once left `make bench` failing at its first step while every test passed).
Figures are not checked: benchmarks print them, tests do not time anything."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def message_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # the scripts import their sink as a sibling module
    module = importlib.import_module("message_path")
    yield module
    sys.modules.pop("message_path", None)
    sys.modules.pop("sink", None)


def test_message_path_model_part_runs(message_path: ModuleType) -> None:
    assert message_path.meter_values_model_us(time.time(), n=50) > 0


@pytest.mark.parametrize("script", sorted(p.stem for p in BENCHMARKS.glob("*.py")))
def test_every_benchmark_script_imports(script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        importlib.import_module(script)
    finally:
        sys.modules.pop(script, None)
        sys.modules.pop("sink", None)
