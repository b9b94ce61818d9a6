"""Nothing lost under chaos, checked from the central system's side: N chargers with random sessions run
through the chaos proxy (runtime/chaos.py), which cuts one connection or all of them, stalls and
blackholes the traffic, while the built-in central system (recording mode: it validates and records every
frame) is restarted twice. Then a calm phase: the proxy heals, every EV leaves, every charger reconnects
and delivers what it queued. The audit counts from the recorded frames:

- lost: transaction messages the chargers queued that the central system never received: a
  StartTransaction or StopTransaction fewer than the chargers' own count of transactions, a MeterValues
  of a transaction fewer than they queued (counted as they queue them);
- duplicated: the same transaction message received twice under different uniqueIds (a second
  StartTransaction or StopTransaction of one transaction, a MeterValues of one transaction and sample
  time twice), or a re-send under the same uniqueId with a different payload. A re-send of a CALL whose
  answer was lost, with the same uniqueId and payload, is what OCPP-J 4.1.1 and section 4.10 allow: it
  is counted apart (`resent_same_unique_id`), not as duplicated;
- unclosed: transactions the central system started (StartTransaction answered) and never saw stopped;
- meter_not_monotonic: a transaction whose Energy.Active.Import.Register went backwards from
  meterStart over its MeterValues to meterStop.

Everything runs in one process on simulated time (runtime/clock.py ScaledClock, `speed` times the wall
clock: sessions, MeterValues, Heartbeats, timeouts and back-off all scale), so a minute of the fleet's
life takes seconds. Writes benchmarks/results/fleet_chaos-<N>.json; tests/e2e/test_fleet_chaos.py runs a
500-charger minute of it.

    python benchmarks/fleet_chaos.py [N=10000] [simulated seconds=600] [speed=10] [seed=1]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import uvloop

from ocppsim.control.fleet.run import station_options
from ocppsim.csms.server import CentralSystem, Frame
from ocppsim.model.outgoing import MeterValuesReq
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.validation import validators
from ocppsim.runtime.chaos import ChaosProxy
from ocppsim.runtime.clock import ScaledClock
from ocppsim.runtime.fleet import Fleet
from ocppsim.runtime.outbox import Outbox
from ocppsim.runtime.station import Station
from ocppsim.runtime.transaction_generator import SessionMix, TransactionGenerator
from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.store import Store

RESULTS = Path(__file__).parent / "results"
REGISTER = "Energy.Active.Import.Register"


@dataclass
class ChaosPlan:
    chargers: int = 10_000
    seconds: float = 600.0  # simulated
    speed: float = 10.0
    seed: int = 1
    mean_action_s: float = 5.0  # simulated seconds between chaos actions
    longest_fault_s: float = 30.0  # simulated: the longest stall or blackhole
    restarts: int = 2
    mean_stay_s: float = 60.0
    mean_arrival_s: float = 30.0
    # Real seconds the calm phase may take at most: a transaction message that timed out twice waits
    # TransactionMessageRetryInterval x 2 (120 s by default) for its third attempt (section 4.10).
    calm_limit_s: float = 600.0
    id_prefix: str = "CHAOS"


@dataclass
class Audit:
    transactions_by_chargers: int = 0
    starts: int = 0
    stops: int = 0
    meter_values: int = 0
    lost: int = 0
    duplicated: int = 0
    unclosed: int = 0
    meter_not_monotonic: int = 0
    resent_same_unique_id: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.examples) < 20:
            self.examples.append(what)


def _register(payload: dict[str, Any]) -> list[tuple[str, str, float]]:
    """(timestamp, context, Wh) of each register reading of a MeterValues."""
    found = []
    for mv in payload.get("meterValue", []):
        for sv in mv.get("sampledValue", []):
            if sv.get("measurand", REGISTER) == REGISTER:
                value = float(sv["value"]) * (1000.0 if sv.get("unit") == "kWh" else 1.0)
                found.append((mv["timestamp"], sv.get("context", "Sample.Periodic"), value))
    return found


def audit(
    frames: Iterable[Frame], truth: dict[str, int], meter_values: dict[str, int] | None = None
) -> Audit:
    """Count lost, duplicated and unclosed transaction messages from the recorded frames; `truth`: by
    charger id, how many transactions it started (its own count); `meter_values`: by charger id, how many
    MeterValues of a transaction it queued (when counted)."""
    result = Audit()
    calls: dict[str, list[Frame]] = defaultdict(list)
    answers: dict[tuple[str, str], Frame] = {}
    for f in frames:
        if f.direction == "in" and f.kind == 2:
            calls[f.charger_id].append(f)
        elif f.direction == "out" and f.kind == 3:
            answers[(f.charger_id, f.unique_id)] = f
    for charger_id, started in truth.items():
        result.transactions_by_chargers += started
        first: dict[str, Frame] = {}
        originals: list[Frame] = []
        for f in calls.get(charger_id, []):
            if f.action not in ("StartTransaction", "StopTransaction", "MeterValues"):
                continue
            seen = first.get(f.unique_id)
            if seen is None:
                first[f.unique_id] = f
                originals.append(f)
            elif seen.payload == f.payload and seen.action == f.action:
                result.resent_same_unique_id += 1
            else:
                result.duplicated += 1
                result.note(f"{charger_id}: uniqueId {f.unique_id} re-used for another message")
        if meter_values is not None:
            got = sum(1 for f in originals if f.action == "MeterValues" and "transactionId" in f.payload)
            if got < meter_values.get(charger_id, 0):
                result.lost += meter_values[charger_id] - got
                result.note(f"{charger_id}: {got} MeterValues for {meter_values[charger_id]} queued")
        starts = [f for f in originals if f.action == "StartTransaction"]
        stops = [f for f in originals if f.action == "StopTransaction"]
        result.starts += len(starts)
        result.stops += len(stops)
        for label, got in (("StartTransaction", len(starts)), ("StopTransaction", len(stops))):
            if got < started:
                result.lost += started - got
                result.note(f"{charger_id}: {got} {label} for {started} transactions")
            elif got > started:
                result.duplicated += got - started
                result.note(f"{charger_id}: {got} {label} for {started} transactions")
        # The transactionId of each start, from the central system's answer to it.
        ids: list[int] = []
        for f in starts:
            answer = answers.get((charger_id, f.unique_id))
            if answer is not None and "transactionId" in answer.payload:
                ids.append(int(answer.payload["transactionId"]))
        stopped = Counter(int(f.payload["transactionId"]) for f in stops)
        for tx in ids:
            if stopped[tx] == 0:
                result.unclosed += 1
                result.note(f"{charger_id}: transaction {tx} never stopped")
        # Meter continuity, one transaction at a time, in the order the central system received them.
        start_meter = dict(zip(ids, (float(f.payload["meterStart"]) for f in starts), strict=False))
        last: dict[int, float] = dict(start_meter)
        # A reading is one (transaction, time, context, value): a periodic and a clock-aligned sample
        # may share an instant, a re-sent message carries the same one again.
        samples: dict[tuple[int, str, str, float], str] = {}
        broken: set[int] = set()
        for f in originals:
            if f.action == "MeterValues" and "transactionId" in f.payload:
                result.meter_values += 1
                tx = int(f.payload["transactionId"])
                for stamp, context, value in _register(f.payload):
                    key = (tx, stamp, context, value)
                    if key in samples:
                        result.duplicated += 1
                        result.note(
                            f"{charger_id}: transaction {tx} reading {stamp} {context} {value} twice, "
                            f"uniqueIds {samples[key]} and {f.unique_id}"
                        )
                        continue
                    samples[key] = f.unique_id
                    if value < last.get(tx, -math.inf):
                        broken.add(tx)
                    last[tx] = value
            elif f.action == "StopTransaction":
                tx = int(f.payload["transactionId"])
                if float(f.payload["meterStop"]) < last.get(tx, -math.inf):
                    broken.add(tx)
        for tx in broken:
            result.meter_not_monotonic += 1
            result.note(f"{charger_id}: transaction {tx}: the register went backwards")
    return result


# ------------------------------------------------------------------------------------------------ the run


async def _chaos(proxy: ChaosProxy, csms: CentralSystem, clock: ScaledClock, plan: ChaosPlan) -> int:
    """Random faults for plan.seconds (simulated), the central system restarted plan.restarts times;
    returns how many restarts were made."""
    done = 0
    rng = random.Random(plan.seed)
    end = clock.now() + plan.seconds
    restarts = [clock.now() + plan.seconds * (k + 1) / (plan.restarts + 1) for k in range(plan.restarts)]
    while clock.now() < end:
        await clock.sleep(min(rng.expovariate(1.0 / plan.mean_action_s), max(0.0, end - clock.now())))
        if restarts and clock.now() >= restarts[0]:
            restarts.pop(0)
            port = csms.port
            await csms.stop()  # its sessions end with it; what it recorded stays (its database)
            await clock.sleep(rng.uniform(2, 10))
            await csms.start(port=port)
            done += 1
            continue
        action = rng.choices(["cut_one", "cut", "stall", "blackhole"], [6, 1, 2, 2])[0]
        fault = rng.uniform(1, plan.longest_fault_s)
        if action == "cut_one":
            for _ in range(max(1, plan.chargers // 100)):
                proxy.cut_one(rng)
        elif action == "cut":
            proxy.cut()
        elif action == "stall":
            await proxy.stall(fault / plan.speed)
        else:
            proxy.blackhole(True)
            await clock.sleep(fault)
            proxy.blackhole(False)
    return done


def _settled(stations: list[Station], clock: ScaledClock) -> bool:
    now = clock.now()
    for st in stations:
        if not st.online or st.charger.registration is not RegistrationStatus.ACCEPTED:
            return False
        if len(st.outbox) or st.awaiting_answer:
            return False
        for c in st.charger.connector_ids:
            view = st.charger.view(c, now)
            if view.transaction_id is not None or view.plugged:
                return False
    return True


class _Failures(logging.Handler):
    """The chargers' own account: each failed transaction message by reason, and those they gave up on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failed: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s failed: %s" and isinstance(record.args, tuple):
            self.failed[f"{record.args[0]}: {str(record.args[1])[:60]}"] += 1
        elif record.msg == "%s dropped after %d attempts" and isinstance(record.args, tuple):
            self.dropped[str(record.args[0])] += 1


