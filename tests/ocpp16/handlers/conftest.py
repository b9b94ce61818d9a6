"""The handler tests' charger: two connectors, booted (Accepted), effects drained."""

from __future__ import annotations

import pytest

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus

from .handler_calls import T0


@pytest.fixture
def charger() -> Charger:
    ch = Charger(ChargerParams("CP", number_of_connectors=2, strict_transitions=True), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    ch.drain()
    return ch
