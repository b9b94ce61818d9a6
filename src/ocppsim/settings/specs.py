"""The frozen settings every source (INI file, fleet file, flags, environment) ends in: what the assembly
(ocppsim.app) builds a process from. Errors name the section and key; the CLI turns them into exit code 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ocppsim.model.charger_params import ChargerParams
from ocppsim.model.vehicles import EvMix

__all__ = [
    "HTTP_TOKEN_ENV",
    "LOOPBACK_HOSTS",
    "FleetCharger",
    "FleetSpec",
    "HttpSettings",
    "Settings",
    "SettingsError",
    "parse_ocpp_versions",
    "signed_meter_values",
]


class SettingsError(ValueError):
    """A bad INI value or combination; the message names the key."""


# The OCPP versions a charger can speak ([charger] ocpp_version, --ocpp-version, a fleet template's
# ocpp_version): one, or several in the order offered to the CSMS, which picks (OCPP-J section 3.1.2).
OCPP_VERSIONS = ("1.6", "2.0.1")


def parse_ocpp_versions(text: str, where: str) -> tuple[str, ...]:
    """ "2.0.1" or "2.0.1,1.6" -> ("2.0.1", "1.6"); SettingsError naming `where` otherwise."""
    versions = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [v for v in versions if v not in OCPP_VERSIONS]
    if not versions or unknown or len(set(versions)) != len(versions):
        raise SettingsError(
            f"{where} = {text!r}: one or more of {', '.join(OCPP_VERSIONS)}, comma-separated, each once"
        )
    return versions


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Signed meter values (German calibration law): the formats a charger can sign in.
SIGNED_METER_VALUE_FORMATS = ("ocmf",)


def signed_meter_values(text: str | None, where: str) -> str | None:
    """`ocmf` (case-insensitive) -> "ocmf"; empty, `none` or `off` -> None (Raw values only). `where`
    names the setting in the error (`[charger] signed_meter_values`, `--signed-meter-values`)."""
    value = (text or "").strip().lower()
    if value in ("", "none", "off"):
        return None
    if value not in SIGNED_METER_VALUE_FORMATS:
        raise SettingsError(f"{where} = {text!r}: must be ocmf or none")
    return value


# Where a bearer token can come from instead of --http-token: the environment is not in the process list.
HTTP_TOKEN_ENV = "OCPPSIM_HTTP_TOKEN"


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
            raise SettingsError(
                f"REST API on {self.host} (--http or [http] addr): off loopback it needs a bearer token:"
                f" --http-token, ${HTTP_TOKEN_ENV} or [http] token"
            )


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
    # Skip only the host name check of the CSMS's TLS certificate (never the chain): off by default.
    tls_skip_hostname_check: bool = False
    # Reconnect back-off: first wait, cap, +- jitter share (offline doc section 1)
    reconnect_initial: float = 1.0
    reconnect_max: float = 60.0
    reconnect_jitter: float = 0.25
    compression: bool = False
    proxy: str | None = None
    http: HttpSettings | None = None  # None: no REST API / dashboard
    log_levels: dict[str, str] = field(default_factory=dict)
    source: str = "<defaults>"


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
    # Security Whitepaper: skip only the host name check of the CSMS certificate.
    tls_skip_hostname_check: bool = False

    def config_defaults(self) -> dict[str, str]:
        """Configuration values this charger starts with (a value the CSMS changed and saved wins)."""
        seeds: dict[str, str] = {}
        if self.security_profile is not None:
            seeds["SecurityProfile"] = str(self.security_profile)
        if self.authorization_key:
            seeds["AuthorizationKey"] = self.authorization_key
            seeds["SecurityCtrlr.BasicAuthPassword"] = self.authorization_key  # 2.0.1 (16-40 characters)
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