@contextlib.contextmanager
def _counting_meter_values() -> Iterator[Counter[str]]:
    """Count, by charger, the MeterValues of a transaction each queues (instrumentation of this benchmark:
    every transaction message passes the outbox's journal write once when queued)."""
    queued: Counter[str] = Counter()
    original = Outbox._write_journal

    def counting(self: Outbox, item: Any) -> int | None:
        request = item.request
        if isinstance(request, MeterValuesReq) and request.tx_ref is not None:
            queued[self._charger.params.charge_point_id] += 1
        return original(self, item)

    Outbox._write_journal = counting  # type: ignore[method-assign]
    try:
        yield queued
    finally:
        Outbox._write_journal = original  # type: ignore[method-assign]


async def run_chaos(plan: ChaosPlan, work: Path) -> dict[str, Any]:
    failures = _Failures()
    # The chargers' warnings go to the counter only (every cut is one per charger).
    logger = logging.getLogger("ocppsim")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(failures)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        with _counting_meter_values() as queued:
            report = await _run_chaos(plan, work, queued)
    finally:
        logger.removeHandler(failures)
        logger.setLevel(level)
        logger.propagate = propagate
    report["charger_failures"] = dict(failures.failed.most_common(12))
    report["dropped_by_chargers"] = dict(failures.dropped)
    return report


