"""Reactive replay of a recorded charger trace against a live central system (issue 19 item 4):
`trace` reads and checks the trace, `player` plays the charger's side, `report` is the diff."""

from ocppsim.runtime.replay.player import Replay, ReplayOptions
from ocppsim.runtime.replay.report import Difference, ReplayReport
from ocppsim.runtime.replay.trace import Trace, TraceError, load_trace, parse_trace

__all__ = [
    "Difference",
    "Replay",
    "ReplayOptions",
    "ReplayReport",
    "Trace",
    "TraceError",
    "load_trace",
    "parse_trace",
]
