"""What every 2.0.1 handler shares: its signature (the station's adapter session, the validated payload,
`now`) and the exception that answers with a CALLERROR (the 1.6 adapter's: the frames are the same,
part 4 section 4; only the code strings differ, ocpp201/framing.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocppsim.ocpp16.handlers.call_error import OcppCallError
from ocppsim.ocpp201.session import Session

__all__ = ["Handler", "OcppCallError", "Payload", "evse_connector"]

Payload = dict[str, Any]
Handler = Callable[[Session, Payload, float], Payload]


def evse_connector(session: Session, evse: Payload | None) -> int | None:
    """The model's connector for an EVSEType (EVSE n = connector n; each EVSE has connector 1);
    None when the station has no such EVSE / connector. 0 = the whole station (no evse given)."""
    if evse is None:
        return 0
    evse_id = evse["id"]
    if not session.charger.has_connector(evse_id) or evse.get("connectorId", 1) != 1:
        return None
    return int(evse_id)
