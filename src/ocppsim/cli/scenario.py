"""`ocppsim scenario run FILE...`: declarative scenarios (TOML) against a CSMS, a verdict per step, JUnit
XML for CI; `ocppsim scenario check FILE...` only checks them; `ocppsim scenario schema` prints the JSON
schema for editors. Every file is checked before anything connects; exit 0 only when every scenario passed
(1: a scenario failed, 2: a file was refused or the command line is wrong)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from ocppsim.cli.arguments import Parser, ws_url
from ocppsim.testing.harness import start_builtin_csms
from ocppsim.testing.scenario.junit import write_junit
from ocppsim.testing.scenario.parse import Scenario, ScenarioError, load_scenario
from ocppsim.testing.scenario.report import Reporter
from ocppsim.testing.scenario.runner import ScenarioResult, run_scenario
from ocppsim.testing.scenario.schema import scenario_schema

__all__ = ["run_scenario_command"]


def _load_all(paths: Sequence[str]) -> list[Scenario] | list[ScenarioError]:
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as exc:
            errors.append(exc)
    return errors or scenarios


async def _run_all(
    scenarios: list[Scenario], url: str | None, reporter: Reporter, tls: dict[str, str | None]
) -> list[ScenarioResult]:
    csms = None if url else await start_builtin_csms()
    target = url or (csms.url if csms else "")
    results = []
    try:
        for scenario in scenarios:
            reporter.scenario_started(scenario, target)
            result = await run_scenario(scenario, url=target, csms=csms, on_step=reporter.on_step, tls=tls)
            reporter.scenario_done(result)
            results.append(result)
    finally:
        if csms is not None:
            await csms.stop()
    return results


def run_scenario_command(argv: Sequence[str]) -> int:
    p = Parser(
        prog="ocppsim scenario",
        description="Run declarative test scenarios (TOML) against a central system: a verdict per step "
        "with the frames that decided it, JUnit XML for CI (docs/testing-a-csms.md).",
    )
    sub = p.add_subparsers(
        dest="action",
        required=True,
        metavar="{run,check,schema}",
        help="run: run scenario files; check: only check them; schema: print the JSON schema (each has -h)",
    )
    run = sub.add_parser("run", help="run scenario files", formatter_class=p.formatter_class)
    run.add_argument("files", nargs="+", metavar="FILE", help="scenario files (.toml)")
    run.add_argument(
        "--csms-url",
        type=ws_url,
        help="the central system under test, ws:// or wss:// (the charger id is appended); "
        "default: the built-in one, started in this process",
    )
    run.add_argument("--junit", metavar="PATH", help="also write JUnit XML here")
    run.add_argument("--plain", action="store_true", help="plain lines even in a terminal")
    run.add_argument("-v", "--verbose", action="store_true", help="show the frames of passed steps too")
    run.add_argument("--ca-file", help="CA certificates to verify a wss:// CSMS")
    run.add_argument("--client-cert", help="client certificate (security profile 3)")
    run.add_argument("--client-key", help="its private key")
    check = sub.add_parser("check", help="check scenario files without running them")
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario files (.toml)")
    sub.add_parser("schema", help="print the JSON schema of scenario files")
    args = p.parse_args(argv)

    if args.action == "schema":
        print(json.dumps(scenario_schema(), indent=2))
        return 0
    loaded = _load_all(args.files)
    if loaded and isinstance(loaded[0], ScenarioError):
        for error in loaded:
            print(f"ocppsim scenario: {error}", file=sys.stderr)
        print(f"ocppsim scenario: {len(loaded)} file(s) refused; nothing was run", file=sys.stderr)
        return 2
    scenarios = [s for s in loaded if isinstance(s, Scenario)]
    if args.action == "check":
        for s in scenarios:
            print(f"{s.path}: {s.name}: {len(s.steps)} steps, ok")
        return 0
    # The report is the output: a charger's warnings (a CALLERROR the CSMS answered, which a step may expect)
    # would land in the middle of it. They show with -v; errors always do.
    logging.basicConfig(
        level=logging.WARNING if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    reporter = Reporter(sys.stdout, rich=sys.stdout.isatty() and not args.plain, verbose=args.verbose)
    tls = {"ca_file": args.ca_file, "client_cert": args.client_cert, "client_key": args.client_key}
    try:
        results = asyncio.run(_run_all(scenarios, args.csms_url, reporter, tls))
    except OSError as exc:  # the built-in central system could not listen
        print(f"ocppsim scenario: {exc}", file=sys.stderr)
        return 2
    if args.junit:
        write_junit(args.junit, results)
    reporter.summary(results, args.junit)
    return 0 if all(r.passed for r in results) else 1
