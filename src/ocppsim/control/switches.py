"""Behaviour a test switches on (issue 17 item 7), shared by the text command `switch` and the REST API
`/api/chargers/{id}/switches`: failures of the FirmwareManagement profile (OCTT TC_044_2, TC_044_3,
TC_045_2), a connector lock that fails (TC_024, TC_030), a fixed cable (TC_017_2, TC_018_2) and the feature
profiles the charge point supports (TC_042_1, TC_043_1, TC_048_4); and a power failure (`power_cut`,
TC_032_1, TC_032_2, TC_034). The model keeps every switch
(model/hardware.py, the firmware block); the INI and the fleet file give their initial values."""

from __future__ import annotations

from typing import Any

from ocppsim.model.hardware import ProfileError, parse_profiles, set_fixed_cable, set_profiles
from ocppsim.runtime.station import Station

__all__ = ["FLAGS", "PROFILES", "SwitchError", "check_switch", "power_cut", "set_switch", "switch_states"]

# On/off switches, each the attribute of a model object: (which object, which attribute).
FLAGS: dict[str, tuple[str, str]] = {
    "firmware_download_fails": ("firmware", "download_fails"),
    "firmware_install_fails": ("firmware", "install_fails"),
    "diagnostics_upload_fails": ("firmware", "upload_fails"),
    "lock_fails": ("hardware", "lock_fails"),
    "fixed_cable": ("hardware", "fixed_cable"),
}
PROFILES = "feature_profiles"  # the value of the read-only key SupportedFeatureProfiles


class SwitchError(ValueError):
    """An unknown switch or a value it cannot take."""


def _owner(station: Station, name: str) -> tuple[Any, str]:
    where, attribute = FLAGS[name]
    charger = station.charger
    owner = charger.firmware if where == "firmware" else charger.state.hardware
    return owner, attribute


def switch_states(station: Station) -> dict[str, Any]:
    """Every switch and its value now (the profiles as a list)."""
    states: dict[str, Any] = {}
    for name in FLAGS:
        owner, attribute = _owner(station, name)
        states[name] = bool(getattr(owner, attribute))
    states[PROFILES] = station.charger.config.raw("SupportedFeatureProfiles").split(",")
    return states


_ON = {"on": True, "true": True, "1": True, "yes": True}
_OFF = {"off": False, "false": False, "0": False, "no": False}


def _flag(value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word in _ON:
        return _ON[word]
    if word in _OFF:
        return _OFF[word]
    raise SwitchError(f"expected on or off, got {value!r}")


def check_switch(name: str, value: bool | str | list[str]) -> bool | tuple[str, ...]:
    """The value `name` would take, or SwitchError; nothing is changed. A flag takes on/off (or a
    bool); feature_profiles a comma-separated list (or a list) that names Core."""
    if name == PROFILES:
        if isinstance(value, bool):
            raise SwitchError("feature_profiles takes a list of profiles, e.g. Core,SmartCharging")
        try:
            return parse_profiles(value)
        except ProfileError as exc:
            raise SwitchError(str(exc)) from None
    if name not in FLAGS:
        raise SwitchError(f"unknown switch {name!r} (known: {', '.join([*FLAGS, PROFILES])})")
    if isinstance(value, list):
        raise SwitchError(f"{name} takes on or off")
    return _flag(value)


def set_switch(station: Station, name: str, value: bool | str | list[str]) -> Any:
    """Set one switch (see check_switch); its new value (the profiles as a list)."""
    checked = check_switch(name, value)
    if isinstance(checked, tuple):
        set_profiles(station.charger.config, checked)
        return list(checked)
    if name == "fixed_cable":  # the model also pins UnlockConnectorOnEVSideDisconnect (errata 3.83)
        set_fixed_cable(station.charger.state.hardware, station.charger.config, checked)
        return checked
    owner, attribute = _owner(station, name)
    setattr(owner, attribute, checked)
    return checked


def power_cut(station: Station, *, stop_first: bool) -> int:
    """The power fails and comes back (OCTT module 14): transactions end with reason PowerLoss, before
    going down (`stop_first`) or delivered after the next boot; the charger reboots. How many
    transactions were running."""
    charger = station.charger
    running = sum(1 for c in charger.state.connectors.values() if c.tx is not None)
    station.run_model(lambda now: charger.boot.power_failure(stop_first=stop_first, now=now))
    return running
