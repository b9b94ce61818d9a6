"""What every CS->CP handler shares: its signature, and the exception that answers with a CALLERROR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocppsim.model.charger import Charger

__all__ = ["Handler", "OcppCallError", "Payload"]

Payload = dict[str, Any]
# (charger, validated request payload, now) -> CALLRESULT payload. Plain `def`: never awaits the network.
Handler = Callable[[Charger, Payload, float], Payload]


class OcppCallError(Exception):
    """Answer this CALL with a CALLERROR (OCPP-J section 4.2.3, Table 7 codes)."""

    def __init__(self, code: str, description: str = "") -> None:
        super().__init__(description)
        self.code = code
        self.description = description
