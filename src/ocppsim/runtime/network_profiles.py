"""Where a station connects: the options' URL, or for an OCPP 2.0.1 station its network connection
profiles (B09 SetNetworkProfile fills a configuration slot; B10: NetworkConfigurationPriority orders
them; after NetworkProfileConnectionAttempts failed attempts the next one is tried, and a reboot starts
from the first again). Slot 1 empty is the connection the station was started with. Read from the
charger's configuration at each attempt."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ocppsim.model.charger import Charger

__all__ = ["Endpoint", "Endpoints"]

_PRIORITY = "OCPPCommCtrlr.NetworkConfigurationPriority"


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str  # the CSMS URL the charger's identity is appended to
    security_profile: int | None  # None: the charger's SecurityProfile


class Endpoints:
    __slots__ = ("_charger", "_default", "_failures", "_index")

    @staticmethod
    def of(charger: Charger, default_url: str) -> Endpoints | None:
        """The profiles of a charger that has them (2.0.1), else None."""
        if charger.config.spec(_PRIORITY) is None:
            return None
        return Endpoints(charger, default_url)

    def __init__(self, charger: Charger, default_url: str) -> None:
        self._charger = charger
        self._default = Endpoint(default_url, None)
        self._index = 0
        self._failures = 0

    def _usable(self) -> list[Endpoint]:
        config = self._charger.config
        if config.spec(_PRIORITY) is None:
            return [self._default]  # a 1.6 charger: the one URL it was given
        usable = []
        for slot in config.raw(_PRIORITY).split(","):
            text = config.raw(f"NetworkConnectionProfile.{slot}")
            if text:
                data = json.loads(text)
                usable.append(Endpoint(data["ocppCsmsUrl"], int(data["securityProfile"])))
            elif slot == "1":
                usable.append(self._default)
        return usable or [self._default]

    def current(self) -> Endpoint:
        usable = self._usable()
        return usable[self._index % len(usable)]

    def failed(self) -> None:
        """A connection attempt failed: after NetworkProfileConnectionAttempts, the next profile."""
        config = self._charger.config
        attempts_key = "OCPPCommCtrlr.NetworkProfileConnectionAttempts"
        attempts = config.get_int(attempts_key) if config.spec(attempts_key) is not None else 0
        self._failures += 1
        if attempts > 0 and self._failures >= attempts:
            self._index += 1
            self._failures = 0

    def succeeded(self) -> None:
        self._failures = 0

    def restart(self) -> None:
        """A reboot: the first profile of the priority again."""
        self._index = 0
        self._failures = 0
