"""100 random connection cuts across 10 busy chargers (seeded): every transaction message reaches the
central system, in order, once (re-sends after a lost answer carry the same uniqueId and are recognised as
duplicates), with consistent meter values."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from pathlib import Path

from conftest import make_settings
from ocppsim.app.charger import ChargerApp, build_charger_app
from ocppsim.csms.server import CentralSystem, Frame
from ocppsim.model.charger import TagStep
from ocppsim.runtime.chaos import ChaosProxy
from ocppsim.runtime.clock import FakeClock

CHARGERS = 10
CUTS = 100


async def test_random_cuts_lose_nothing(tmp_path: Path, csms: CentralSystem) -> None:
    rng = random.Random(20261121)
    proxy = ChaosProxy(target=("127.0.0.1", csms.port))
    await proxy.start()
    clock = FakeClock()
    apps: list[ChargerApp] = []
    tasks = []
    for n in range(CHARGERS):
        base = make_settings(tmp_path / f"cp{n}", csms)
        settings = replace(
            base,
            charger=replace(base.charger, charge_point_id=f"CHAOS{n:02d}", strict_transitions=True),
            server_url=f"ws://127.0.0.1:{proxy.port}/ocpp",
        )
        app = build_charger_app(settings, clock=clock)
        apps.append(app)
        tasks.append(asyncio.create_task(app.run()))

    async def settle(rounds: int = 3) -> None:
        """Let the wire work (real time); before simulated time jumps, no CALL may be in flight, or it
        would time out for nothing."""
        for _ in range(rounds):
            await asyncio.sleep(0.01)
        for _ in range(200):
            if all(not a.station.online or not a.station.awaiting_answer for a in apps):
                return
            await asyncio.sleep(0.005)

    try:
        while proxy.stats.cuts < CUTS:
            for app in apps:
                station, ch = app.station, app.station.charger
                view = ch.view(1, clock.now())
                if view.transaction_id is None and not view.plugged and rng.random() < 0.5:
                    station.run_model(lambda now, ch=ch: ch.ev_inputs.plug_in(1, now))
                    step = station.run_model(lambda now, ch=ch: ch.authorization.present_tag(1, "TAG", now))
                    assert step in (TagStep.AUTHORIZING, TagStep.STOPPING) or step is not None
                elif view.plugged and rng.random() < 0.15:
                    station.run_model(lambda now, ch=ch: ch.ev_inputs.unplug(1, now))
            await clock.advance(rng.uniform(5, 90))
            await settle(rng.randint(1, 4))
            if rng.random() < 0.6:
                proxy.cut_one(rng) if rng.random() < 0.7 else proxy.cut()
        # Calm: everyone unplugs, reconnects and delivers what is queued. An Authorize answered only now
        # (sent before a cut) still starts its transaction (the contract's `tag`: the EV is there), so
        # unplug again until no transaction runs.
        for _ in range(400):
            for app in apps:
                if app.station.charger.view(1, clock.now()).plugged:
                    app.station.run_model(lambda now, ch=app.station.charger: ch.ev_inputs.unplug(1, now))
            await clock.advance(10)
            await settle()
            if all(
                a.station.online
                and a.station.idle
                and len(a.station.outbox) == 0
                and a.station.charger.view(1, clock.now()).transaction_id is None
                and not a.station.charger.view(1, clock.now()).plugged
                for a in apps
            ):
                break
        assert all(len(a.station.outbox) == 0 for a in apps), "undelivered messages remain"
    finally:
        for app in apps:
            app.shutdown.set()
        await asyncio.gather(*tasks)
        await proxy.stop()

    assert proxy.stats.cuts >= CUTS
    checked = 0
    for app in apps:
        ch = app.station.charger
        calls = csms.calls(ch.params.charge_point_id)
        originals = {(f.unique_id): f for f in calls if not f.duplicate}
        for f in calls:
            if f.duplicate:  # a re-send is the same message
                assert originals[f.unique_id].payload == f.payload
        checked += check_transactions(
            ch.params.charge_point_id, [f for f in calls if not f.duplicate], ch.transactions.last_ref
        )
    assert checked > 0
    assert all(a.station.charger.illegal_transitions == [] for a in apps)
    duplicates = sum(1 for f in csms.frames if f.duplicate)
    transactions = sum(a.station.charger.transactions.last_ref for a in apps)
    print(
        f"\nchaos: {proxy.stats.cuts} cuts over {proxy.stats.connections} connections, {CHARGERS} chargers, "
        f"{transactions} transactions, {checked} transaction messages checked, "
        f"{duplicates} re-sends recognised"
    )


def check_transactions(charger_id: str, calls: list[Frame], started: int) -> int:
    """Every transaction once, its messages in order, the register monotonic; returns messages checked."""
    starts = [f for f in calls if f.action == "StartTransaction"]
    stops = [f for f in calls if f.action == "StopTransaction"]
    assert len(starts) == started, f"{charger_id}: {len(starts)} StartTransaction for {started} transactions"
    assert len(stops) == started, f"{charger_id}: {len(stops)} StopTransaction for {started} transactions"
    register = -1.0
    checked = 0
    open_tx: int | None = None
    for f in calls:
        if f.action == "StartTransaction":
            assert open_tx is None, f"{charger_id}: a transaction started before the last one stopped"
            assert f.payload["meterStart"] >= register
            register = f.payload["meterStart"]
            open_tx = -1  # its id is the CSMS's answer; the messages that follow carry it
            checked += 1
        elif f.action == "MeterValues" and "transactionId" in f.payload:
            assert open_tx is not None, f"{charger_id}: MeterValues outside a transaction"
            tx = f.payload["transactionId"]
            if open_tx == -1:
                open_tx = tx
            assert tx == open_tx
            for mv in f.payload["meterValue"]:
                for sv in mv["sampledValue"]:
                    if sv["measurand"] == "Energy.Active.Import.Register":
                        value = float(sv["value"])
                        assert value >= register, f"{charger_id}: register went backwards"
                        register = value
            checked += 1
        elif f.action == "StopTransaction":
            assert open_tx is not None, f"{charger_id}: StopTransaction without a transaction"
            assert open_tx in (-1, f.payload["transactionId"])
            assert f.payload["meterStop"] >= register
            register = f.payload["meterStop"]
            open_tx = None
            checked += 1
    assert open_tx is None
    return checked
