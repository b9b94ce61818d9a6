"""The fleet of one Locust worker assembled (`ocppsim locust-agent`): its store, the adapter's validators,
the runtime's fleet, served by the Locust surface (`ocppsim.control.locust.agent`)."""

from __future__ import annotations

from ocppsim.control.locust.agent import AgentOptions, run_agent
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import SystemClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.store import Store

__all__ = ["run_locust_agent"]


async def run_locust_agent(options: AgentOptions) -> None:
    validators.warm()
    clock = SystemClock()
    fleet = Fleet(clock=clock, store=Store(options.conf_dir))
    await run_agent(options, fleet)
