"""CS->CP operations of the authorization block: ClearCache (OCPP 1.6 section 5.4), SendLocalList
(5.15), GetLocalListVersion (5.10)."""

from __future__ import annotations

from ocppsim.model.charger import Charger
from ocppsim.model.types import UpdateType
from ocppsim.ocpp16.convert import id_tag_info
from ocppsim.ocpp16.handlers.call_error import Handler, Payload

__all__ = ["HANDLERS"]


def _clear_cache(ch: Charger, p: Payload, now: float) -> Payload:
    return {"status": ch.authorization.clear_cache().value}


def _send_local_list(ch: Charger, p: Payload, now: float) -> Payload:
    entries = [(e["idTag"], id_tag_info(e.get("idTagInfo"))) for e in p.get("localAuthorizationList") or []]
    status = ch.authorization.send_local_list(p["listVersion"], UpdateType(p["updateType"]), entries)
    return {"status": status.value}


def _get_local_list_version(ch: Charger, p: Payload, now: float) -> Payload:
    return {"listVersion": ch.authorization.get_local_list_version()}


HANDLERS: dict[str, Handler] = {
    "ClearCache": _clear_cache,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
}
