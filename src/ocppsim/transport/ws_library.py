"""Which WebSocket library carries a connection, and how to recognise either library's closed connection.

Plain ws:// goes over picows (compiled framing; see runtime/ws_client.py for the measured difference),
wss:// and permessage-deflate over `websockets`. `OCPPSIM_WS=websockets` puts everything on
`websockets` (to compare, or to rule picows out). The charger runtime and the built-in central system
both follow this choice.
"""

from __future__ import annotations

import os

import picows.websockets.exceptions as picows_errors
import websockets.exceptions as websockets_errors

__all__ = ["CONNECTION_CLOSED", "use_picows"]

# Either library's exceptions, for `except` clauses (the built-in CSMS serves on both).
CONNECTION_CLOSED: tuple[type[Exception], ...] = (
    websockets_errors.ConnectionClosed,
    picows_errors.ConnectionClosed,
)


def use_picows(url: str, *, compression: bool = False) -> bool:
    return url.startswith("ws://") and not compression and os.environ.get("OCPPSIM_WS", "picows") == "picows"
