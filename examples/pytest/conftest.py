"""What to change to point these tests at your own central system.

1. Run them against it:  pytest examples/pytest --ocpp-url ws://csms.example.com:9000/ocpp
   (the charger id is appended to the URL; wss:// with --ocpp-ca-file for TLS).
2. Tags: VALID_TAG must be a tag your CSMS accepts, INVALID_TAG one it does not know (or set the
   environment variables OCPP_VALID_TAG / OCPP_INVALID_TAG).
3. Some tests need your CSMS to *do* something: send a RemoteStartTransaction, a charging profile, a
   Reset. They ask `backend` for it. With the built-in central system it sends the call itself; for yours,
   fill in YourCsmsBackend with calls to your CSMS's own API (REST, a queue, a database...). Until then
   those tests are skipped, not failed.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

VALID_TAG = os.environ.get("OCPP_VALID_TAG", "VALID-TAG-1")
INVALID_TAG = os.environ.get("OCPP_INVALID_TAG", "UNKNOWN-TAG-9")


class Backend:
    """How a test makes the central system act. Every method returns once the CSMS has sent the call."""

    async def remote_start(self, charger: Any, id_tag: str, connector: int = 1) -> None:
        raise NotImplementedError

    async def remote_stop(self, charger: Any, transaction_id: int) -> None:
        raise NotImplementedError

    async def limit_current(self, charger: Any, transaction_id: int, amps: float, connector: int = 1) -> None:
        raise NotImplementedError

    async def reset(self, charger: Any, kind: str = "Soft") -> None:
        raise NotImplementedError


class BuiltinBackend(Backend):
    """The built-in central system (ocppsim's `ocpp_csms` fixture) sends the calls."""

    def __init__(self, csms: Any) -> None:
        self.csms = csms

    async def remote_start(self, charger: Any, id_tag: str, connector: int = 1) -> None:
        await self.csms.call(charger, "RemoteStartTransaction", {"idTag": id_tag, "connectorId": connector})

    async def remote_stop(self, charger: Any, transaction_id: int) -> None:
        await self.csms.call(charger, "RemoteStopTransaction", {"transactionId": transaction_id})

    async def limit_current(self, charger: Any, transaction_id: int, amps: float, connector: int = 1) -> None:
        profile = {
            "chargingProfileId": 1,
            "transactionId": transaction_id,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": amps}],
            },
        }
        await self.csms.call(
            charger, "SetChargingProfile", {"connectorId": connector, "csChargingProfiles": profile}
        )

    async def reset(self, charger: Any, kind: str = "Soft") -> None:
        await self.csms.call(charger, "Reset", {"type": kind})


class YourCsmsBackend(Backend):
    """Fill in with your CSMS's API, then return it from `backend` below when --ocpp-url is given."""


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.config.getoption("--ocpp-url"):
        pytest.skip("needs your CSMS to send a call: fill in YourCsmsBackend in conftest.py")
    return BuiltinBackend(request.getfixturevalue("ocpp_csms"))


@pytest.fixture(autouse=True)
def _builtin_csms_knows_the_tags(request: pytest.FixtureRequest) -> None:
    """With the built-in central system (it accepts every tag), make INVALID_TAG unknown to it."""
    if not request.config.getoption("--ocpp-url") and "_ocpp_harness" in request.fixturenames:
        request.getfixturevalue("ocpp_csms").refuse_tags(INVALID_TAG)
