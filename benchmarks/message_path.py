"""Message-path figures for the foundation (`make bench`): what one OCPP message costs in our adapter, and
round trips/s through the whole stack (station + outbox + websockets + built-in CSMS, validation on
both sides) on loopback. Prints the figures and writes them to benchmarks/results/message_path.json.

The fleet benchmarks of the fleet issue (capacity, boot storm, latency at 10,000 chargers) come later.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
from pathlib import Path

from ocppsim.csms.server import CentralSystem
from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import MeterValuesReq
from ocppsim.model.types import ReadingContext, RegistrationStatus
from ocppsim.ocpp16.convert import request_payload
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
    ch.on_connected(now)
    ch.on_boot_result(RegistrationStatus.ACCEPTED, 300, now)
    validators.warm()
    text = call_frame("1", "GetConfiguration", {"key": ["HeartbeatInterval"]})

    def inbound() -> None:
        frame = parse_frame(text)
        assert isinstance(frame, Call)
        result_frame(frame.unique_id, handle_call(ch, frame, now))

    values = ch._sample(ch._connectors[1], "MeterValuesSampledData", ReadingContext.SAMPLE_PERIODIC, now)
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
    }


async def round_trips(seconds: float = 3.0) -> dict[str, float]:
    csms = CentralSystem()
    await csms.start()
    clock = SystemClock()
    ch = Charger(ChargerParams("BENCH"), now=clock.now())
    station = Station(ch, StationOptions(url=csms.url), clock=clock)
    task = asyncio.create_task(station.run())
    await csms.wait_connected("BENCH")
    while ch.registration is not RegistrationStatus.ACCEPTED or not station.idle:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    values = ch._sample(
        ch._connectors[1], "MeterValuesSampledData", ReadingContext.SAMPLE_PERIODIC, clock.now()
    )
    assert values is not None
    req = MeterValuesReq(1, (values,), None, ReadingContext.SAMPLE_PERIODIC)
    csms.frames.clear()
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        futures = [station.outbox.enqueue(req) for _ in range(100)]
        await asyncio.gather(*futures)
        done += len(futures)
        csms.frames.clear()
    elapsed = time.perf_counter() - start
    await station.stop()
    await task
    await csms.stop()
    return {"round_trips_per_s": done / elapsed, "round_trip_us": elapsed / done * 1e6}


def main() -> int:
    figures: dict[str, object] = {
        "command": "make bench  (python benchmarks/message_path.py)",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    figures.update(adapter_figures())
    figures.update(asyncio.run(round_trips()))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"adapter, inbound CALL (parse + validate + model + reply frame): {figures['inbound_call_us']:.1f} us"
    )
    print(
        f"adapter, outbound CALL (payload + frame + validated answer): {figures['outbound_call_us']:.1f} us"
    )
    print(
        "full stack, one charger, MeterValues round trips on loopback "
        f"(CSMS in the same process, validation on both sides): {figures['round_trips_per_s']:.0f}/s "
        f"({figures['round_trip_us']:.0f} us each)"
    )
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
