"""Functional block I (tariff and cost), the part this station serves: CostUpdated (I03 "Show EV Driver
running total cost during charging"), the running total kept per transaction while it runs and shown
where the REST API shows a charger (control/http/api_views.py `display_out`); TariffCostCtrlr."""

from __future__ import annotations

import pytest

from conformance_201.steps import call, component, get_variables, local_session, set_variables, variable
from conftest import Sim
from ocppsim.control.http.api_views import display_out


def _costs(sim: Sim) -> dict[str, float]:
    return display_out(sim.station)[1]


@pytest.mark.octt201("TC_I_01")
async def test_i01_running_cost_from_cost_updated(sim201: Sim) -> None:
    started = await local_session(sim201)
    tx = started["transactionInfo"]["transactionId"]
    assert await call(sim201, "CostUpdated", {"totalCost": 0.5, "transactionId": tx}) == {}
    assert await call(sim201, "CostUpdated", {"totalCost": 1.25, "transactionId": tx}) == {}
    assert _costs(sim201) == {tx: 1.25}
    # A cost for a transaction that does not run is answered (the response has no status) and not kept.
    assert await call(sim201, "CostUpdated", {"totalCost": 9, "transactionId": "424242"}) == {}
    assert _costs(sim201) == {tx: 1.25}
    await sim201.cmd("tag 12345678")  # the transaction ends: its running cost is no longer shown
    assert _costs(sim201) == {}


async def test_i_cost_not_kept_when_disabled_and_tariff_cost_variables(sim201: Sim) -> None:
    got = await get_variables(
        sim201,
        (component("TariffCostCtrlr"), variable("Available", "Cost"), None),
        (component("TariffCostCtrlr"), variable("Available", "Tariff"), None),
        (component("TariffCostCtrlr"), variable("Currency"), None),
    )
    assert [g.get("attributeValue") for g in got] == ["true", "false", "EUR"]
    result = await set_variables(
        sim201, (component("TariffCostCtrlr"), variable("Enabled", "Cost"), "false", None)
    )
    assert result[0]["attributeStatus"] == "Accepted"
    started = await local_session(sim201)
    tx = started["transactionInfo"]["transactionId"]
    assert await call(sim201, "CostUpdated", {"totalCost": 3, "transactionId": tx}) == {}
    assert _costs(sim201) == {}
