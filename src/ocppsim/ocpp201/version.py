"""The OCPP versions this adapter speaks and what differs between them on the wire: the WebSocket
subprotocol (part 4 section 3.1.2) and the folder of the official JSON schemas in the `ocpp` package.
OCPP 2.1 (backward compatible with 2.0.1, negotiated as "ocpp2.1") is to be one more entry here plus its
catalogue delta; it is not offered yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["V201", "VERSIONS", "OcppVersion"]


@dataclass(frozen=True, slots=True)
class OcppVersion:
    name: str  # as in the INI / --ocpp-version: "2.0.1"
    subprotocol: str  # Sec-WebSocket-Protocol (part 4 section 3.1.2)
    schemas: str  # folder under ocpp/ holding <Action>Request.json / <Action>Response.json


V201: Final = OcppVersion("2.0.1", "ocpp2.0.1", "v201")
VERSIONS: Final = {V201.name: V201}
