"""A fleet file of one template, read back as the CLI reads it (the shard tests here)."""

from __future__ import annotations

from pathlib import Path

from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.settings.specs import FleetSpec


def one_template(folder: Path, count: int, share: float) -> FleetSpec:
    """`count` chargers of one template (ids M00000, M00001, ...), `share` of them charging."""
    path = folder / "fleet.toml"
    path.write_text(
        f'[fleet]\nurls = ["ws://127.0.0.1:9/ocpp"]\ncharging_share = {share}\nconf_dir = "{folder}"\n\n'
        f'[[template]]\nname = "mix"\ncount = {count}\nid_pattern = "M{{:05d}}"\n'
    )
    return load_fleet_file(str(path))
