"""CS->CP operations of the configuration block: GetConfiguration (OCPP 1.6 section 5.8) and
ChangeConfiguration (5.3)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _get_configuration(ch: Charger, p: Payload, now: float) -> Payload:
    known, unknown = ch.configuration.get_configuration(p.get("key"))
    result: Payload = {
        "configurationKey": [
            {"key": kv.key, "readonly": kv.readonly, **({"value": kv.value} if kv.value is not None else {})}
            for kv in known
        ]
    }
    if unknown:
        result["unknownKey"] = unknown
    return result


def _change_configuration(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.configuration.change_configuration(p["key"], p["value"], now).value}


HANDLERS: dict[str, Handler] = {
    "GetConfiguration": _get_configuration,
    "ChangeConfiguration": _change_configuration,
}
