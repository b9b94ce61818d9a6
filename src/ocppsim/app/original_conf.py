"""Moving from the original single-file ocppsim keeps what its central system set.

The original persists the configuration values a CSMS changed (ChangeConfiguration, OCPP 1.6 section 5.3;
for security profile 1 above all the AuthorizationKey, Security Whitepaper section 2) in
`<conf_dir>/<charger id>.conf`, one `key=value` line each. A charger moved to ocppsim with the same
`conf_dir` must connect with those credentials, not with an empty Basic-auth password. So on the first
start of that charger id in this `conf_dir` (the store knows nothing of it yet) the file's values go into
the store, once; from then on the store is the truth and the file is left as it was.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ocppsim.store import Store

__all__ = ["import_original_conf", "read_original_conf"]

log = logging.getLogger("ocppsim.migrate")


def read_original_conf(path: Path) -> dict[str, str]:
    """The `key=value` lines of the original's file. A value may itself contain `=` (generated keys can):
    split on the first one only. Blank lines and `#` comments are skipped, as are lines without `=`."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        if key.strip():
            values[key.strip()] = value.strip()
    return values


def import_original_conf(store: Store, conf_dir: Path, charger_id: str) -> list[str]:
    """Import `<conf_dir>/<charger_id>.conf` into the store on the charger's first start; returns the keys
    imported (empty when there is no file or the store already knows the charger). Values are never logged:
    the file holds secrets."""
    path = Path(conf_dir) / f"{charger_id}.conf"
    if not path.is_file() or charger_id in store.chargers.ids():
        return []
    values = read_original_conf(path)
    for key, value in values.items():
        store.config.save(charger_id, key, value)
    store.flush()
    log.info(
        "charger %s: imported %d configuration value(s) from the original ocppsim's %s (%s)",
        charger_id,
        len(values),
        path,
        ", ".join(sorted(values)) or "none",
    )
    return sorted(values)
