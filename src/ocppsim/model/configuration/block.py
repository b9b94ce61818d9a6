"""Configuration: GetConfiguration and ChangeConfiguration (OCPP 1.6 sections 5.3, 5.8, 9; errata v4.0).

Every key is declared by the block that owns it (`<block>/keys.py`; `model/key_catalogue.py` collects
them) and kept in the registry (`model/key_registry.py`). A change takes effect through the hooks the
owning block declared on the shared state: `key_guards` may veto a valid value (Rejected), `key_hooks`
apply it at once (e.g. a new HeartbeatInterval restarts the heartbeat).
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.key_registry import KeyValue
from ocppsim.model.outgoing import ConfigChanged
from ocppsim.model.types import ConfigurationStatus

__all__ = ["Configuration"]


class Configuration:
    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def get_configuration(self, keys: Iterable[str] | None) -> tuple[list[KeyValue], list[str]]:
        return self._s.config.report(keys)

    def change_configuration(self, key: str, value: str, now: float) -> ConfigurationStatus:
        state = self._s
        state.advance(now)
        config = state.config
        status, canonical = config.validate(key, value)
        spec = config.spec(key)
        if canonical is None or spec is None:
            return status
        name = spec.name
        guard = state.key_guards.get(name)
        if guard is not None and not guard(canonical):
            return ConfigurationStatus.REJECTED
        config.store(name, canonical)
        state.emit(ConfigChanged(name, canonical))
        hook = state.key_hooks.get(name)
        if hook is not None:
            hook(canonical, now)
        state.status.settle_all(now)
        return status
