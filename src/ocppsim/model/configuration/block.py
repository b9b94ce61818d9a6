"""Configuration: GetConfiguration and ChangeConfiguration (OCPP 1.6 sections 5.3, 5.8, 9; errata v4.0).

Every key is declared by the block that owns it (`<block>/keys.py`; `model/key_catalogue.py` collects
them) and kept in the registry (`model/key_registry.py`). A valid value then goes to the blocks whose
keys have effects (`KeyOwner` in charger_state.py, handed in by the aggregate): any may refuse it
(Rejected, e.g. a lower SecurityProfile), and each applies what is its own at once (e.g. a new
HeartbeatInterval restarts the heartbeat).

The keys of a feature profile the charge point is built without (SupportedFeatureProfiles, section 3.3;
the keys of sections 9.2-9.4, `KeySpec.profile`) are keys it does not have: GetConfiguration neither lists
them nor reports them as known (unknownKey), ChangeConfiguration answers NotSupported (5.3). The blocks
still read their values inside: that a key is not offered changes no behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocppsim.model.charger_state import ChargerState, KeyOwners
from ocppsim.model.hardware import supports
from ocppsim.model.key_registry import KeyValue
from ocppsim.model.outgoing import ConfigChanged
from ocppsim.model.types import ConfigurationStatus

__all__ = ["Configuration"]


class Configuration:
    __slots__ = ("_owners", "_s")

    def __init__(self, state: ChargerState, owners: KeyOwners) -> None:
        self._s = state
        self._owners = owners

    def offers(self, key: str) -> bool:
        """Whether the charge point has `key`: a known key, of no profile or of a supported one."""
        config = self._s.config
        spec = config.spec(key)
        return spec is not None and (spec.profile is None or supports(config, spec.profile))

    def get_configuration(self, keys: Iterable[str] | None) -> tuple[list[KeyValue], list[str]]:
        config = self._s.config
        wanted = list(keys or [])
        if not wanted:
            known, _ = config.report(None)
            return [kv for kv in known if self.offers(kv.key)], []
        known, _ = config.report([key for key in wanted if self.offers(key)])
        return known, [key for key in wanted if not self.offers(key)]

    def change_configuration(self, key: str, value: str, now: float) -> ConfigurationStatus:
        state = self._s
        state.advance(now)
        config = state.config
        if not self.offers(key):
            return ConfigurationStatus.NOT_SUPPORTED
        status, canonical = config.validate(key, value)
        spec = config.spec(key)
        if canonical is None or spec is None:
            return status
        name = spec.name
        owners = self._owners.key_owners()
        if not all(owner.key_allowed(name, canonical) for owner in owners):
            return ConfigurationStatus.REJECTED
        config.store(name, canonical)
        state.emit(ConfigChanged(name, canonical))
        for owner in owners:
            owner.key_changed(name, canonical, now)
        state.status.settle_all(now)
        return status
