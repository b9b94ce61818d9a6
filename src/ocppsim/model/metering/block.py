"""Metering: sampled and clock-aligned meter values (OCPP 1.6 sections 3.16 Metering Data, 4.7
MeterValues; configuration keys of section 9.1 MeterValue*/StopTxn*; errata 3.89 for the values kept
for StopTransaction.transactionData). The meter itself (register, sampling plans) is `model/meter.py`.

Periodic samples are counted from the transaction's start (metering.md section 3); clock-aligned ones
from UTC midnight.

OCPP 2.0.1 (J02): a 2.0.1 charger has intervals of its own for the values its Ended event carries,
SampledDataCtrlr.TxEndedInterval (from the start, like the periodic ones) and AlignedDataCtrlr.
TxEndedInterval (from midnight); 0 takes none between Begin and End. A 1.6 charger has neither key and
keeps StopTxn*Data with its MeterValues samples (section 9.1).

Signed meter values (German calibration law; ChargerParams.signed_meter_values = "ocmf"): the readings
a customer is billed by are the transaction's first and last register readings, so those are signed: the
MeterValues of context Transaction.Begin (sent right after StartTransaction) and Transaction.End each ask
the runtime to sign the register they report Raw (`SignedReading`; OCMF 1.2 "Embedding in OCPP": signed
values "in addition to the usual raw values", at "the start and end of the charging process"). The
register is added Raw when MeterValuesSampledData leaves it out, so there is always one to sign.
On 2.0.1 SampledDataCtrlr.SignReadings switches it (the signed pair travels in TransactionEvents,
ocpp201/wire.py). Periodic values stay unsigned: the Begin/End pair is what a transparency software
checks, and an OCMF record per sample would grow every MeterValues several-fold for no billing use.
"""

from __future__ import annotations

import math

from ocppsim.model.charger_state import ChargerState, Connector, Transaction
from ocppsim.model.meter import MeterSnapshot, MeterValue, SampledValue, sample, sample_shaped
from ocppsim.model.outgoing import MeterValuesReq, SignedReading
from ocppsim.model.types import Location, Measurand, ReadingContext, UnitOfMeasure

__all__ = ["Metering"]

# Enum members as module constants on the per-message path: Python 3.11 reads a member through the enum
# type's __getattr__ hook, ~3x a plain attribute.
_SAMPLE_PERIODIC = ReadingContext.SAMPLE_PERIODIC
_TRANSACTION_BEGIN = ReadingContext.TRANSACTION_BEGIN
_TRANSACTION_END = ReadingContext.TRANSACTION_END
_SAMPLED_ENDED = "SampledDataCtrlr.TxEndedInterval"
_ALIGNED_ENDED = "AlignedDataCtrlr.TxEndedInterval"
_ENERGY_REGISTER = Measurand.ENERGY_ACTIVE_IMPORT_REGISTER
_SIGN_READINGS = "SampledDataCtrlr.SignReadings"
_TX_POINT_KEYS = ("TxCtrlr.TxStartPoint", "TxCtrlr.TxStopPoint")


