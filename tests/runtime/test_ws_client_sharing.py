"""What a fleet's links share (runtime/ws_client.py, issue 20 per-charger memory): the extra headers of
the connect, which picows keeps for the connection's life, and the subprotocol string agreed; and what a
link lets go once the handshake is done (the upgrade's headers)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conftest import REAL_TIMEOUT
from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import ChargerParams
from ocppsim.model.interning import BoundedInterner
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
    # A password per charger cycles through the interner (model/interning.py): the first charger's
    # headers are no longer kept after 256 others, and an equal dict is made again.
    first = ws_client._shared_headers({"Authorization": "Basic 0"}, ["ocpp1.6"])
    for k in range(1, 300):
        ws_client._shared_headers({"Authorization": f"Basic {k}"}, ["ocpp1.6"])
    again = ws_client._shared_headers({"Authorization": "Basic 0"}, ["ocpp1.6"])
    assert again == first and again is not first


def test_an_interner_gives_the_first_equal_value_and_starts_over_when_full() -> None:
    interner: BoundedInterner[str, list[int]] = BoundedInterner(limit=2)
    a = [1]
    assert interner.intern("a", a) is a
    assert interner.intern("a", [1]) is a
    b = [2]
    assert interner.intern("b", b) is b
    c = [3]
    assert interner.intern("c", c) is c  # full: started over
    fresh = [1]
    assert interner.intern("a", fresh) is fresh


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
        # The upgrade request's and response's headers (~2.4 KB a connection) are gone once connected;
        # the links still work (both booted over them).
        for link in links:
            transport = link._transport
            assert transport is not None
            assert len(transport.request.headers) == 0 and len(transport.response.headers) == 0
        for _ in range(int(REAL_TIMEOUT / 0.01)):
            if len(csms.calls(action="BootNotification")) >= 2:
                break
            await asyncio.sleep(0.01)
        assert {c.charger_id for c in csms.calls(action="BootNotification")} == {"S0", "S1"}
    finally:
        fleet.stop()
        await asyncio.wait_for(runner, REAL_TIMEOUT)
