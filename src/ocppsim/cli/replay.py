"""`ocppsim replay TRACE`: replay a recorded charger's side against a live central system and report where
it answered differently (runtime/replay). The trace is read and checked before anything connects.

Exit status: 0 the live central system answered as the recorded one; 1 it differed; 2 the trace or an
argument was refused (nothing connected); 3 the replay could not finish (no connection, a hanging or
closing central system, an interrupt); its report is written all the same."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ocppsim.cli.arguments import Parser, ws_url
from ocppsim.cli.process import stop_on_signals
from ocppsim.runtime.replay import Replay, ReplayOptions, ReplayReport, TraceError, load_trace

__all__ = ["run_replay"]


def _positive(text: str) -> float:
    """An argparse type: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number >= 0")
    return value


def run_replay(argv: Sequence[str]) -> int:
    p = Parser(
        prog="ocppsim replay",
        description="Replay a recorded charger trace (the message log's JSON Lines export, or one "
        '[2,"id","Action",{...}] frame a line after a timestamp) against a live central system: the '
        "charger's messages with the recorded pacing, transactionIds, uniqueIds and timestamps following "
        "the live system, its CALLs answered as the recorded charger did; then a diff of the answers.",
    )
    p.add_argument("trace", help="the trace file")
    p.add_argument(
        "--url",
        type=ws_url,
        default="ws://127.0.0.1:9000/ocpp",
        help="the central system (the id is appended)",
    )
    p.add_argument("--id", help="charger id (default: from a '<id>-messages.jsonl' file name)")
    p.add_argument(
        "--speed", type=_positive, default=1.0, help="pacing: recorded gaps divided by this; 0: no pauses"
    )
    p.add_argument(
        "--timeout", type=_positive, default=30.0, help="seconds to wait for an answer or an awaited CALL"
    )
    p.add_argument(
        "--linger", type=_positive, default=2.0, help="seconds to wait after the last step for CALLs"
    )
    p.add_argument(
        "--give-up",
        type=int,
        default=3,
        metavar="N",
        help="stop after N unanswered CALLs in a row (a hanging CSMS)",
    )
    p.add_argument(
        "--password", help="HTTP Basic authentication password (user: the charger id; default: none)"
    )
    p.add_argument("--report", metavar="FILE", help="also write the report as JSON to FILE (default: none)")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    args = p.parse_args(argv)
    if args.give_up < 1:
        p.error("--give-up must be >= 1")
    try:
        trace = load_trace(args.trace)
    except TraceError as exc:
        print(f"ocppsim replay: trace refused: {exc}", file=sys.stderr)
        return 2
    charger_id = args.id or trace.charger_id
    if not charger_id:
        p.error("the trace does not name its charger: give --id")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = ReplayOptions(
        url=args.url,
        charger_id=charger_id,
        speed=args.speed,
        timeout=args.timeout,
        linger=args.linger,
        give_up=args.give_up,
        password=args.password,
    )
    replay = Replay(trace, options)

    async def play() -> ReplayReport:
        task = asyncio.create_task(replay.run())

        def interrupt() -> None:
            task.cancel()

        stop_on_signals(interrupt)
        try:
            return await task
        except asyncio.CancelledError:
            replay.report.outcome, replay.report.reason = "aborted", "interrupted"
            return replay.report

    report = asyncio.run(play())
    data = report.as_json()
    if args.report:
        Path(args.report).write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(data, indent=2) if args.json else report.text(), flush=True)
    if report.outcome != "complete":
        return 3
    return 0 if report.same else 1