class Metering:
    __slots__ = ("_s", "next_aligned", "next_aligned_ended")

    def __init__(self, state: ChargerState) -> None:
        self._s = state
        self.next_aligned: float | None = None
        self.next_aligned_ended: float | None = None  # 2.0.1 AlignedDataCtrlr.TxEndedInterval

    def _ended_interval(self, key: str) -> int | None:
        """The 2.0.1 TxEndedInterval of `key`; None on a 1.6 charger (it has no such key)."""
        config = self._s.config
        return config.get_int(key) if config.spec(key) is not None else None

    def signing(self) -> bool:
        """The Begin / End readings are signed: a signing meter, and on 2.0.1 SampledDataCtrlr.SignReadings
        (J02; a 1.6 charger has no such key and signs whenever it has the meter)."""
        state = self._s
        if not state.params.signed_meter_values:
            return False
        config = state.config
        return config.spec(_SIGN_READINGS) is None or config.get_bool(_SIGN_READINGS)

    def meter_registers(self) -> dict[int, float]:
        return {cid: c.register.wh for cid, c in self._s.connectors.items()}

    # ------------------------------------------------------------------ sampling

    def _snapshot(self, c: Connector) -> MeterSnapshot:
        state = self._s
        phases = state.params.phases
        ev = c.ev
        in_use = min(ev.phases, phases, c.offer_phases)  # phases_in_use, inline: every sample reads it
        return MeterSnapshot(
            c.register.wh,
            c.current_a,
            in_use if in_use > 1 else 1,
            phases,
            state.config.get_float("voltage_V"),
            c.offer_a,
            c.offer_phases,
            ev.soc if c.plugged else None,
        )

    def sample(
        self,
        c: Connector,
        key: str,
        context: ReadingContext,
        now: float,
        snap: MeterSnapshot | None = None,
    ) -> MeterValue | None:
        """The measurands of configuration `key` now (`snap`: the connector's snapshot of this instant,
        when the caller samples more than one list)."""
        measurands = self._s.config.get_measurands(key)
        if not measurands:
            return None
        values, shape = sample_shaped(measurands, context, snap or self._snapshot(c))
        return MeterValue(self._s.ts(now), values, shape) if values else None

    def _keep_transaction_data(self, tx: Transaction, value: MeterValue) -> None:
        tx.data.append(value)
        limit = self._s.config.get_int("StopTransactionMaxMeterValues")
        # Errata 3.89: beyond the limit drop intermediate values, never Transaction.Begin / End.
        while len(tx.data) > max(limit, 2):
            tx.data.drop(1)

    # ------------------------------------------------------------------ a transaction's values

    def schedule_samples(self, tx: Transaction, now: float) -> None:
        interval = self._s.config.get_int("MeterValueSampleInterval")
        tx.next_sample = now + interval if interval > 0 else None
        ended = self._ended_interval(_SAMPLED_ENDED)
        tx.next_ended_sample = now + ended if ended else None

    def begin_transaction(self, c: Connector, tx: Transaction, now: float) -> None:
        begin = self.sample(c, "StopTxnSampledData", _TRANSACTION_BEGIN, now)
        if begin is not None:
            tx.data.append(begin)

    def begin_values(self, c: Connector, tx: Transaction, now: float) -> None:
        """The MeterValues of context Transaction.Begin, right after StartTransaction (the original's
        `tag`): MeterValuesSampledData, and the signed register when signing."""
        values = self.sample(c, "MeterValuesSampledData", _TRANSACTION_BEGIN, now)
        if self.signing():
            self._emit_signed(c, tx, _TRANSACTION_BEGIN, values, now)
        elif values is not None:
            self._s.emit(MeterValuesReq(c.id, (values,), tx.ref, _TRANSACTION_BEGIN))

    def end_transaction(self, c: Connector, tx: Transaction, now: float) -> None:
        """Transaction.End values: a MeterValues of MeterValuesSampledData, and the last of the data kept
        for StopTransaction."""
        end = self.sample(c, "MeterValuesSampledData", _TRANSACTION_END, now)
        if self.signing():
            self._emit_signed(c, tx, _TRANSACTION_END, end, now)
        elif end is not None:
            self._s.emit(MeterValuesReq(c.id, (end,), tx.ref, _TRANSACTION_END))
        end_data = self.sample(c, "StopTxnSampledData", _TRANSACTION_END, now)
        if end_data is not None:
            tx.data.append(end_data)

    def _emit_signed(
        self, c: Connector, tx: Transaction, context: ReadingContext, values: MeterValue | None, now: float
    ) -> None:
        """A MeterValues whose energy register the runtime signs: the Raw register value is always in it
        (the signed number must be one the CSMS sees unsigned too), with `values` when configured."""
        state = self._s
        wh = c.register.reading
        if values is None or not any(
            v.measurand is _ENERGY_REGISTER and v.phase is None for v in values.sampled_value
        ):
            register = SampledValue(str(wh), context, _ENERGY_REGISTER, UnitOfMeasure.WH, Location.OUTLET)
            sampled = (values.sampled_value if values is not None else ()) + (register,)
            values = MeterValue(state.ts(now), sampled)
        reading = SignedReading(
            "B" if context is _TRANSACTION_BEGIN else "E", wh, tx.id_tag, state.ever_accepted
        )
        state.emit(MeterValuesReq(c.id, (values,), tx.ref, context, reading))

    # ------------------------------------------------------------------ time

    def tick(self, now: float) -> None:
        """The samples due now (after the status has been settled for this instant)."""
        interval = self._s.config.get_int("MeterValueSampleInterval")
        for c in self._s.connectors.values():
            tx = c.tx
            if tx is not None and tx.next_sample is not None and now >= tx.next_sample - 1e-9:
                self._periodic_sample(c, tx, now)
                # Counted from transaction start (metering.md section 3); skip missed instants.
                while tx.next_sample is not None and tx.next_sample <= now + 1e-9:
                    tx.next_sample = tx.next_sample + interval if interval > 0 else None
            if tx is not None and tx.next_ended_sample is not None and now >= tx.next_ended_sample - 1e-9:
                self._ended_sample(c, tx, "StopTxnSampledData", _SAMPLE_PERIODIC, now)
                ended = self._ended_interval(_SAMPLED_ENDED) or 0
                while tx.next_ended_sample is not None and tx.next_ended_sample <= now + 1e-9:
                    tx.next_ended_sample = tx.next_ended_sample + ended if ended > 0 else None
        if self.next_aligned is not None and now >= self.next_aligned:
            self._clock_aligned_sample(now)
            self.schedule_aligned(now)
        if self.next_aligned_ended is not None and now >= self.next_aligned_ended:
            for c in self._s.connectors.values():
                if c.tx is not None:
                    self._ended_sample(c, c.tx, "StopTxnAlignedData", ReadingContext.SAMPLE_CLOCK, now)
            self.schedule_aligned(now)

    def _ended_sample(
        self, c: Connector, tx: Transaction, key: str, context: ReadingContext, now: float
    ) -> None:
        data = self.sample(c, key, context, now)
        if data is not None:
            self._keep_transaction_data(tx, data)

    def _periodic_sample(self, c: Connector, tx: Transaction, now: float) -> None:
        snap = self._snapshot(c)  # one instant for both lists
        values = self.sample(c, "MeterValuesSampledData", _SAMPLE_PERIODIC, now, snap)
        if values is not None:
            self._s.emit(MeterValuesReq(c.id, (values,), tx.ref, _SAMPLE_PERIODIC))
        if self._ended_interval(_SAMPLED_ENDED) is not None:
            return  # 2.0.1: the Ended event's values follow TxEndedInterval, not these samples
        data = self.sample(c, "StopTxnSampledData", _SAMPLE_PERIODIC, now, snap)
        if data is not None:
            self._keep_transaction_data(tx, data)

    def schedule_aligned(self, now: float) -> None:
        state = self._s
        self.next_aligned = self._next_boundary(state.config.get_int("ClockAlignedDataInterval"), now)
        ended = self._ended_interval(_ALIGNED_ENDED)
        self.next_aligned_ended = self._next_boundary(ended, now) if ended else None

    def _next_boundary(self, interval: int, now: float) -> float | None:
        if interval <= 0:
            return None
        state = self._s
        # Aligned to UTC midnight (our documented choice, configuration-keys.md ClockAlignedDataInterval).
        t = now + state.clock_offset
        midnight = math.floor(t / 86400.0) * 86400.0
        # The next boundary strictly after now (a boundary just sampled is not due again).
        nxt = midnight + (math.floor((t - midnight) / interval) + 1) * interval
        nxt = min(nxt, midnight + 86400.0)
        return nxt - state.clock_offset

    def _clock_aligned_sample(self, now: float) -> None:
        state = self._s
        for c in state.connectors.values():
            values = self.sample(c, "MeterValuesAlignedData", ReadingContext.SAMPLE_CLOCK, now)
            ref = c.tx.ref if c.tx else None
            if values is not None:
                state.emit(MeterValuesReq(c.id, (values,), ref, ReadingContext.SAMPLE_CLOCK))
            if c.tx is not None and self._ended_interval(_ALIGNED_ENDED) is None:
                data = self.sample(c, "StopTxnAlignedData", ReadingContext.SAMPLE_CLOCK, now)
                if data is not None:
                    self._keep_transaction_data(c.tx, data)

    def main_meter_values(self, now: float) -> MeterValuesReq:
        """Connector 0's meter (TriggerMessage MeterValues on connector 0): the sum of the connectors,
        measured at the inlet, without the per-connector SoC and offer."""
        state = self._s
        phases = state.params.phases
        total = sum(c.register.wh for c in state.connectors.values())
        current = sum(c.current_a for c in state.connectors.values())
        snap = MeterSnapshot(total, current, phases, phases, state.voltage, 0.0, phases, None)
        values = sample(
            state.config.get_measurands("MeterValuesSampledData"),
            ReadingContext.TRIGGER,
            snap,
            location=Location.INLET,
        )
        values = tuple(
            v for v in values if v.measurand.value not in ("SoC", "Current.Offered", "Power.Offered")
        )
        return MeterValuesReq(0, (MeterValue(state.ts(now), values),), None, ReadingContext.TRIGGER)

    def trigger(self, connector_id: int | None, now: float) -> None:
        """TriggerMessage MeterValues (section 5.17): latest values of MeterValuesSampledData, context
        Trigger; connector 0 is the main meter."""
        state = self._s
        if connector_id == 0:
            state.emit(self.main_meter_values(now))
            return
        ids = list(state.connectors) if connector_id is None else [connector_id]
        for cid in ids:
            c = state.connectors[cid]
            values = self.sample(c, "MeterValuesSampledData", ReadingContext.TRIGGER, now)
            if values:
                ref = c.tx.ref if c.tx else None
                state.emit(MeterValuesReq(c.id, (values,), ref, ReadingContext.TRIGGER))

    # ------------------------------------------------------------------ configuration changes

    def key_allowed(self, name: str, value: str) -> bool:
        # 2.0.1 TxStartPoint / TxStopPoint DataSigned (E01, E06) needs a meter that signs: refused
        # (SetVariables Rejected) on a station without one rather than a point that never holds.
        if name in _TX_POINT_KEYS and "DataSigned" in value.split(","):
            return bool(self._s.params.signed_meter_values)
        return True

    def key_changed(self, name: str, value: str, now: float) -> None:
        if name == "MeterValueSampleInterval":
            # The next sample an interval after the change (metering.md section 3).
            interval = int(value)
            for c in self._s.connectors.values():
                if c.tx is not None:
                    c.tx.next_sample = now + interval if interval > 0 else None
        elif name in ("ClockAlignedDataInterval", _ALIGNED_ENDED):
            self.schedule_aligned(now)
        elif name == _SAMPLED_ENDED:
            interval = int(value)
            for c in self._s.connectors.values():
                if c.tx is not None:
                    c.tx.next_ended_sample = now + interval if interval > 0 else None
