"""CS->CP operations of the tariff and cost block in 2.0.1 (part 2 I): CostUpdated (I03 "Show EV Driver
running total cost during charging"). The running total is kept per transaction while it runs and shown
in the charger's status (model/display/block.py); the response has no fields to refuse it with."""

from __future__ import annotations

from ocppsim.ocpp201.display import display_of, running_transactions
from ocppsim.ocpp201.handlers.call_error import Handler, Payload
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _cost_updated(session: Session, p: Payload, now: float) -> Payload:
    charger = session.charger
    if charger.config.get_bool("TariffCostCtrlr.Enabled[Cost]"):
        # totalCost arrives as a Decimal-free JSON number (orjson): a float, in TariffCostCtrlr.Currency.
        display_of(charger).cost_updated(
            p["transactionId"], float(p["totalCost"]), running_transactions(charger)
        )
    return {}


HANDLERS: dict[str, Handler] = {"CostUpdated": _cost_updated}
