"""Message-path figures for the foundation (`make bench`): what one OCPP message costs in our adapter, and
round trips/s through the whole stack (station + outbox + websockets + built-in CSMS, validation on
both sides) on loopback. Prints the figures and writes them to benchmarks/results/message_path.json.

The charger side runs on the standard loop and on uvloop (what `ocppsim fleet` uses); the sink runs on uvloop.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
from pathlib import Path

import uvloop
from sink import csms_sink

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import AuthorizeReq, IdTagInfo, MeterValuesReq, StartTransactionReq
from ocppsim.model.types import AuthorizationStatus, ReadingContext, RegistrationStatus
from ocppsim.ocpp16.convert import journal_body, request_payload
from ocppsim.ocpp16.framing import Call, call_frame, parse_frame, result_frame
from ocppsim.ocpp16.handlers import handle_call
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.clock import SystemClock
from ocppsim.runtime.station import Station, StationOptions

RESULTS = Path(__file__).parent / "results" / "message_path.json"


def per_call_us(fn: object, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / n * 1e6


def adapter_figures() -> dict[str, float]:
    now = time.time()
    ch = Charger(ChargerParams("BENCH"), now=now)
    ch.boot.on_connected(now)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    validators.warm()
    text = call_frame("1", "GetConfiguration", {"key": ["HeartbeatInterval"]})

    def inbound() -> None:
        frame = parse_frame(text)
        assert isinstance(frame, Call)
        result_frame(frame.unique_id, handle_call(ch, frame, now))

    values = ch.metering.sample(
        ch.state.connectors[1], "MeterValuesSampledData", ReadingContext.SAMPLE_PERIODIC, now
    )
    assert values is not None
    req = MeterValuesReq(1, (values,), None, ReadingContext.SAMPLE_PERIODIC)

    def outbound() -> None:
        # What the station does per CALL it sends: its own payloads are not re-validated (the built-in
        # CSMS validates every frame the charger sends in the test suite); the answer is.
        payload = request_payload(req, 1)
        call_frame("7", "MeterValues", payload)
        answer = parse_frame('[3,"7",{}]')
        assert answer is not None
        validators.response("MeterValues", {})

    return {
        "inbound_call_us": per_call_us(inbound, 20_000),
        "outbound_call_us": per_call_us(outbound, 20_000),
        "meter_values_model_us": meter_values_model_us(now),
    }


def meter_values_model_us(now: float, n: int = 20_000) -> float:
    """What the model and the adapter do for one periodic MeterValues of a charging connector in the
    default configuration (ten sampled values): the tick that samples it (and keeps the transaction's
    StopTxnSampledData), its payload and its journal body."""
    ch = Charger(ChargerParams("BENCH-MV"), now=now)
    ch.boot.on_connected(now)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    ch.config.store("MeterValueSampleInterval", "10")
    ch.ev_inputs.plug_in(1, now)
    ch.authorization.present_tag(1, "TAG", now)
    authorize = next(e for e in ch.drain() if isinstance(e, AuthorizeReq))
    ch.authorization.on_authorize_result(authorize, IdTagInfo(AuthorizationStatus.ACCEPTED), now)
    start = next(e for e in ch.drain() if isinstance(e, StartTransactionReq))
    ch.transactions.on_start_transaction_result(start.tx_ref, 1, IdTagInfo(AuthorizationStatus.ACCEPTED), now)
    ch.drain()
    sent = 0
    began = time.perf_counter()
    for _ in range(n):
        deadline = ch.next_deadline()
        assert deadline is not None
        ch.tick(deadline)
        for effect in ch.drain():
            if isinstance(effect, MeterValuesReq):
                journal_body(request_payload(effect, 1))
                sent += 1
    assert sent >= n * 0.9  # almost every tick is a sample (the heartbeat falls on the same instants)
    return (time.perf_counter() - began) / sent * 1e6


async def round_trips(url: str, chargers: int, seconds: float = 3.0) -> dict[str, float]:
    """`chargers` chargers send MeterValues back to back against the sink (its own process), one CALL in
    flight each: round trips/s through the full stack (outbox, framing, inbound validation on) on the
    charger side's one core."""
    clock = SystemClock()
    stations = []
    for i in range(chargers):
        ch = Charger(ChargerParams(f"BENCH{i:04d}"), now=clock.now())
        stations.append(Station(ch, StationOptions(url=url), clock=clock))
    tasks = [asyncio.create_task(st.run()) for st in stations]
    while not all(st.charger.registration is RegistrationStatus.ACCEPTED and st.idle for st in stations):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    first = stations[0].charger
    values = first.metering.sample(
        first.state.connectors[1], "MeterValuesSampledData", ReadingContext.SAMPLE_PERIODIC, clock.now()
    )
    assert values is not None
    req = MeterValuesReq(1, (values,), None, ReadingContext.SAMPLE_PERIODIC)
    done = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while time.perf_counter() - start < seconds:
        futures = [st.outbox.enqueue_awaitable(req) for st in stations for _ in range(10)]
        await asyncio.gather(*futures)
        done += len(futures)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    for st in stations:
        await st.stop()
    await asyncio.gather(*tasks)
    return {
        "round_trips_per_s": done / elapsed,
        "round_trip_us": elapsed / done * 1e6 * chargers,
        "charger_cpu_share": cpu / elapsed,
        "round_trips_per_cpu_second": done / cpu,
    }


