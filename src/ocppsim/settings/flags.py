"""Settings from the command line and the environment: --http [HOST:]PORT and its token, a fleet from
--count / --url / ... flags, and the environment variables that stand in for flags."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from ocppsim.model.charger_params import ChargerParams
from ocppsim.settings.specs import (
    HTTP_TOKEN_ENV,
    FleetCharger,
    FleetSpec,
    HttpSettings,
    SettingsError,
    signed_meter_values,
)

__all__ = [
    "ENV_SERVER_URL",
    "HTTP_TOKEN_ENV",
    "fleet_spec_from_flags",
    "http_from_flags",
    "parse_http_address",
]

ENV_SERVER_URL = "BALANZ_SERVER_URL"


def parse_http_address(text: str, base: HttpSettings | None = None, token: str | None = None) -> HttpSettings:
    """`--http PORT`, `--http HOST:PORT` (the rest from `base`; a `token` replaces its token)."""
    base = base or HttpSettings()
    host, _, port_text = text.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise SettingsError(f"--http {text!r}: expected PORT or HOST:PORT") from None
    changes: dict[str, Any] = {"host": host.strip("[]") or base.host, "port": port}
    if token:
        # Set with the address, not after it: off loopback the settings refuse to exist without a token.
        changes["token"] = token
    return replace(base, **changes)


def http_from_flags(args: argparse.Namespace, base: HttpSettings | None) -> HttpSettings | None:
    """[http] from the file, changed by --http / --http-token; raises SettingsError."""
    token = args.http_token or None
    if args.http:
        return parse_http_address(args.http, base, token)
    if base is not None and token:
        return replace(base, token=token)
    return base


def fleet_spec_from_flags(args: argparse.Namespace) -> FleetSpec | str:
    """The simple case: --count chargers like one another; an error message when the flags don't fit."""
    if args.count < 1 or not args.url:
        return "give --config FILE, or --count N and --url URL"
    if args.connectors < 1:
        return "--connectors must be >= 1"
    if not args.url.startswith(("ws://", "wss://")):
        return "--url must start with ws:// or wss://"
    try:
        ids = [args.id_pattern.format(n) for n in range(1, args.count + 1)]
    except (IndexError, KeyError, ValueError) as exc:
        return f"bad --id-pattern {args.id_pattern!r}: {exc}"
    if len(set(ids)) != len(ids):
        return f"--id-pattern {args.id_pattern!r} gives duplicate ids"
    try:
        signed = signed_meter_values(args.signed_meter_values, "--signed-meter-values")
    except SettingsError as exc:
        return str(exc)
    params = ChargerParams("", number_of_connectors=args.connectors, signed_meter_values=signed)
    template = FleetCharger(params, args.url)
    return FleetSpec(
        chargers=tuple(
            replace(template, params=replace(template.params, charge_point_id=cid)) for cid in ids
        ),
        templates={"default": template},
        ramp_per_s=args.ramp or None,
        conf_dir=Path(args.conf_dir),
        seed=args.seed,
        sessions=args.sessions,
        arrival_mean_s=args.arrival_mean,
        stay_mean_s=args.stay_mean,
        remote_start_share=args.remote_share,
        charging_share=args.charging_share,
    )
