"""The fleet file (TOML): [fleet] settings, [[template]] blocks with counts and id patterns, [http] ->
FleetSpec."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from ocppsim.model.charger_params import ChargerParams
from ocppsim.model.hardware import ProfileError, parse_profiles
from ocppsim.model.outgoing import BootInfo
from ocppsim.model.vehicles import EvMix, VehicleError
from ocppsim.settings.specs import (
    FleetCharger,
    FleetSpec,
    HttpSettings,
    SettingsError,
    parse_ocpp_versions,
    signed_meter_values,
)

__all__ = ["load_fleet_file"]


def _table_get(table: dict[str, Any], key: str, kind: type, where: str, default: Any) -> Any:
    value = table.get(key, default)
    if value is default:
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{where} {key} = {value!r}: expected {kind.__name__}")
    return value


def _ev_mix(template: dict[str, Any], where: str) -> EvMix | None:
    keys = ("ev_capacities_wh", "ev_initial_soc", "ev_max_currents_a", "ev_phases")
    if not any(k in template for k in keys):
        return None
    base = EvMix()
    values: dict[str, Any] = {}
    for key, field_name in zip(
        keys, ("capacities_wh", "initial_soc", "max_currents_a", "phases"), strict=True
    ):
        raw = _table_get(template, key, list, where, None)
        if raw is None:
            values[field_name] = getattr(base, field_name)
            continue
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in raw):
            raise SettingsError(f"{where} {key}: a list of numbers")
        values[field_name] = tuple(int(x) if field_name == "phases" else float(x) for x in raw)
    if len(values["initial_soc"]) != 2:
        raise SettingsError(f"{where} ev_initial_soc: [low, high]")
    try:
        return EvMix(**values)
    except VehicleError as exc:
        raise SettingsError(f"{where}: {exc}") from None


def _share(value: float, key: str = "remote_start_share") -> float:
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"[fleet] {key} = {value}: must be between 0 and 1")
    return value


def _fleet_http(table: object) -> HttpSettings | None:
    """[http] of a fleet file: addr, port, token, log_size, persist_log (enabled unless enabled = false)."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError("[http] must be a table")
    if not _table_get(table, "enabled", bool, "[http]", True):
        return None
    return HttpSettings(
        host=_table_get(table, "addr", str, "[http]", "127.0.0.1"),
        port=_table_get(table, "port", int, "[http]", 8080),
        token=_table_get(table, "token", str, "[http]", None),
        log_size=_table_get(table, "log_size", int, "[http]", 500),
        persist_log=_table_get(table, "persist_log", bool, "[http]", False),
    )


_FLAGS = (
    "firmware_download_fails",
    "firmware_install_fails",
    "diagnostics_upload_fails",
    "fixed_cable",
    "lock_fails",
)


def _switches(template: dict[str, Any], where: str) -> dict[str, Any]:
    """Behaviour a test switches on (model/hardware.py, the firmware block): on/off flags and
    feature_profiles, a list of profiles with Core (absent: all six)."""
    values: dict[str, Any] = {name: _table_get(template, name, bool, where, False) for name in _FLAGS}
    profiles = _table_get(template, "feature_profiles", list, where, None)
    if profiles is not None:
        if not all(isinstance(p, str) for p in profiles):
            raise SettingsError(f"{where} feature_profiles: a list of profile names")
        try:
            values["feature_profiles"] = parse_profiles(profiles)
        except ProfileError as exc:
            raise SettingsError(f"{where} feature_profiles: {exc}") from None
    version = _table_get(template, "ocpp_version", str, where, None)
    if version is not None:
        values["ocpp_versions"] = parse_ocpp_versions(version, f"{where} ocpp_version")
    return values


