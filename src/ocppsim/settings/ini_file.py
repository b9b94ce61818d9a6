"""The INI file of the original ocppsim (format unchanged), with the --id / --port flags and the server URL
from the environment applied -> Settings."""

from __future__ import annotations

import ast
import configparser
import math
import os
from dataclasses import replace
from importlib import resources
from pathlib import Path

from ocppsim.model.charger_params import ChargerParams
from ocppsim.model.hardware import ProfileError, parse_profiles
from ocppsim.model.outgoing import BootInfo
from ocppsim.settings.flags import ENV_SERVER_URL
from ocppsim.settings.specs import (
    HttpSettings,
    Settings,
    SettingsError,
    parse_ocpp_versions,
    signed_meter_values,
)

__all__ = ["DEFAULT_INI", "load_settings"]

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


def _parse_error(source: str, exc: configparser.Error) -> str:
    """configparser's message spans lines and quotes Python reprs: one line naming the file and the line."""
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"{source}, line {exc.lineno}: {exc.line.strip()!r} comes before the first [section] header"
    if isinstance(exc, configparser.DuplicateSectionError | configparser.DuplicateOptionError):
        what = f"[{exc.section}]"
        if isinstance(exc, configparser.DuplicateOptionError):
            what += f" {exc.option}"
        return f"{source}, line {exc.lineno}: {what} is given twice"
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        lineno, shown = exc.errors[0]
        try:
            line = str(ast.literal_eval(shown)).strip()  # configparser keeps repr(line)
        except (ValueError, SyntaxError):
            line = str(shown).strip()
        rest = len(exc.errors) - 1
        more = f" (and {rest} more bad line{'s' if rest > 1 else ''})" if rest else ""
        if line.startswith("["):
            return f"{source}, line {lineno}: broken section header {line!r}: expected [name]{more}"
        return f"{source}, line {lineno}: {line!r} is neither a [section] header nor key = value{more}"
    return f"{source}: " + " ".join(str(exc).split())


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


def _profiles(text: str) -> tuple[str, ...] | None:
    """[charger] feature_profiles = Core,SmartCharging (empty: all six, section 3.3)."""
    if not text.strip():
        return None
    try:
        return parse_profiles(text)
    except ProfileError as exc:
        raise SettingsError(f"[charger] feature_profiles = {text!r}: {exc}") from None


def load_settings(
    path: str | Path | None,
    *,
    charger_id: str | None = None,
    port: int | None = None,
    environ: dict[str, str] | None = None,
    require_file: bool = True,
    ocpp_version: str | None = None,
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
        raise SettingsError(_parse_error(source, exc)) from None

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
        # FirmwareManagement failures a test switches on (OCTT TC_044_2, TC_044_3, TC_045_2).
        firmware_download_fails=_bool(cp, "charger", "firmware_download_fails", False),
        firmware_install_fails=_bool(cp, "charger", "firmware_install_fails", False),
        diagnostics_upload_fails=_bool(cp, "charger", "diagnostics_upload_fails", False),
        # How the charge point is built (model/hardware.py; OCTT TC_017_2, TC_024, TC_042_1 ...).
        fixed_cable=_bool(cp, "charger", "fixed_cable", False),
        lock_fails=_bool(cp, "charger", "lock_fails", False),
        feature_profiles=_profiles(_get(cp, "charger", "feature_profiles", "")),
        ocpp_versions=parse_ocpp_versions(
            ocpp_version or _get(cp, "charger", "ocpp_version", "1.6"),
            "--ocpp-version" if ocpp_version else "[charger] ocpp_version",
        ),
        # Eichrecht: sign the Transaction.Begin / End energy readings (runtime/ocmf_signer.py).
        signed_meter_values=signed_meter_values(
            _get(cp, "charger", "signed_meter_values", ""), "[charger] signed_meter_values"
        ),
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
        tls_skip_hostname_check=_bool(cp, "server", "tls_skip_hostname_check", False),
        proxy=_get(cp, "server", "proxy", "") or None,
        http=_http(cp),
        log_levels=levels,
        source=source,
    )
