"""What the charger knows about id tags: the Local Authorization List and the Authorization Cache, and
the decisions made from them (OCPP 1.6 sections 3.5, 5.15; offline-and-reliability.md section 5).

Order of sources: Local List (when LocalAuthListEnabled) -> Authorization Cache (when
AuthorizationCacheEnabled) -> the CSMS (Authorize.req) -> the unknown-id rule offline.
Mutating methods return the effects to persist the change; the charger emits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ocppsim.model.hardware import supports
from ocppsim.model.interning import BoundedInterner
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.outgoing import AuthCacheChanged, Effect, IdTagInfo, LocalListChanged
from ocppsim.model.types import AuthorizationStatus, UpdateStatus, UpdateType

__all__ = ["TagLists"]

_NO_LIST: Mapping[str, IdTagInfo] = MappingProxyType({})

# A fleet's chargers cache the same few tags with the same answers: one key string and one IdTagInfo for
# all of them (~110 B at each charger otherwise). Bounded: a CSMS with many tags and expiry dates
# starts it over.
_SHARED: BoundedInterner[tuple[str, IdTagInfo], tuple[str, IdTagInfo]] = BoundedInterner()


def _shared(key: str, info: IdTagInfo) -> tuple[str, IdTagInfo]:
    entry = (key, info)
    return _SHARED.intern(entry, entry)


class TagLists:
    __slots__ = ("_config", "cache", "local_list", "local_list_version")

    def __init__(
        self,
        config: ConfigStore,
        *,
        cache: dict[str, IdTagInfo] | None = None,
        local_list: tuple[int, dict[str, IdTagInfo]] | None = None,
    ) -> None:
        self._config = config
        self.cache: dict[str, IdTagInfo] = {k.lower(): v for k, v in (cache or {}).items()}
        # Only SendLocalList changes the list; version 0 = empty / never set.
        self.local_list_version = local_list[0] if local_list else 0
        # Replaced whole by SendLocalList, never changed in place: charge points without a list (a
        # fleet's) share one empty mapping (64 B at each otherwise).
        self.local_list: Mapping[str, IdTagInfo] = (
            {k.lower(): v for k, v in local_list[1].items()} if local_list and local_list[1] else _NO_LIST
        )

    @staticmethod
    def valid(info: IdTagInfo, now: float) -> bool:
        """Accepted (ConcurrentTx counts as valid in the Local List) and not expired."""
        expired = info.expiry_date is not None and info.expiry_date < now
        return (
            info.status in (AuthorizationStatus.ACCEPTED, AuthorizationStatus.CONCURRENT_TX) and not expired
        )

    def _list_in_use(self) -> bool:
        """LocalAuthListEnabled (section 9.2.1): a disabled list is kept but never consulted; so is one
        on a charge point built without LocalAuthListManagement (section 3.3, model/hardware.py)."""
        config = self._config
        return config.get_bool("LocalAuthListEnabled") and supports(config, "LocalAuthListManagement")

    def known(self, id_tag: str) -> IdTagInfo | None:
        """What is known locally of a tag: the Local List first, then the cache."""
        key = id_tag.lower()
        if self._list_in_use() and key in self.local_list:
            return self.local_list[key]
        if self._config.get_bool("AuthorizationCacheEnabled"):
            return self.cache.get(key)
        return None

    def offline(self, id_tag: str, now: float) -> IdTagInfo:
        """The decision when the CSMS cannot be asked (LocalAuthorizeOffline, AllowOfflineTxForUnknownId)."""
        info = self.known(id_tag)
        if info is not None and self._config.get_bool("LocalAuthorizeOffline"):
            if self.valid(info, now):
                return IdTagInfo(AuthorizationStatus.ACCEPTED, info.parent_id_tag, info.expiry_date)
            expired = info.expiry_date is not None and info.expiry_date < now
            return IdTagInfo(AuthorizationStatus.EXPIRED if expired else info.status, info.parent_id_tag)
        if info is None and self._config.get_bool("AllowOfflineTxForUnknownId"):
            return IdTagInfo(AuthorizationStatus.ACCEPTED)
        return IdTagInfo(AuthorizationStatus.INVALID)

    def conflicts(self, id_tag: str, info: IdTagInfo) -> bool:
        """The CSMS's answer contradicts the Local List (reported as LocalListConflict)."""
        if not self._list_in_use():
            return False
        listed = self.local_list.get(id_tag.lower())
        return listed is not None and listed.status is not info.status

    def remember(self, id_tag: str, info: IdTagInfo) -> list[Effect]:
        """Store an IdTagInfo from the CSMS in the cache; listed tags are never cached (section 3.5.3)."""
        key = id_tag.lower()
        if (key in self.local_list and self._list_in_use()) or not self._config.get_bool(
            "AuthorizationCacheEnabled"
        ):
            return []
        if self.cache.get(key) == info:
            return []
        key, info = _shared(key, info)
        self.cache[key] = info
        return [AuthCacheChanged(key, info)]

    def clear_cache(self) -> list[Effect]:
        """ClearCache (section 5.4): the cache only, never the Local List."""
        self.cache.clear()
        return [AuthCacheChanged(None, None)]

    def send_local_list(
        self, version: int, update_type: UpdateType, entries: list[tuple[str, IdTagInfo | None]]
    ) -> tuple[UpdateStatus, list[Effect]]:
        """SendLocalList (section 5.15): Full replaces, Differential updates (entries without idTagInfo
        are removed); Failed for a negative version (-1 means "no list support", section 5.10),
        duplicates or too many entries; VersionMismatch for a Differential update that is not newer.
        With LocalAuthListEnabled false the list is not in use, so no update is put into use either:
        Failed, nothing changes.

        Section 5.10: version 0 stands for the empty list. So a Full update with listVersion 0 is
        accepted (it is how a CSMS empties the list), and a list left empty by any update has version 0,
        whatever listVersion came with it."""
        if not self._list_in_use():
            return UpdateStatus.FAILED, []
        tags = [tag.lower() for tag, _ in entries]
        too_many = len(entries) > self._config.get_int("SendLocalListMaxLength")
        if version < 0 or len(set(tags)) != len(tags) or too_many:
            return UpdateStatus.FAILED, []
        if update_type is UpdateType.FULL:
            if any(info is None for _, info in entries):
                return UpdateStatus.FAILED, []
            new = {tag.lower(): info for tag, info in entries if info is not None}
        else:
            if version <= self.local_list_version:
                return UpdateStatus.VERSION_MISMATCH, []
            new = dict(self.local_list)
            for tag, info in entries:
                if info is None:
                    new.pop(tag.lower(), None)
                else:
                    new[tag.lower()] = info
        if len(new) > self._config.get_int("LocalAuthListMaxLength"):
            return UpdateStatus.FAILED, []
        if not new:
            version = 0  # the empty list has version 0 (section 5.10)
        self.local_list = new
        self.local_list_version = version
        effects: list[Effect] = []
        for tag in new:
            if self.cache.pop(tag, None) is not None:  # listed tags leave the cache
                effects.append(AuthCacheChanged(tag, None))
        effects.append(LocalListChanged(version, tuple(sorted(new.items()))))
        return UpdateStatus.ACCEPTED, effects
