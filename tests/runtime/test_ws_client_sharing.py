"""What a fleet's links share (runtime/ws_client.py, issue 20 per-charger memory): the extra headers of
the connect, which picows keeps for the connection's life, and the subprotocol string agreed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.runtime import ws_client
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.station import StationOptions
from ocppsim.store import Store


def test_equal_connect_headers_are_one_dict_and_different_ones_are_not() -> None:
    one = ws_client._shared_headers({}, ["ocpp1.6"])
    assert one == {"Sec-WebSocket-Protocol": "ocpp1.6"}
    assert ws_client._shared_headers({}, ["ocpp1.6"]) is one
    both = ws_client._shared_headers({}, ["ocpp2.0.1", "ocpp1.6"])
    assert both == {"Sec-WebSocket-Protocol": "ocpp2.0.1, ocpp1.6"} and both is not one
    auth = ws_client._shared_headers({"Authorization": "Basic QTpi"}, ["ocpp1.6"])
    assert auth == {"Authorization": "Basic QTpi", "Sec-WebSocket-Protocol": "ocpp1.6"}
    assert auth is not one


def test_the_kept_headers_are_bounded() -> None:
    for k in range(ws_client._HEADERS_KEPT + 10):
        ws_client._shared_headers({"Authorization": f"Basic {k}"}, ["ocpp1.6"])
    assert len(ws_client._HEADERS) <= ws_client._HEADERS_KEPT


async def test_links_of_a_fleet_share_the_subprotocol_string(tmp_path: Path, csms: CentralSystem) -> None:
    fleet = Fleet(clock=FakeClock(), store=Store(tmp_path))
    stations = [fleet.add(ChargerParams(f"S{k}"), StationOptions(url=csms.url)) for k in range(2)]
    runner = asyncio.create_task(fleet.run())
    try:
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if all(st.online for st in stations):
                break
            await asyncio.sleep(0.01)
        links = [st._ws for st in stations]
        assert links[0] is not None and links[1] is not None
        assert links[0].subprotocol == "ocpp1.6" and links[0].subprotocol is links[1].subprotocol
    finally:
        fleet.stop()
        await asyncio.wait_for(runner, REAL_TIMEOUT)
