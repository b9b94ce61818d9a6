"""Signed meter values in the model (metering/block.py): with `signed_meter_values` the Transaction.Begin
and Transaction.End MeterValues ask for their energy register to be signed (data only: the model never
signs), always with that register among their Raw values; without it nothing changes."""

from __future__ import annotations

from charger_fixtures import ACCEPTED, T0, booted

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import AuthorizeReq, Effect, MeterValuesReq, StartTransactionReq
from ocppsim.model.types import Measurand, ReadingContext, RegistrationStatus


def start(ch: Charger, tag: str = "TAG") -> list[Effect]:
    """Plug in, present `tag`, accept it and the transaction; every effect, none drained away."""
    ch.ev_inputs.plug_in(1, T0)
    ch.authorization.present_tag(1, tag, T0)
    effects = ch.drain()
    ch.authorization.on_authorize_result(
        next(e for e in effects if isinstance(e, AuthorizeReq)), ACCEPTED, T0
    )
    effects = ch.drain()
    started = next(e for e in effects if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(started.tx_ref, 42, ACCEPTED, T0)
    return effects + ch.drain()


def begin_of(effects: list[Effect]) -> MeterValuesReq:
    (begin,) = [
        e for e in effects if isinstance(e, MeterValuesReq) and e.context is ReadingContext.TRANSACTION_BEGIN
    ]
    return begin


def meter_values(ch: Charger) -> list[MeterValuesReq]:
    return [e for e in ch.drain() if isinstance(e, MeterValuesReq)]


def register(req: MeterValuesReq) -> str:
    (value,) = [
        v.value
        for v in req.meter_value[0].sampled_value
        if v.measurand is Measurand.ENERGY_ACTIVE_IMPORT_REGISTER and v.format is None
    ]
    return value


def test_begin_and_end_readings_are_marked_for_signing() -> None:
    ch = booted(signed_meter_values="ocmf")
    begin = begin_of(start(ch, tag="04A1B2C3"))
    assert begin.sign is not None
    assert (begin.sign.reason, begin.sign.wh, begin.sign.id_tag) == ("B", 0, "04A1B2C3")
    assert begin.sign.clock_set  # the boot was accepted: the time counts as synchronized
    assert register(begin) == "0"
    ch.tick(T0 + 600)
    periodic = meter_values(ch)
    assert periodic and all(r.sign is None for r in periodic)  # periodic values stay unsigned
    ch.ev_inputs.unplug(1, T0 + 600)
    (end,) = [r for r in meter_values(ch) if r.context is ReadingContext.TRANSACTION_END]
    assert end.sign is not None
    assert (end.sign.reason, end.sign.id_tag) == ("E", "04A1B2C3")
    assert end.sign.wh == int(ch.metering.meter_registers()[1]) > 0
    assert register(end) == str(end.sign.wh)  # the very number the CSMS sees Raw
    assert end.tx_ref == begin.tx_ref


def test_the_register_is_added_when_the_configuration_leaves_it_out() -> None:
    ch = booted(signed_meter_values="ocmf")
    ch.configuration.change_configuration("MeterValuesSampledData", "Power.Active.Import", T0)
    begin = begin_of(start(ch))
    measurands = [v.measurand for v in begin.meter_value[0].sampled_value]
    assert measurands == [Measurand.POWER_ACTIVE_IMPORT, Measurand.ENERGY_ACTIVE_IMPORT_REGISTER]
    ch.configuration.change_configuration("MeterValuesSampledData", "", T0)
    ch.ev_inputs.unplug(1, T0 + 60)
    (end,) = [r for r in meter_values(ch) if r.context is ReadingContext.TRANSACTION_END]
    assert [v.measurand for v in end.meter_value[0].sampled_value] == [
        Measurand.ENERGY_ACTIVE_IMPORT_REGISTER
    ]
    assert end.sign is not None and register(end) == str(end.sign.wh)


def test_without_the_option_nothing_asks_for_a_signature() -> None:
    ch = booted()
    reqs = [e for e in start(ch) if isinstance(e, MeterValuesReq)]
    ch.ev_inputs.unplug(1, T0 + 600)
    reqs += meter_values(ch)
    assert {r.context for r in reqs} >= {ReadingContext.TRANSACTION_BEGIN, ReadingContext.TRANSACTION_END}
    assert all(r.sign is None for r in reqs)


def test_before_any_accepted_boot_the_time_is_not_synchronized() -> None:
    """A transaction of a charger no CSMS has accepted yet (Pending: its messages wait): the signed
    reading's time status is unknown (OCMF Table 19 "U"), not synchronized."""
    ch = Charger(ChargerParams("CP", strict_transitions=True, signed_meter_values="ocmf"), now=T0)
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.PENDING, 300, T0)
    ch.drain()
    begin = begin_of(start(ch))
    assert begin.sign is not None and not begin.sign.clock_set