async def _run_chaos(plan: ChaosPlan, work: Path, queued: Counter[str]) -> dict[str, Any]:
    validators.warm()
    csms = CentralSystem(heartbeat_interval=60, validate=True)
    await csms.start()
    proxy = ChaosProxy(target=("127.0.0.1", csms.port))
    await proxy.start()
    fleet_toml = work / "fleet.toml"
    fleet_toml.write_text(
        f'[fleet]\nurls = ["ws://127.0.0.1:{proxy.port}/ocpp"]\nconf_dir = "{work / "data"}"\n\n'
        f'[[template]]\nname = "chaos"\ncount = {plan.chargers}\nid_pattern = "{plan.id_prefix}{{:06d}}"\n'
        "meter_values_interval = 10\n"
    )
    spec = load_fleet_file(fleet_toml)
    clock = ScaledClock(plan.speed)
    fleet = Fleet(clock=clock, store=Store(spec.conf_dir))
    stations = [fleet.add(item.params, station_options(item)) for item in spec.chargers]
    began = time.monotonic()
    running = asyncio.create_task(fleet.run())
    generator: asyncio.Task[None] | None = None
    calm_s = math.nan
    restarts = 0
    try:
        for _ in range(60 * 20):  # every charger booted (real time, bounded)
            if all(st.charger.registration is RegistrationStatus.ACCEPTED for st in stations):
                break
            await asyncio.sleep(0.05)
        booted_s = time.monotonic() - began
        mix = SessionMix(mean_arrival_s=plan.mean_arrival_s, mean_stay_s=plan.mean_stay_s)
        sessions = TransactionGenerator(stations, clock=clock, seed=plan.seed, mix=mix)
        generator = asyncio.create_task(sessions.run())
        restarts = await _chaos(proxy, csms, clock, plan)
        generator.cancel()
        # Calm: the proxy heals (no action is in progress here), every EV leaves, every charger
        # reconnects and delivers what it queued.
        calm_began = time.monotonic()
        while time.monotonic() - calm_began < plan.calm_limit_s:
            for st in stations:
                for c in st.charger.connector_ids:
                    if st.charger.view(c, clock.now()).plugged:
                        st.run_model(lambda now, st=st, c=c: st.charger.ev_inputs.unplug(c, now))
            await clock.sleep(5)
            if _settled(stations, clock):
                break
        calm_s = time.monotonic() - calm_began
        settled = _settled(stations, clock)
        truth = {st.id: st.charger.transactions.last_ref for st in stations}
        undelivered = sum(len(st.outbox) for st in stations)
    finally:
        if generator is not None:
            generator.cancel()
        fleet.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(running, 60)
        await proxy.stop()
        await csms.stop()
        fleet.store.close()
    result = audit(csms.frames, truth, dict(queued))
    return {
        "chargers": plan.chargers,
        "simulated_seconds": plan.seconds,
        "speed": plan.speed,
        "seed": plan.seed,
        "boot_seconds": round(booted_s, 1),
        "calm_seconds": round(calm_s, 1),
        "settled": settled,
        "undelivered_at_end": undelivered,
        "csms_restarts": restarts,
        "proxy": {
            "connections": proxy.stats.connections,
            "cuts": proxy.stats.cuts,
            "stalls": proxy.stats.stalls,
            "blackholes": proxy.stats.blackholes,
        },
        "frames_recorded": len(csms.frames),
        "transactions": result.transactions_by_chargers,
        "start_transactions": result.starts,
        "stop_transactions": result.stops,
        "meter_values_in_transactions": result.meter_values,
        "lost": result.lost,
        "duplicated": result.duplicated,
        "unclosed": result.unclosed,
        "meter_not_monotonic": result.meter_not_monotonic,
        "resent_same_unique_id": result.resent_same_unique_id,
        "examples": result.examples,
    }


