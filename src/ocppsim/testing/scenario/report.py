"""What `ocppsim scenario run` prints: one line per step with its verdict (and, under a failure, what was
expected and the frames that decided it), one line per scenario, a summary. In a terminal with rich: colours
and a spinner on the running step; otherwise (CI logs, pipes, --plain) plain lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Final

from rich.console import Console
from rich.status import Status
from rich.text import Text

from ocppsim.testing.exchanges import frame_line
from ocppsim.testing.scenario.parse import Scenario
from ocppsim.testing.scenario.runner import ERROR, FAILED, PASSED, SKIPPED, ScenarioResult, StepResult
from ocppsim.testing.scenario.steps import Step

__all__ = ["Reporter"]

_LABELS: Final = {PASSED: "PASS", FAILED: "FAIL", ERROR: "ERROR", SKIPPED: "SKIP"}
_STYLES: Final = {PASSED: "green", FAILED: "bold red", ERROR: "bold magenta", SKIPPED: "yellow"}
_FRAMES_SHOWN: Final = 12
_NOTE_WIDTH: Final = 100


class Reporter:
    def __init__(self, out: IO[str], *, rich: bool, verbose: bool = False) -> None:
        self.console = Console(file=out, highlight=False, soft_wrap=True) if rich else None
        self.out = out
        self.verbose = verbose
        self._status: Status | None = None

    def _print(self, text: str, style: str | None = None) -> None:
        if self.console is None:
            print(text, file=self.out, flush=True)
        else:
            self.console.print(Text(text, style=style or ""))

    def scenario_started(self, scenario: Scenario, url: str) -> None:
        self._print(f"scenario {scenario.name} ({scenario.path}) against {url}", "bold")

    def on_step(self, result: ScenarioResult, step: Step, outcome: StepResult | None) -> None:
        if outcome is None:
            if self.console is not None:
                label = f"  step {step.index}: {step.name} ..."
                if self._status is None:
                    self._status = self.console.status(label)
                    self._status.start()
                else:
                    self._status.update(label)
            return
        self._stop_status()
        self._step_line(outcome)

    def _stop_status(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def _step_line(self, r: StepResult) -> None:
        label = _LABELS[r.verdict]
        first, *rest = (r.message or "").splitlines() or [""]
        if r.verdict == PASSED and len(first) > _NOTE_WIDTH:  # the whole payload is in the frames (-v, JUnit)
            first = first[: _NOTE_WIDTH - 3] + "..."
        self._print(
            f"  {label:<5} {r.step.index:>2} {r.step.name} ({r.seconds:.2f} s)"
            + (f": {first}" if first else ""),
            _STYLES[r.verdict],
        )
        for line in rest:
            self._print(f"          {line}")
        if r.verdict in (FAILED, ERROR) or (self.verbose and r.verdict == PASSED):
            shown = r.frames[-_FRAMES_SHOWN:]
            if shown:
                self._print(
                    "        frames that decided it:" if r.verdict != PASSED else "        frames:", "dim"
                )
            for frame in shown:
                self._print(f"          {frame_line(frame)}", "dim")

    def scenario_done(self, result: ScenarioResult) -> None:
        self._stop_status()
        skipped = [r for r in result.steps if r.verdict == SKIPPED]
        if result.first_failure is not None:
            # The steps not run after a failure: one line, not one each.
            not_run = [r for r in skipped if r.message.startswith("not run")]
            if not_run:
                self._print(f"  SKIP  {len(not_run)} step(s) not run after the failure", "yellow")
        verdict = PASSED if result.passed else FAILED
        self._print(
            f"{_LABELS[verdict]}  {result.scenario.name}: "
            f"{result.count(PASSED)}/{len(result.steps)} steps passed ({result.seconds:.2f} s)",
            _STYLES[verdict],
        )
        self._print("")

    def summary(self, results: Sequence[ScenarioResult], junit: str | None) -> None:
        passed = sum(1 for r in results if r.passed)
        failed = len(results) - passed
        text = f"{len(results)} scenario(s): {passed} passed, {failed} failed"
        if junit:
            text += f"; JUnit XML: {junit}"
        self._print(text, "bold green" if not failed else "bold red")

    def refused(self, message: str) -> None:
        self._print(f"ocppsim scenario: {message}", "bold red")
