"""CS->CP operations of the configuration block: GetConfiguration (OCPP 1.6 section 5.8) and
ChangeConfiguration (5.3)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.device_model.keys import DEVICE_MODEL_KEYS
from ocppsim.model.types import ConfigurationStatus
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]

# A charger offering both versions keeps the 2.0.1 device model's own settings in its key registry
# ("TxCtrlr.TxStartPoint" ...): they are not 1.6 configuration keys, so 1.6 neither lists nor sets them.
_DEVICE_MODEL_ONLY = frozenset(spec.name.lower() for spec in DEVICE_MODEL_KEYS)


def _get_configuration(ch: Charger, p: Payload, now: float) -> Payload:
    known, unknown = ch.configuration.get_configuration(p.get("key"))
    if ch.config.spec("TxCtrlr.TxStartPoint") is not None:
        unknown += [kv.key for kv in known if kv.key.lower() in _DEVICE_MODEL_ONLY and p.get("key")]
        known = [kv for kv in known if kv.key.lower() not in _DEVICE_MODEL_ONLY]
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
    if p["key"].lower() in _DEVICE_MODEL_ONLY:
        return {"status": ConfigurationStatus.NOT_SUPPORTED.value}
    return {"status": ch.configuration.change_configuration(p["key"], p["value"], now).value}


HANDLERS: dict[str, Handler] = {
    "GetConfiguration": _get_configuration,
    "ChangeConfiguration": _change_configuration,
}