# Chargers per process: each holds a connection per charger three times over (the charger's, and the
# proxy's two) plus the central system's, under a 20,000-descriptor limit.
PER_PROCESS = 4_000
_SUMS = (
    "frames_recorded",
    "transactions",
    "start_transactions",
    "stop_transactions",
    "meter_values_in_transactions",
    "lost",
    "duplicated",
    "unclosed",
    "meter_not_monotonic",
    "resent_same_unique_id",
    "undelivered_at_end",
)


def _merge(parts: list[dict[str, Any]], plan: ChaosPlan) -> dict[str, Any]:
    """The shards' reports as one: counts added up, the slowest boot and calm, settled when all are."""
    report = dict(parts[0])
    report["chargers"] = plan.chargers
    report["seed"] = plan.seed
    report["processes"] = len(parts)
    for key in _SUMS:
        report[key] = sum(part[key] for part in parts)
    report["proxy"] = {k: sum(part["proxy"][k] for part in parts) for k in parts[0]["proxy"]}
    report["boot_seconds"] = max(part["boot_seconds"] for part in parts)
    report["calm_seconds"] = max(part["calm_seconds"] for part in parts)
    report["settled"] = all(part["settled"] for part in parts)
    report["examples"] = [e for part in parts for e in part["examples"]][:20]
    for key in ("charger_failures", "dropped_by_chargers"):
        total: Counter[str] = Counter()
        for part in parts:
            total.update(part.get(key, {}))
        report[key] = dict(total.most_common())
    return report


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--shard":  # one process of a larger run
        plan = ChaosPlan(**json.loads(sys.argv[2]))
        logging.basicConfig(level=logging.ERROR)
        with tempfile.TemporaryDirectory() as tmp:
            report = uvloop.run(run_chaos(plan, Path(tmp)))
        Path(sys.argv[3]).write_text(json.dumps(report))
        return 0
    plan = ChaosPlan()
    if len(sys.argv) > 1:
        plan.chargers = int(sys.argv[1])
    if len(sys.argv) > 2:
        plan.seconds = float(sys.argv[2])
    if len(sys.argv) > 3:
        plan.speed = float(sys.argv[3])
    if len(sys.argv) > 4:
        plan.seed = int(sys.argv[4])
    # Every cut is a warning per charger: keep the terminal for the result.
    logging.basicConfig(level=logging.ERROR)
    shards = max(1, math.ceil(plan.chargers / PER_PROCESS))
    with tempfile.TemporaryDirectory() as tmp:
        if shards == 1:
            report = uvloop.run(run_chaos(plan, Path(tmp)))
        else:
            # Each process: its own central system (restarted twice), proxy and share of the fleet.
            procs = []
            for k in range(shards):
                share = plan.chargers // shards + (k < plan.chargers % shards)
                part = replace(plan, chargers=share, seed=plan.seed * 100 + k, id_prefix=f"CHAOS{k}-")
                out = Path(tmp) / f"shard-{k}.json"
                args = [sys.executable, __file__, "--shard", json.dumps(asdict(part)), str(out)]
                procs.append((subprocess.Popen(args), out))
            for proc, _ in procs:
                proc.wait()
            report = _merge([json.loads(out.read_text()) for _, out in procs], plan)
    report["command"] = (
        f"python benchmarks/fleet_chaos.py {plan.chargers} {plan.seconds:g} {plan.speed:g} {plan.seed}"
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"fleet_chaos-{plan.chargers}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "examples"}, indent=2))
    for example in report["examples"]:
        print(f"  {example}")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
