"""INI file (the original ocppsim format, unchanged) + CLI flags + environment -> frozen settings.

Errors name the section and key; the CLI turns them into exit code 2.
"""

from __future__ import annotations

import configparser
import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ocppsim.model.charger import ChargerParams
from ocppsim.model.outgoing import BootInfo
from ocppsim.model.vehicles import EvMix, VehicleError

__all__ = [
    "DEFAULT_INI",
    "ENV_SERVER_URL",
    "FleetCharger",
    "FleetSpec",
    "HttpSettings",
    "Settings",
    "SettingsError",
    "load_fleet_file",
    "load_settings",
    "parse_http_address",
]

ENV_SERVER_URL = "BALANZ_SERVER_URL"
DEFAULT_INI = "ocppsim.ini"
_LEVELS = {"CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "NOTSET"}
_INFO_KEYS = (
    "charge_point_vendor",
    "charge_point_model",
    "charge_point_serial_number",
    "charge_box_serial_number",
    "firmware_version",
    "iccid",
    "imsi",
    "meter_type",
    "meter_serial_number",
)


class SettingsError(ValueError):
    """A bad INI value or combination; the message names the key."""


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The REST API and dashboard ([http] section or --http)."""

    host: str = "127.0.0.1"
    port: int = 8080
    # Bearer token; required when the server is reachable from other hosts.
    token: str | None = None
    log_size: int = 500  # frames kept in memory per charger
    persist_log: bool = False  # also write every frame to the SQLite file

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"[http] port = {self.port}: not a TCP port")
        if self.log_size < 1:
            raise SettingsError(f"[http] log_size = {self.log_size}: must be >= 1")
        if self.host not in LOOPBACK_HOSTS and not self.token:
            # Security by default: nobody on the network steers the simulator without the token.
            raise SettingsError(f"[http] addr = {self.host}: a non-loopback address needs [http] token")


def parse_http_address(text: str, base: HttpSettings | None = None) -> HttpSettings:
    """`--http PORT`, `--http HOST:PORT` (the rest from `base`)."""
    base = base or HttpSettings()
    host, _, port_text = text.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise SettingsError(f"--http {text!r}: expected PORT or HOST:PORT") from None
    return replace(base, host=host.strip("[]") or base.host, port=port)


@dataclass(frozen=True, slots=True)
class Settings:
    charger: ChargerParams
    server_url: str
    http_auth: bool = False
    host_addr: str = "127.0.0.1"
    host_port: int = 1234
    conf_dir: Path = Path("./ocppsim-data")
    default_tag: str = "12345678"
    authorization_key: str | None = None
    security_profile: int | None = None
    ca_file: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    # Reconnect back-off: first wait, cap, +- jitter share (offline doc section 1)
    reconnect_initial: float = 1.0
    reconnect_max: float = 60.0
    reconnect_jitter: float = 0.25
    compression: bool = False
    proxy: str | None = None
    http: HttpSettings | None = None  # None: no REST API / dashboard
    log_levels: dict[str, str] = field(default_factory=dict)
    source: str = "<defaults>"


def _get(cp: configparser.ConfigParser, section: str, key: str, default: str) -> str:
    if cp.has_option(section, key):
        return cp.get(section, key, raw=True).strip()
    return default


def _float(
    cp: configparser.ConfigParser, section: str, key: str, default: float, *, minimum: float = 0.0
) -> float:
    text = _get(cp, section, key, str(default))
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"[{section}] {key} = {text!r}: not a number") from None
    if not math.isfinite(value) or value < minimum:
        raise SettingsError(f"[{section}] {key} = {text!r}: must be >= {minimum}")
    return value


def _int(cp: configparser.ConfigParser, section: str, key: str, default: int, *, minimum: int = 0) -> int:
    text = _get(cp, section, key, str(default))
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"[{section}] {key} = {text!r}: not a whole number") from None
    if value < minimum:
        raise SettingsError(f"[{section}] {key} = {text!r}: must be >= {minimum}")
    return value


def _bool(cp: configparser.ConfigParser, section: str, key: str, default: bool) -> bool:
    text = _get(cp, section, key, str(default)).lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    raise SettingsError(f"[{section}] {key} = {text!r}: expected True or False")


def _http(cp: configparser.ConfigParser) -> HttpSettings | None:
    """[http]: on when the section says enabled = True (or gives a port without enabled = False)."""
    if not cp.has_section("http"):
        return None
    enabled = _bool(cp, "http", "enabled", cp.has_option("http", "port"))
    if not enabled:
        return None
    return HttpSettings(
        host=_get(cp, "http", "addr", "127.0.0.1") or "127.0.0.1",
        port=_int(cp, "http", "port", 8080),
        token=_get(cp, "http", "token", "") or None,
        log_size=_int(cp, "http", "log_size", 500, minimum=1),
        persist_log=_bool(cp, "http", "persist_log", False),
    )


def load_settings(
    path: str | Path | None,
    *,
    charger_id: str | None = None,
    port: int | None = None,
    environ: dict[str, str] | None = None,
    require_file: bool = True,
) -> Settings:
    """Read the INI file (or the packaged default when `path` is None) and apply flags and env."""
    env = os.environ if environ is None else environ
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # logger names are case-sensitive
    if path is None:
        text = (resources.files("ocppsim") / "data" / DEFAULT_INI).read_text(encoding="utf-8")
        source = "<packaged default>"
    else:
        file = Path(path)
        if not file.is_file():
            if require_file:
                raise SettingsError(f"config file {str(file)!r} not found")
            text, source = "", "<defaults>"
        else:
            text, source = file.read_text(encoding="utf-8"), str(file)
    try:
        cp.read_string(text, source=source)
    except configparser.Error as exc:
        raise SettingsError(f"{source}: {exc}") from None

    levels: dict[str, str] = {}
    if cp.has_section("logging"):
        for logger, level in cp.items("logging", raw=True):
            if level.strip().upper() not in _LEVELS:
                raise SettingsError(f"[logging] {logger} = {level!r}: not a log level")
            levels[logger] = level.strip().upper()

    url = env.get(ENV_SERVER_URL) or _get(cp, "server", "url", "ws://127.0.0.1:9000/ocpp")
    if not url.startswith(("ws://", "wss://")):
        raise SettingsError(f"[server] url = {url!r}: must start with ws:// or wss://")
    host_port = port if port is not None else _int(cp, "host", "port", 1234)
    if not 0 <= host_port <= 65535:
        raise SettingsError(f"[host] port = {host_port}: not a TCP port")

    cid = charger_id or _get(cp, "charger", "charger_id", "SIM001")
    if not cid or len(cid) > 255:
        raise SettingsError(f"[charger] charger_id = {cid!r}: must be 1-255 characters")
    max_offer = _float(cp, "charger", "max_offer", 32.0)
    min_to_start = _float(cp, "charger", "min_to_start", 6.0)
    info = {key: _get(cp, "charger", f"info_{key}", "") or None for key in _INFO_KEYS}
    boot = BootInfo(
        charge_point_vendor=info.pop("charge_point_vendor") or "ocppsim",
        charge_point_model=info.pop("charge_point_model") or "ocppsim",
        **info,
    )
    params = ChargerParams(
        charge_point_id=cid,
        number_of_connectors=_int(cp, "charger", "connectors", 1, minimum=1),
        max_offer_a=max_offer,
        min_to_start_a=min_to_start,
        phases=_int(cp, "charger", "phases", 3, minimum=1),
        boot_info=boot,
        default_profiles=_bool(cp, "charger", "default_profiles", False),
        meter_values_sample_interval=_int(cp, "charger", "metervalues_interval", 60),
    )
    if params.phases > 3:
        raise SettingsError(f"[charger] phases = {params.phases}: must be 1, 2 or 3")
    files: dict[str, Path | None] = {}
    for key in ("ca_file", "client_cert", "client_key"):
        text = _get(cp, "server", key, "")
        if text and not Path(text).is_file():
            raise SettingsError(f"[server] {key} = {text!r}: file not found")
        files[key] = Path(text) if text else None
    profile_text = _get(cp, "server", "security_profile", "")
    security_profile = _int(cp, "server", "security_profile", 0) if profile_text else None
    if security_profile is not None and security_profile > 3:
        raise SettingsError(f"[server] security_profile = {security_profile}: must be 0-3")
    if (files["client_cert"] is None) != (files["client_key"] is None):
        raise SettingsError("[server] client_cert and client_key go together")
    params = replace(
        params,
        has_central_system_root_certificate=files["ca_file"] is not None,
        has_charge_point_certificate=files["client_cert"] is not None,
    )
    return Settings(
        charger=params,
        server_url=url,
        http_auth=_bool(cp, "server", "http_auth", False),
        host_addr=_get(cp, "host", "addr", "127.0.0.1") or "127.0.0.1",
        host_port=host_port,
        conf_dir=Path(_get(cp, "charger", "conf_dir", "./ocppsim-data")),
        default_tag=_get(cp, "command", "tag", "12345678"),
        authorization_key=_get(cp, "charger", "authorization_key", "") or None,
        security_profile=security_profile,
        ca_file=files["ca_file"],
        client_cert=files["client_cert"],
        client_key=files["client_key"],
        reconnect_initial=_float(cp, "server", "reconnect_initial", 1.0, minimum=0.01),
        reconnect_max=_float(cp, "server", "reconnect_max", 60.0, minimum=0.01),
        reconnect_jitter=_float(cp, "server", "reconnect_jitter", 0.25),
        compression=_bool(cp, "server", "compression", False),
        proxy=_get(cp, "server", "proxy", "") or None,
        http=_http(cp),
        log_levels=levels,
        source=source,
    )


# ---------------------------------------------------------------------------------------------- fleet file


@dataclass(frozen=True, slots=True)
class FleetCharger:
    """One charger of a fleet file: its model parameters and how it reaches its CSMS."""

    params: ChargerParams
    url: str
    source_address: str | None = None
    security_profile: int | None = None
    authorization_key: str | None = None
    voltage: float | None = None
    ca_file: str | None = None  # verifies the CSMS certificate (profiles 2, 3)
    client_cert: str | None = None  # presented to the CSMS (profile 3)
    client_key: str | None = None
    ev_mix: EvMix | None = None  # the EVs the transaction generator brings to this kind of charger

    def config_defaults(self) -> dict[str, str]:
        """Configuration values this charger starts with (a value the CSMS changed and saved wins)."""
        seeds: dict[str, str] = {}
        if self.security_profile is not None:
            seeds["SecurityProfile"] = str(self.security_profile)
        if self.authorization_key:
            seeds["AuthorizationKey"] = self.authorization_key
        if self.voltage is not None:
            seeds["voltage_V"] = str(self.voltage)
        return seeds


@dataclass(frozen=True, slots=True)
class FleetSpec:
    chargers: tuple[FleetCharger, ...]
    ramp_per_s: float | None = None
    conf_dir: Path = Path("./ocppsim-fleet-data")
    seed: int = 1
    sessions: bool = False
    arrival_mean_s: float = 3600.0
    stay_mean_s: float = 1800.0
    remote_start_share: float = 0.0
    # Share of chargers that start charging on connector 1 once booted and go on (a steady load mix).
    charging_share: float = 0.0
    # Templates by name (their chargers' id is ""): what the REST API can create more chargers from.
    templates: dict[str, FleetCharger] = field(default_factory=dict)
    http: HttpSettings | None = None


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


def load_fleet_file(path: str | Path) -> FleetSpec:
    """A fleet file (TOML): [fleet] settings and [[template]] blocks, each with a count and an id pattern.

    [fleet]                      urls = ["ws://..."] (spread round-robin), source_addresses = ["127.0.0.2"]
                                 (round-robin, to go past ~28,000 connections per source address), ramp,
                                 conf_dir, seed, sessions, arrival_mean, stay_mean, remote_start_share,
                                 charging_share
    [[template]]                 name, count, id_pattern ("AC{:05d}", formatted with 1..count), vendor,
                                 model, connectors, max_current, min_to_start, phases, voltage,
                                 security_profile, authorization_key, ca_file, client_cert, client_key,
                                 meter_values_interval, max_power (W: lowers max_current), and the EV
                                 mix: ev_capacities_wh, ev_initial_soc ([low, high] %), ev_max_currents_a,
                                 ev_phases
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
