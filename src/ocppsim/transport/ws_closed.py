"""Either WebSocket library's closed connection, for `except` clauses: the built-in central system serves
on both (transport/ws_library.py says which carries a connection)."""

from __future__ import annotations

import picows.websockets.exceptions as picows_errors
import websockets.exceptions as websockets_errors

__all__ = ["CONNECTION_CLOSED"]

CONNECTION_CLOSED: tuple[type[Exception], ...] = (
    websockets_errors.ConnectionClosed,
    picows_errors.ConnectionClosed,
)
