"""What the charge point is built with, which a test switches (issue 17 item 7; OCTT TC_017_2, TC_018_2,
TC_024, TC_030, TC_042_1, TC_043_1, TC_048_4): the feature profiles it supports, a cable fixed to it, a
connector lock that fails.

- Feature profiles (OCPP 1.6 section 3.3, key SupportedFeatureProfiles 9.1.34). The read-only key is the
  one record of the set: blocks ask `supports(config, profile)`. Without LocalAuthListManagement
  GetLocalListVersion answers -1 (5.10) and SendLocalList NotSupported (5.15, 7.48); without Reservation
  ReserveNow answers Rejected ("configured not to accept reservations", 5.13); an operation of another
  missing profile gets CALLERROR NotSupported (OCPP-J 4.2.3, the adapter's dispatch).
- A fixed cable has no connector lock: UnlockConnector answers NotSupported ("Charge Point has no connector
  lock", 7.46 / errata 3.85) and nothing else happens (5.18 is only about the retention lock). Errata
  3.83: UnlockConnectorOnEVSideDisconnect then reports false, read-only; nothing stays locked on the
  charge point's side after an EV-side stop.
- A failing lock: UnlockConnector answers UnlockFailed after any transaction was finished (5.18, errata
  3.85); the cable cannot be locked at the start of a transaction, so the connector goes Faulted with
  ConnectorLockFailure (7.6) and no transaction starts (4.9).
"""

from __future__ import annotations

from ocppsim.model.key_registry import ConfigStore

__all__ = [
    "ALL_PROFILES",
    "Hardware",
    "ProfileError",
    "parse_profiles",
    "set_fixed_cable",
    "set_profiles",
    "supports",
]

PROFILES_KEY = "SupportedFeatureProfiles"
# Section 3.3, in the order of the key's default.
ALL_PROFILES: tuple[str, ...] = (
    "Core",
    "FirmwareManagement",
    "LocalAuthListManagement",
    "Reservation",
    "SmartCharging",
    "RemoteTrigger",
)


class ProfileError(ValueError):
    """A set of feature profiles that no charge point can have."""


class Hardware:
    """The switches that are not configuration: initial values from ChargerParams, surfaces flip them."""

    __slots__ = ("fixed_cable", "lock_fails")

    def __init__(self, *, fixed_cable: bool = False, lock_fails: bool = False) -> None:
        self.fixed_cable = fixed_cable
        self.lock_fails = lock_fails

    @property
    def lock_fails_now(self) -> bool:
        """A fixed cable has no lock to fail."""
        return self.lock_fails and not self.fixed_cable


def parse_profiles(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`Core,Reservation` (or a list) -> the profiles in the key's order. Core is always supported (3.3:
    "Core: Basic Charge Point functionality"); names are matched without regard to case."""
    items = text.split(",") if isinstance(text, str) else list(text)
    by_lower = {p.lower(): p for p in ALL_PROFILES}
    chosen: set[str] = set()
    for item in items:
        name = item.strip()
        if not name:
            continue
        if name.lower() not in by_lower:
            raise ProfileError(f"unknown feature profile {name!r} (known: {', '.join(ALL_PROFILES)})")
        chosen.add(by_lower[name.lower()])
    if "Core" not in chosen:
        raise ProfileError("the Core profile is always supported (OCPP 1.6 section 3.3)")
    return tuple(p for p in ALL_PROFILES if p in chosen)


def set_profiles(config: ConfigStore, profiles: tuple[str, ...]) -> None:
    """The read-only key, set as the device's build would (not by ChangeConfiguration)."""
    config.load(PROFILES_KEY, ",".join(parse_profiles(profiles)))


def supports(config: ConfigStore, profile: str) -> bool:
    return profile in config.raw(PROFILES_KEY).split(",")


_UNLOCK_KEY = "UnlockConnectorOnEVSideDisconnect"


def set_fixed_cable(hardware: Hardware, config: ConfigStore, on: bool) -> None:
    """Errata 3.83: "A Charge Point with a fixed cable SHALL always report this value as false and SHALL
    not allow this value to be changed"."""
    hardware.fixed_cable = on
    name = _UNLOCK_KEY.lower()
    if on:
        config.load(_UNLOCK_KEY, "false")
        config.pinned = config.pinned | {name}
    else:
        config.pinned = config.pinned - {name}
