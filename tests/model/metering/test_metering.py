"""Metering (metering/block.py): the energy register, on the Charger."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted, start_charging

from ocppsim.model.outgoing import AuthorizeReq, StartTransactionReq, StopTransactionReq


def test_energy_register_is_monotonic_across_sessions() -> None:
    ch = booted()
    start_charging(ch)
    ch.ev_inputs.unplug(1, T0 + 3600)
    stop = next(e for e in ch.drain() if isinstance(e, StopTransactionReq))
    assert stop.meter_stop == 22080
    ch.ev_inputs.plug_in(1, T0 + 4000)
    ch.authorization.present_tag(1, "TAG", T0 + 4000)
    req = ch.drain()[-1]
    assert isinstance(req, AuthorizeReq)
    ch.authorization.on_authorize_result(req, ACCEPTED, T0 + 4000)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    assert start.meter_start == 22080  # the register, not a per-session counter (errata 3.9)