def load_fleet_file(path: str | Path) -> FleetSpec:
    """A fleet file (TOML): [fleet] settings and [[template]] blocks, each with a count and an id pattern.

    [fleet]                      urls = ["ws://..."] (spread round-robin), source_addresses = ["127.0.0.2"]
                                 (round-robin, to go past ~28,000 connections per source address), ramp,
                                 conf_dir, seed, sessions, arrival_mean, stay_mean, remote_start_share,
                                 charging_share
    [[template]]                 name, count, id_pattern ("AC{:05d}", formatted with 1..count), vendor,
                                 model, connectors, max_current, min_to_start, phases, voltage,
                                 security_profile, authorization_key, ca_file, client_cert, client_key,
                                 tls_skip_hostname_check,
                                 meter_values_interval, max_power (W: lowers max_current), and the EV
                                 mix: ev_capacities_wh, ev_initial_soc ([low, high] %), ev_max_currents_a,
                                 ev_phases; the switches firmware_download_fails,
                                 firmware_install_fails, diagnostics_upload_fails, fixed_cable, lock_fails
                                 (booleans) and feature_profiles (["Core", ...]); ocpp_version
                                 ("1.6", "2.0.1", or "2.0.1,1.6" to offer both); signed_meter_values
                                 ("ocmf": signed Transaction.Begin/End readings, Eichrecht)
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"fleet file {str(file)!r} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{file}: {exc}") from None
    fleet = data.get("fleet", {})
    if not isinstance(fleet, dict):
        raise SettingsError("[fleet] must be a table")
    urls = _table_get(fleet, "urls", list, "[fleet]", [])
    if not urls or not all(isinstance(u, str) and u.startswith(("ws://", "wss://")) for u in urls):
        raise SettingsError("[fleet] urls: a list of ws:// or wss:// URLs is required")
    sources = _table_get(fleet, "source_addresses", list, "[fleet]", [])
    if not all(isinstance(a, str) for a in sources):
        raise SettingsError("[fleet] source_addresses: a list of local IP addresses")
    templates = data.get("template", [])
    if not isinstance(templates, list) or not templates:
        raise SettingsError("at least one [[template]] is required")
    chargers: list[FleetCharger] = []
    named: dict[str, FleetCharger] = {}
    seen: set[str] = set()
    for number, template in enumerate(templates, start=1):
        where = f"[[template]] #{number} ({template.get('name', 'unnamed')})"
        count = _table_get(template, "count", int, where, 1)
        pattern = _table_get(template, "id_pattern", str, where, f"T{number}-{{:05d}}")
        connectors = _table_get(template, "connectors", int, where, 1)
        phases = _table_get(template, "phases", int, where, 3)
        if count < 1 or connectors < 1 or phases not in (1, 2, 3):
            raise SettingsError(f"{where}: count and connectors must be >= 1, phases 1-3")
        profile = _table_get(template, "security_profile", int, where, None)
        if profile is not None and not 0 <= profile <= 3:
            raise SettingsError(f"{where} security_profile = {profile}: must be 0-3")
        max_current = _table_get(template, "max_current", float, where, 32.0)
        max_power = _table_get(template, "max_power", float, where, None)
        nominal_v = _table_get(template, "voltage", float, where, None) or 230.0
        if max_power is not None:
            if max_power <= 0:
                raise SettingsError(f"{where} max_power = {max_power}: must be > 0")
            max_current = min(max_current, max_power / (nominal_v * phases))
        params = ChargerParams(
            charge_point_id="",
            number_of_connectors=connectors,
            max_offer_a=max_current,
            min_to_start_a=_table_get(template, "min_to_start", float, where, 6.0),
            phases=phases,
            boot_info=BootInfo(
                charge_point_vendor=_table_get(template, "vendor", str, where, "ocppsim"),
                charge_point_model=_table_get(template, "model", str, where, "ocppsim"),
            ),
            meter_values_sample_interval=_table_get(template, "meter_values_interval", int, where, 60),
            signed_meter_values=signed_meter_values(
                _table_get(template, "signed_meter_values", str, where, None), f"{where} signed_meter_values"
            ),
            **_switches(template, where),
        )
        name = _table_get(template, "name", str, where, f"template{number}")
        if name in named:
            raise SettingsError(f"{where}: template name {name!r} is used twice")
        voltage = _table_get(template, "voltage", float, where, None)
        ev_mix = _ev_mix(template, where)
        key = _table_get(template, "authorization_key", str, where, None)
        tls = {
            name: _table_get(template, name, str, where, None)
            for name in ("ca_file", "client_cert", "client_key")
        }
        if profile is not None and profile >= 2 and not tls["ca_file"]:
            raise SettingsError(f"{where} security_profile = {profile}: needs ca_file (the CSMS's CA)")
        if profile == 3 and not (tls["client_cert"] and tls["client_key"]):
            raise SettingsError(f"{where} security_profile = 3: needs client_cert and client_key")
        extras = {
            "tls_skip_hostname_check": _table_get(template, "tls_skip_hostname_check", bool, where, False),
        }
        for n in range(1, count + 1):
            try:
                cid = pattern.format(n)
            except (IndexError, KeyError, ValueError) as exc:
                raise SettingsError(f"{where} id_pattern = {pattern!r}: {exc}") from None
            if n == 1:
                named[name] = FleetCharger(
                    params=params,
                    url=urls[0],
                    security_profile=profile,
                    authorization_key=key,
                    voltage=voltage,
                    **tls,
                    ev_mix=ev_mix,
                    **extras,
                )
            if cid in seen:
                raise SettingsError(f"{where}: charger id {cid!r} is used twice")
            seen.add(cid)
            index = len(chargers)
            chargers.append(
                FleetCharger(
                    params=replace(params, charge_point_id=cid),
                    url=urls[index % len(urls)],
                    source_address=sources[index % len(sources)] if sources else None,
                    security_profile=profile,
                    authorization_key=key,
                    voltage=voltage,
                    **tls,
                    ev_mix=ev_mix,
                    **extras,
                )
            )
    ramp = _table_get(fleet, "ramp", float, "[fleet]", 0.0)
    return FleetSpec(
        chargers=tuple(chargers),
        templates=named,
        http=_fleet_http(data.get("http")),
        ramp_per_s=ramp or None,
        conf_dir=Path(_table_get(fleet, "conf_dir", str, "[fleet]", "./ocppsim-fleet-data")),
        seed=_table_get(fleet, "seed", int, "[fleet]", 1),
        sessions=_table_get(fleet, "sessions", bool, "[fleet]", False),
        arrival_mean_s=_table_get(fleet, "arrival_mean", float, "[fleet]", 3600.0),
        stay_mean_s=_table_get(fleet, "stay_mean", float, "[fleet]", 1800.0),
        remote_start_share=_share(_table_get(fleet, "remote_start_share", float, "[fleet]", 0.0)),
        charging_share=_share(_table_get(fleet, "charging_share", float, "[fleet]", 0.0), "charging_share"),
    )
