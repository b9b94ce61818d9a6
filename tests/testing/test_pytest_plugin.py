"""The pytest plugin as a CSMS team meets it: installed with the package (entry point pytest11), in a
project of its own, under pytest-asyncio (auto and strict mode, any loop scope) and anyio; a failing test
carries its frames. Each case is a pytest run in a subprocess: the first one as installed (every plugin of
the environment loaded through its entry point, ~1.5 s of start-up here), the others with only the plugins
they need (PYTEST_DISABLE_PLUGIN_AUTOLOAD and -p)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).parents[2]

SESSION = """
async def test_session(charger):
    reply = await charger.tag("ABC123")
    assert reply.startswith("Tag Accepted"), reply
    start = await charger.expect_call("StartTransaction", idTag="ABC123")
    assert start.answer["idTagInfo"]["status"] == "Accepted"
    await charger.advance(600)  # ten minutes of simulated time
    assert charger.view().energy > 1_000
    await charger.unplug()
    await charger.expect_call("StopTransaction", reason="EVDisconnected")
"""


PLUGIN = ("-p", "ocppsim.testing.pytest_plugin")


def pytest_in(cwd: Path, *args: str, only: tuple[str, ...] | None = None) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess; `only`: these -p plugins instead of every installed one."""
    # Not the outer run's xdist identity: the plugin suffixes charger ids with PYTEST_XDIST_WORKER, and
    # the inner session is no xdist worker (its tests assert the ids they chose).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT"))}
    if only is not None:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *(only or ()), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_pytest(
    tmp_path: Path, files: dict[str, str], *args: str, ini: str = "", only: tuple[str, ...] | None = None
) -> subprocess.CompletedProcess[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n" + textwrap.dedent(ini))
    return pytest_in(tmp_path, *args, only=only)


def test_pytest_asyncio_auto_mode_and_frames_of_a_failing_test(tmp_path):
    tests = (
        SESSION
        + """
async def test_wrong_tag_fails_with_its_frames(charger):
    await charger.tag("ABC123")
    await charger.expect_call("StartTransaction", idTag="NOT-THIS-ONE", timeout=0.2)

async def test_factory_fleet_and_the_builtin_csms(charger_factory, fleet, ocpp_csms):
    secure = await charger_factory(
        id="SECURE-1", connectors=2, security_profile=1, authorization_key="0123456789abcdef"
    )
    assert ocpp_csms.authorization(secure).startswith("Basic ")
    assert secure.status(2) == "Available"
    answer = await ocpp_csms.call(secure, "RemoteStartTransaction", {"idTag": "APP", "connectorId": 2})
    assert answer == {"status": "Accepted"}
    await secure.expect_remote_start(id_tag="APP", connector=2)
    ocpp_csms.refuse_tags("STOLEN")
    assert await secure.tag("STOLEN") == "Tag not accepted. Error: Invalid"
    chargers = await fleet(3)
    assert len({c.id for c in chargers}) == 3

async def test_session_time_is_shared(fleet, ocpp_session):
    first, second = await fleet(2)
    start = ocpp_session.now()
    await ocpp_session.advance(301)  # the built-in CSMS's heartbeat interval is 300 s
    assert ocpp_session.now() == start + 301
    for cp in (first, second):
        await cp.expect_call("Heartbeat")
    assert {f.charger_id for f in ocpp_session.frames()} == {first.id, second.id}
"""
    )
    junit = tmp_path / "report.xml"
    result = run_pytest(
        tmp_path,
        {"test_csms.py": tests},
        f"--junitxml={junit}",
        ini="asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "junit_logging = system-out\n",
    )
    assert "1 failed, 3 passed" in result.stdout, result.stdout + result.stderr
    assert "expected StartTransaction(idTag='NOT-THIS-ONE')" in result.stdout
    assert "idTag: 'ABC123' != 'NOT-THIS-ONE'" in result.stdout
    assert "Captured stdout OCPP frames" in result.stdout
    assert '"StartTransaction",{"connectorId":1,"idTag":"ABC123"' in result.stdout
    failed = next(c for c in ET.parse(junit).getroot().iter("testcase") if c.find("failure") is not None)
    assert '"BootNotification"' in failed.find("system-out").text


def test_pytest_asyncio_strict_mode_with_a_module_loop(tmp_path):
    tests = (
        """
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""
        + SESSION.replace("test_session", "test_session_in_a_module_loop")
        + SESSION
    )
    result = run_pytest(
        tmp_path,
        {"test_strict.py": tests},
        ini="asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n",
        only=(*PLUGIN, "-p", "pytest_asyncio.plugin"),
    )
    assert "2 passed" in result.stdout, result.stdout + result.stderr


def test_anyio_without_pytest_asyncio_against_another_csms(tmp_path, other_csms):
    tests = (
        """
import pytest

@pytest.fixture
def anyio_backend():
    return "asyncio"

def test_the_builtin_csms_is_not_there(ocpp_csms):
    raise AssertionError("skipped: --ocpp-url names another CSMS")

@pytest.mark.anyio
"""
        + SESSION
    )
    result = run_pytest(
        tmp_path,
        {"test_anyio.py": tests},
        f"--ocpp-url={other_csms.url}",
        "--ocpp-id-prefix=TEAM",
        "-rs",
        only=(*PLUGIN, "-p", "anyio.pytest_plugin"),
    )
    assert "1 passed, 1 skipped" in result.stdout, result.stdout + result.stderr
    assert "with --ocpp-url use your CSMS's own API" in result.stdout
    # The charger booted against the other CSMS (then its StartupOfTheDevice event and statuses).
    actions = [f.action for f in other_csms.calls("TEAM-0001")]
    assert actions[0] == "BootNotification" and "StatusNotification" in actions, actions


def test_the_example_suite_is_green_against_the_builtin_csms():
    result = pytest_in(ROOT, "examples/pytest", only=(*PLUGIN, "-p", "pytest_asyncio.plugin"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout  # with the built-in CSMS nothing needs filling in


def test_a_url_that_is_not_a_websocket_is_refused_before_any_test(tmp_path):
    result = run_pytest(tmp_path, {"test_x.py": SESSION}, "--ocpp-url=http://csms:9000", only=PLUGIN)
    assert result.returncode == 4  # pytest's usage error
    assert "expected ws://HOST[:PORT]/path or wss://" in result.stderr


EXPERT_MODE = """
import pytest

from ocppsim.runtime.interception import InterceptionError


async def test_an_answer_override_is_what_the_csms_sees(charger, ocpp_csms):
    oid = charger.intercept(target="answer", action="RemoteStartTransaction", status="Rejected", times=1)
    assert [(o["id"], o["status"], o["remaining"]) for o in charger.interceptions()] == [(oid, "Rejected", 1)]
    answer = await ocpp_csms.call(charger, "RemoteStartTransaction", {"idTag": "APP-1"})
    assert answer == {"status": "Rejected"}
    refused = await charger.expect_call("RemoteStartTransaction", idTag="APP-1")
    assert refused.answer_frame.note == f"intercepted #{oid}: status Rejected, model skipped"
    await charger.plug()
    await charger.expect_no_call("StartTransaction")  # the charger said no and did nothing
    assert charger.interceptions() == []  # times=1: used up
    answer = await ocpp_csms.call(charger, "RemoteStartTransaction", {"idTag": "APP-2"})
    assert answer == {"status": "Accepted"}
    await charger.expect_call("StartTransaction", idTag="APP-2")


async def test_a_call_error_until_removed(charger, ocpp_csms):
    oid = charger.intercept("answer", "GetConfiguration", error="NotSupported", description="not here")
    with pytest.raises(AssertionError, match="CALLERROR NotSupported: not here"):
        await ocpp_csms.call(charger, "GetConfiguration", {"key": ["HeartbeatInterval"]})
    assert (await charger.expect_call("GetConfiguration")).error == "NotSupported"
    assert charger.remove_interception(oid) == 1
    assert charger.remove_interception(oid) == 0
    answer = await ocpp_csms.call(charger, "GetConfiguration", {"key": ["HeartbeatInterval"]})
    assert answer["configurationKey"][0]["key"] == "HeartbeatInterval"


async def test_what_the_charger_sends(charger):
    charger.intercept(
        "send", "StatusNotification", set_fields={"vendorErrorCode": "E42"}, remove_fields=["timestamp"]
    )
    mark = charger.mark()
    await charger.plug()
    sent = await charger.expect_call(
        "StatusNotification", since=mark, status="Preparing", vendorErrorCode="E42"
    )
    assert "timestamp" not in sent.payload and sent.answer == {}
    charger.intercept("send", "Heartbeat", set_fields={"extra": 1}, times=1)
    assert (await charger.send("Heartbeat")).error == "FormationViolation"  # the CSMS refused the frame
    assert (await charger.send("Heartbeat")).error is None  # times=1: the next one goes as it is
    assert charger.remove_interception("all") == 1


def test_a_bad_option_is_named(charger):
    with pytest.raises(InterceptionError, match="unknown error code 'Oops'"):
        charger.intercept("answer", "Reset", error="Oops")
    with pytest.raises(InterceptionError, match="delay applies to answers only"):
        charger.intercept("send", "Heartbeat", delay=3)
    assert charger.interceptions() == []


async def test_a_failing_test_shows_which_frames_were_intercepted(charger, ocpp_csms):
    charger.intercept("answer", "Reset", status="Rejected")
    assert await ocpp_csms.call(charger, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
"""


def test_expert_mode_from_the_plugin(tmp_path):
    result = run_pytest(
        tmp_path,
        {"test_expert.py": EXPERT_MODE},
        ini="asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        only=(*PLUGIN, "-p", "pytest_asyncio.plugin"),
    )
    assert "1 failed, 4 passed" in result.stdout, result.stdout + result.stderr
    assert "{'status': 'Rejected'} == {'status': 'Accepted'}" in result.stdout
    # The report's frames say which answer the simulator, not the charger's model, made.
    assert '[3,"' in result.stdout and '{"status":"Rejected"}]  # intercepted #' in result.stdout


PARKING_BAY = """
BAY = "ParkingBayOccupancy"


async def test_the_bay_sensor_starts_and_ends_a_201_transaction(charger_factory, ocpp_csms):
    station = await charger_factory(ocpp_versions=("2.0.1",))
    points = [
        {"component": {"name": "TxCtrlr"}, "variable": {"name": name}, "attributeValue": BAY}
        for name in ("TxStartPoint", "TxStopPoint")
    ]
    answer = await ocpp_csms.call(station, "SetVariables", {"setVariableData": points})
    assert [r["attributeStatus"] for r in answer["setVariableResult"]] == ["Accepted", "Accepted"]
    mark = station.mark()
    assert await station.bay.arrive() == "EV in the parking bay. Status Available"
    assert await station.bay.arrive() == "Parking bay already occupied"
    started = await station.expect_call("TransactionEvent", since=mark, eventType="Started")
    assert started.payload["triggerReason"] == "EVDetected"
    mark = station.mark()
    assert await station.bay.depart() == "EV left the parking bay. Status Available"
    assert await station.bay.depart() == "Parking bay already free"
    ended = await station.expect_call("TransactionEvent", since=mark, eventType="Ended")
    assert ended.payload["triggerReason"] == "EVDeparted"  # stoppedReason: EVDisconnected (ReasonEnumType)


async def test_each_connector_has_its_bay(charger_factory):
    station = await charger_factory(ocpp_versions=("2.0.1",), connectors=2)
    assert await station.bay.arrive(connector=2) == "EV in the parking bay. Status Available"
    assert await station.bay.arrive() == "EV in the parking bay. Status Available"  # connector 1 was free
    assert await station.bay.depart(2) == "EV left the parking bay. Status Available"
"""


def test_the_parking_bay_from_the_plugin(tmp_path):
    result = run_pytest(
        tmp_path,
        {"test_bay.py": PARKING_BAY},
        ini="asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        only=(*PLUGIN, "-p", "pytest_asyncio.plugin"),
    )
    assert "2 passed" in result.stdout, result.stdout + result.stderr
