"""Security: the rules of the OCPP 1.6 Security Whitepaper (edition 2) that the charger applies to its
own connection: SecurityProfile and AuthorizationKey (section 2 "Security profiles", 2.4 "Basic
authentication"). Security profiles themselves are spoken by the runtime's transport.
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import ConfigChanged, Reconnect

__all__ = ["Security"]


class Security:
    __slots__ = ("_s",)

    def __init__(self, state: ChargerState) -> None:
        self._s = state

    def key_allowed(self, name: str, value: str) -> bool:
        """SecurityProfile, section 2: never lowered; 1 and 2 need an AuthorizationKey; 2 and 3 need a
        CentralSystemRootCertificate; 3 needs the charge point's own certificate."""
        if name != "SecurityProfile":
            return True
        state = self._s
        level = int(value)
        if level < state.config.get_int("SecurityProfile"):
            return False
        if level in (1, 2) and not state.config.raw("AuthorizationKey"):
            return False
        if level >= 2 and not state.params.has_central_system_root_certificate:
            return False
        return not (level == 3 and not state.params.has_charge_point_certificate)

    def connected_with(self, level: int) -> None:
        """OCPP 2.0.1 A05: a connection made with a network profile of a higher security profile makes it
        the station's SecurityProfile (never lowered); kept like any configuration value."""
        state = self._s
        if level > state.config.get_int("SecurityProfile"):
            state.config.store("SecurityProfile", str(level))
            state.emit(ConfigChanged("SecurityProfile", str(level)))

    def key_changed(self, name: str, value: str, now: float) -> None:
        # SecurityCtrlr.BasicAuthPassword: the 2.0.1 password (A01, TC_A_09: the next connection uses it).
        if name not in ("SecurityProfile", "AuthorizationKey", "SecurityCtrlr.BasicAuthPassword"):
            return
        # Respond first, then reconnect with the new credentials / profile (a SecurityProfile change is
        # only ever Accepted when it raises the profile).
        self._s.emit(Reconnect())
