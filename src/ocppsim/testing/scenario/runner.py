"""Run checked scenarios against a CSMS: each in a harness of its own (fresh store, FakeClock), its steps
in order, a verdict per step with the frames that decided it. A step that fails ends its scenario (the
steps after it are reported skipped); the next scenario runs all the same."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from ocppsim.csms.server import CentralSystem
from ocppsim.runtime.message_log import LoggedFrame
from ocppsim.testing.harness import ExpectationError, Harness, refuse_tags
from ocppsim.testing.scenario.parse import Scenario
from ocppsim.testing.scenario.steps import KINDS, Step, StepContext, StepSkippedError

__all__ = ["PASSED", "ScenarioResult", "StepResult", "run_scenario", "substitute"]

PASSED: Final = "passed"
FAILED: Final = "failed"
ERROR: Final = "error"  # the step could not run as written (not a verdict on the CSMS)
SKIPPED: Final = "skipped"


@dataclass(slots=True)
class StepResult:
    step: Step
    verdict: str
    message: str
    seconds: float
    frames: list[LoggedFrame] = field(default_factory=list)


@dataclass(slots=True)
class ScenarioResult:
    scenario: Scenario
    csms_url: str
    charger_id: str
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0  # wall clock, for the JUnit timestamp

    @property
    def passed(self) -> bool:
        return all(r.verdict in (PASSED, SKIPPED) for r in self.steps) and not self.first_failure

    @property
    def first_failure(self) -> StepResult | None:
        return next((r for r in self.steps if r.verdict in (FAILED, ERROR)), None)

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.steps if r.verdict == verdict)


def default_charger_id(scenario: Scenario) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(scenario.path).stem).strip("-").upper()
    return f"SCN-{stem or 'SCENARIO'}"[:48]


OnStep = Callable[[ScenarioResult, Step, StepResult | None], None]


async def run_scenario(
    scenario: Scenario,
    *,
    url: str,
    csms: CentralSystem | None = None,
    on_step: OnStep | None = None,
    tls: dict[str, str | None] | None = None,
) -> ScenarioResult:
    """`csms`: the built-in central system `url` points at (its `csms` steps run; [csms] applies), None
    for another CSMS. `on_step(result, step, None)` before a step runs, `(result, step, outcome)` after."""
    charger_spec = scenario.charger
    charger_id = str(charger_spec.get("id") or default_charger_id(scenario))
    result = ScenarioResult(scenario, url, charger_id, started=time.time())
    started = time.perf_counter()
    restore = _apply_csms_settings(csms, scenario)
    try:
        tls = tls or {}
        async with Harness(
            url,
            ca_file=tls.get("ca_file"),
            client_cert=tls.get("client_cert"),
            client_key=tls.get("client_key"),
        ) as harness:
            params: dict[str, Any] = {}
            if "meter_interval" in charger_spec:
                params["meter_values_sample_interval"] = int(charger_spec["meter_interval"])
            if "max_offer" in charger_spec:
                params["max_offer_a"] = float(charger_spec["max_offer"])
            charger = harness.charger(
                charger_id,
                connectors=int(charger_spec.get("connectors", 1)),
                security_profile=charger_spec.get("security_profile"),
                authorization_key=charger_spec.get("authorization_key"),
                **params,
            )
            ctx = StepContext(harness, charger, csms)
            steps = list(scenario.steps)
            if not any(s.kind == "connect" for s in steps):
                # No connect step: the charger connects first, as its own reported step.
                steps.insert(0, Step(0, "connect", {}, 0, "connect (implicit)", steps[0].timeout))
            failed = False
            for step in steps:
                if failed:
                    result.steps.append(StepResult(step, SKIPPED, "not run: an earlier step failed", 0.0))
                    continue
                if on_step:
                    on_step(result, step, None)
                outcome = await _run_step(ctx, step)
                result.steps.append(outcome)
                if on_step:
                    on_step(result, step, outcome)
                failed = outcome.verdict in (FAILED, ERROR)
    finally:
        restore()
    result.seconds = time.perf_counter() - started
    return result


_VARIABLE = re.compile(r"\$\{(\w+)\}")


def substitute(value: Any, variables: dict[str, Any]) -> Any:
    """`value` with "${name}" replaced by a saved value: a whole string "${tx}" becomes the value itself
    (a transactionId stays a number), one inside a longer string its text."""
    if isinstance(value, str):
        whole = _VARIABLE.fullmatch(value)
        if whole:
            return variables[whole.group(1)]
        return _VARIABLE.sub(lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    return value


async def _run_step(ctx: StepContext, step: Step) -> StepResult:
    kind = KINDS[step.kind]
    started = time.perf_counter()
    step = replace(
        step, fields={k: v if k == "save" else substitute(v, ctx.variables) for k, v in step.fields.items()}
    )
    ctx.frames_before = ctx.charger.mark() if ctx.charger.station is not None else 0
    if kind.needs_connection and ctx.charger.station is None:
        return StepResult(
            step, ERROR, "the charger is not connected yet: a connect step must come first", 0.0
        )
    try:
        message, frames = await kind.run(ctx, step)
        verdict = PASSED
    except ExpectationError as exc:
        verdict, message, frames = FAILED, str(exc), exc.frames or ctx.charger.frames(ctx.frames_before)
    except StepSkippedError as exc:
        verdict, message, frames = SKIPPED, str(exc), []
    except Exception as exc:  # a step that cannot run is reported; it never takes the run down
        verdict, message = ERROR, f"{type(exc).__name__}: {exc}"
        frames = ctx.charger.frames(ctx.frames_before) if ctx.charger.station is not None else []
    return StepResult(step, verdict, message, time.perf_counter() - started, frames)


def _apply_csms_settings(csms: CentralSystem | None, scenario: Scenario) -> Callable[[], None]:
    """The scenario's [csms] table on the built-in central system, undone after the scenario."""
    if csms is None or not scenario.csms:
        return lambda: None
    old_interval = csms.heartbeat_interval
    csms.heartbeat_interval = int(scenario.csms.get("heartbeat_interval", old_interval))
    undo_tags = refuse_tags(csms, [str(t) for t in scenario.csms.get("refuse_tags", [])])

    def restore() -> None:
        csms.heartbeat_interval = old_interval
        undo_tags()

    return restore
