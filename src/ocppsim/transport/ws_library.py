"""Which WebSocket library carries a connection.

Plain ws:// goes over picows (compiled framing; see runtime/ws_client.py for the measured difference),
wss:// and permessage-deflate over `websockets`. `OCPPSIM_WS=websockets` puts everything on
`websockets` (to compare, or to rule picows out). The charger runtime and the built-in central system
both follow this choice. How to recognise either library's closed connection: transport/ws_closed.py
(apart, so that choosing imports neither library: a fleet on ws:// runs without `websockets`).
"""

from __future__ import annotations

import os

__all__ = ["use_picows"]


def use_picows(url: str, *, compression: bool = False) -> bool:
    return url.startswith("ws://") and not compression and os.environ.get("OCPPSIM_WS", "picows") == "picows"