def main() -> int:
    figures: dict[str, object] = {
        "command": "make bench  (python benchmarks/message_path.py)",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    figures.update(adapter_figures())
    with csms_sink() as port:
        url = f"ws://127.0.0.1:{port}/ocpp"
        single = asyncio.run(round_trips(url, 1))
        figures["one_charger_round_trips_per_s"] = single["round_trips_per_s"]
        # The standard loop and uvloop (what `ocppsim fleet` and `ocppsim csms` run on), alternating, three
        # runs each: this VM's CPU is noisy, the median of each is reported and every run is kept.
        runs: dict[str, list[dict[str, float]]] = {"asyncio": [], "uvloop": []}
        for _ in range(3):
            runs["asyncio"].append(asyncio.run(round_trips(url, 200)))
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runs["uvloop"].append(runner.run(round_trips(url, 200)))
        for loop, results in runs.items():
            results.sort(key=lambda r: r["round_trips_per_cpu_second"])
            figures[f"{loop}_runs_round_trips_per_cpu_second"] = [
                round(r["round_trips_per_cpu_second"]) for r in results
            ]
        figures.update({f"asyncio_{key}": value for key, value in runs["asyncio"][1].items()})
        figures.update(runs["uvloop"][1])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"adapter, inbound CALL (parse + validate + model + reply frame): {figures['inbound_call_us']:.1f} us"
    )
    print(
        f"adapter, outbound CALL (payload + frame + validated answer): {figures['outbound_call_us']:.1f} us"
    )
    print(
        "model, one periodic MeterValues of a charging connector (tick, ten sampled values, kept "
        f"transactionData, payload, journal body): {figures['meter_values_model_us']:.1f} us"
    )
    print(
        "full stack, MeterValues round trips on loopback against the CSMS sink in its own process "
        "(inbound validation on), uvloop, median of 3: "
        f"200 chargers {figures['round_trips_per_s']:.0f}/s with the charger "
        f"process {figures['charger_cpu_share']:.0%} busy = {figures['round_trips_per_cpu_second']:.0f} "
        "round trips per CPU-second of the charger side (standard asyncio loop: "
        f"{figures['asyncio_round_trips_per_cpu_second']:.0f}; runs: uvloop "
        f"{figures['uvloop_runs_round_trips_per_cpu_second']}, asyncio "
        f"{figures['asyncio_runs_round_trips_per_cpu_second']}); one charger alone "
        f"{figures['one_charger_round_trips_per_s']:.0f}/s (latency-bound: one CALL in flight)"
    )
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
