"""Property tests over the OpenAPI spec (schemathesis): whatever the generated requests send, the API
never answers 5xx and every answer matches the schema it publishes."""

from __future__ import annotations

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import LiveSimulator

EXAMPLES = int(os.environ.get("OCPPSIM_SCHEMATHESIS_EXAMPLES", "40"))


def test_no_server_errors_and_responses_match_the_schema(tmp_path: Path) -> None:
    with LiveSimulator(tmp_path) as live:
        schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
        # The event stream never ends by itself; test_api reads it with a limit.
        schema = schema.exclude(path="/api/events")
        cases = 0
        operations = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                nonlocal cases
                cases += 1
                if isinstance(case.body, dict) and case.body.get("url"):
                    # Chargers created here connect only to our CSMS: no traffic leaves loopback.
                    case.body["url"] = live.csms.url
                case.call_and_validate(base_url=live.url)

            check()
        print(f"schemathesis: {cases} cases over {operations} operations")
        assert operations >= 30
        assert live.app is not None and live.app.station.online
