"""The pytest plugin (entry point `pytest11`, loaded by pytest once ocppsim is installed): simulated OCPP
1.6J chargers as fixtures, against the CSMS under test (`--ocpp-url ws://host:port/path`; each charger's id
is appended) or, without it, the built-in central system started in-process.

    async def test_session(charger):
        await charger.tag("ABC123")
        start = await charger.expect_call("StartTransaction", idTag="ABC123")
        assert start.answer["idTagInfo"]["status"] == "Accepted"

Fixtures: `charger` (one charger, booted), `charger_factory(id=..., connectors=..., security_profile=...)`,
`fleet(n)`, `ocpp_csms` (the built-in central system, to make it send calls; skips with --ocpp-url) and
`ocpp_session` (simulated time and every frame of the test). When a test fails, the OCPP frames it exchanged
are attached to its report.

Why a thread: the chargers and the built-in CSMS run in an event loop of their own, in a thread started on
first use. The fixtures are plain (synchronous) pytest fixtures and every helper is awaited through a
thread-safe future, so the plugin works the same under pytest-asyncio (any mode, any loop scope) and anyio,
and never depends on which loop a test's fixtures were made in. Simulated time is a FakeClock: nothing
periodic happens until a test advances it (`await charger.advance(3600)`), so an hour of charging takes
milliseconds."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from ocppsim.testing.expert_mode import ExpertMode
from ocppsim.testing.parking_bay import ParkingBay

if TYPE_CHECKING:
    from ocppsim.csms.server import CentralSystem
    from ocppsim.runtime.message_log import LoggedFrame
    from ocppsim.runtime.station import Station
    from ocppsim.testing.exchanges import Exchange
    from ocppsim.testing.harness import Harness, SimCharger

__all__ = ["BuiltinCsms", "Charger", "ExpertMode", "ParkingBay", "Session", "Simulator"]

T = TypeVar("T")

# _lazy: pytest loads this plugin in every run of an environment where ocppsim is installed (our own suite
# too); the simulator (its web framework, schemas, adapter) is imported only when a test uses a fixture.

_HARNESS = pytest.StashKey["Harness"]()
_SIMULATOR = pytest.StashKey["Simulator"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ocppsim", "ocppsim: simulated OCPP 1.6J chargers")
    group.addoption(
        "--ocpp-url",
        default=None,
        help="the CSMS under test (ws:// or wss://; the charger id is appended); default: the built-in "
        "central system, started in-process (also: ini option ocpp_url, env OCPP_URL)",
    )
    group.addoption(
        "--ocpp-id-prefix", default=None, help="charger ids are PREFIX-0001, ... (default: PYTEST)"
    )
    group.addoption("--ocpp-ca-file", default=None, help="CA certificates to verify a wss:// CSMS")
    group.addoption("--ocpp-client-cert", default=None, help="client certificate (security profile 3)")
    group.addoption("--ocpp-client-key", default=None, help="its private key")
    group.addoption(
        "--ocpp-timeout", type=float, default=None, help="real seconds a helper waits by default (5)"
    )
    parser.addini("ocpp_url", "the CSMS under test (see --ocpp-url)", default=None)


def pytest_configure(config: pytest.Config) -> None:
    url = _option(config, "--ocpp-url", "OCPP_URL")
    if url is not None and not str(url).startswith(("ws://", "wss://")):
        # OCPP-J 3.1: the endpoint is a WebSocket URL; say so before any test starts.
        raise pytest.UsageError(f"--ocpp-url {url!r}: expected ws://HOST[:PORT]/path or wss://...")


def _option(config: pytest.Config, name: str, env: str | None = None) -> Any:
    value = config.getoption(name)
    if value is None and name == "--ocpp-url":
        value = config.getini("ocpp_url") or None
    if value is None and env:
        value = os.environ.get(env) or None
    return value


class Simulator:
    """The plugin's event loop (a daemon thread) and what runs in it for the whole session: the built-in
    central system when no --ocpp-url is given."""

    def __init__(self, config: pytest.Config) -> None:
        self.url: str | None = _option(config, "--ocpp-url", "OCPP_URL")
        self.prefix: str = _option(config, "--ocpp-id-prefix") or "PYTEST"
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # parallel workers against one CSMS must not share charger ids
            self.prefix += f"-{worker}"
        self.tls = {
            "ca_file": _option(config, "--ocpp-ca-file"),
            "client_cert": _option(config, "--ocpp-client-cert"),
            "client_key": _option(config, "--ocpp-client-key"),
        }
        self.timeout: float = _option(config, "--ocpp-timeout") or 5.0
        self.csms: CentralSystem | None = None
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def next_id(self) -> str:
        return f"{self.prefix}-{next(self._ids):04d}"

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=main, name="ocppsim-pytest", daemon=True)
        self._thread.start()
        ready.wait()
        if self.url is None:
            from ocppsim.testing.harness import start_builtin_csms  # noqa: PLC0415 - see _lazy

            self.csms = self.run(start_builtin_csms())

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        if self.csms is not None:
            self.run(self.csms.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None

    @property
    def target(self) -> str:
        if self.url is not None:
            return self.url
        assert self.csms is not None
        return self.csms.url

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` in the simulator's loop and block until it is done (fixture setup and teardown)."""
        return self.submit(coro).result(timeout if timeout is not None else self.timeout * 6)

    def run_sync(self, fn: Callable[[], T]) -> T:
        """Call `fn` in the simulator's loop (the model is not thread-safe) and return its result."""
        assert self._loop is not None
        if threading.current_thread() is self._thread:
            return fn()
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def call() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        self._loop.call_soon_threadsafe(call)
        return future.result(self.timeout * 6)

    async def wait(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await `coro`, run in the simulator's loop, from the test's own event loop (asyncio, or any
        framework anyio runs on); cancelling the test's await cancels it there too."""
        __tracebackhide__ = True
        future = self.submit(coro)
        try:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # not asyncio (trio through anyio): wait in a worker thread
                import anyio.to_thread  # noqa: PLC0415 - only under trio

                return await anyio.to_thread.run_sync(future.result)
            return await asyncio.wrap_future(future)
        except AssertionError as exc:
            # The simulator thread's frames say nothing to the test's author: the message says it all.
            raise exc.with_traceback(None) from None


def _or(timeout: float | None, default: float) -> float:
    return default if timeout is None else timeout


def _station(inner: SimCharger) -> Station:
    if inner.station is None:
        raise RuntimeError(f"charger {inner.id} is not connected: call connect() first")
    return inner.station


class Charger:
    """A simulated charger in a test. Every `async` helper waits at most `timeout` real seconds and fails
    with an AssertionError that says what it saw instead; see ocppsim.testing.harness.SimCharger. Expert
    mode (`intercept`, `interceptions`, `remove_interception`): a part of its own, `expert`
    (testing/expert_mode.py), whose methods are the charger's too. The parking bay sensor of OCPP 2.0.1
    (`arrive`, `depart`): `bay` (testing/parking_bay.py)."""

    def __init__(self, sim: Simulator, inner: SimCharger) -> None:
        self._sim = sim
        self._inner = inner
        self.id = inner.id
        self.expert = ExpertMode(sim, lambda: _station(inner))
        self.intercept = self.expert.intercept
        self.interceptions = self.expert.interceptions
        self.remove_interception = self.expert.remove_interception
        self.bay = ParkingBay(sim, inner)  # the 2.0.1 bay sensor: `await charger.bay.arrive()`

    def __repr__(self) -> str:
        return f"<Charger {self.id}>"

    # connection
    async def connect(self, *, boot: bool = True, timeout: float | None = None) -> None:
        __tracebackhide__ = True
        await self._sim.wait(self._inner.connect(boot=boot, timeout=_or(timeout, self._sim.timeout)))

    async def disconnect(self) -> None:
        __tracebackhide__ = True
        await self._sim.wait(self._inner.disconnect())

    async def reconnect(self, *, timeout: float | None = None) -> None:
        __tracebackhide__ = True
        await self._sim.wait(self._inner.reconnect(timeout=_or(timeout, self._sim.timeout)))

    # an EV and a driver
    async def plug(self, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.plug(connector))

    async def unplug(self, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.unplug(connector))

    async def tag(self, id_tag: str | None = None, *, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.tag(id_tag, connector=connector))

    async def swipe(self, id_tag: str | None = None, *, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.swipe(id_tag, connector=connector))

    async def fault(self, error_code: str, info: str = "", *, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.fault(error_code, info, connector=connector))

    async def clear_fault(self, *, connector: int = 1) -> str:
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.clear_fault(connector=connector))

    async def command(self, line: str, *, connector: int = 1) -> str:
        """Any line of the text command interface (docs/commands.md), e.g. "max 10", "suspend"."""
        __tracebackhide__ = True
        return await self._sim.wait(self._inner.command(line, connector=connector))

    async def send(
        self, action: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Exchange:
        """The charger sends a CP->CS message (Heartbeat, StatusNotification, MeterValues, DataTransfer...)
        and the CSMS's answer is awaited."""
        __tracebackhide__ = True
        return await self._sim.wait(
            self._inner.send(action, payload, timeout=_or(timeout, self._sim.timeout))
        )

    def set_config(self, key: str, value: str) -> str:
        """Change a configuration key locally (ChangeConfiguration semantics); the status."""
        return self._sim.run_sync(lambda: self._inner.set_config(key, value))

    # time
    async def advance(self, seconds: float) -> None:
        """Move simulated time forward; heartbeats, meter samples and timeouts due meanwhile happen."""
        __tracebackhide__ = True
        await self._sim.wait(self._inner.advance(seconds))

    # reading and expecting
    def status(self, connector: int = 1) -> str | None:
        return self._sim.run_sync(lambda: self._inner.status(connector))

    def view(self, connector: int = 1) -> Any:
        """offer, usage, energy, transaction_id, ... of a connector (what the `status` command shows)."""
        return self._sim.run_sync(lambda: self._inner.view(connector))

    def mark(self) -> int:
        return self._sim.run_sync(self._inner.mark)

    def frames(self, since: int = 0) -> list[LoggedFrame]:
        return self._sim.run_sync(lambda: self._inner.frames(since))

    def calls(
        self, action: str | None = None, *, since: int = 0, direction: str | None = None
    ) -> list[Exchange]:
        return self._sim.run_sync(lambda: self._inner.calls(action, since=since, direction=direction))

    async def expect_call(
        self,
        action: str,
        *,
        direction: str | None = None,
        since: int = 0,
        timeout: float | None = None,
        match: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Exchange:
        """The first CALL of `action` since `since` (a `mark()`) whose payload matches, with its answer."""
        __tracebackhide__ = True
        return await self._sim.wait(
            self._inner.expect_call(
                action,
                direction=direction,
                since=since,
                timeout=_or(timeout, self._sim.timeout),
                match=match,
                **fields,
            )
        )

    async def expect_no_call(
        self, action: str, *, since: int = 0, within: float = 0.2, **fields: Any
    ) -> None:
        __tracebackhide__ = True
        await self._sim.wait(self._inner.expect_no_call(action, since=since, within=within, **fields))

    async def expect_remote_start(
        self, *, id_tag: str | None = None, connector: int | None = None, timeout: float | None = None
    ) -> Exchange:
        """The CSMS's RemoteStartTransaction (section 5.11), answered by the charger; then its
        StartTransaction once the EV is plugged in."""
        fields: dict[str, Any] = {}
        if id_tag is not None:
            fields["idTag"] = id_tag
        if connector is not None:
            fields["connectorId"] = connector
        __tracebackhide__ = True
        return await self.expect_call(
            "RemoteStartTransaction", direction="CS->CP", timeout=timeout, match=fields
        )

    async def wait_for_status(self, status: str, *, connector: int = 1, timeout: float | None = None) -> None:
        __tracebackhide__ = True
        await self._sim.wait(
            self._inner.wait_for_status(status, connector=connector, timeout=_or(timeout, self._sim.timeout))
        )


class BuiltinCsms:
    """The built-in central system of this session (only without --ocpp-url): what a test uses to make
    the CSMS side act (RemoteStart, SetChargingProfile, Reset...). A real CSMS is driven through its own
    API instead."""

    def __init__(self, sim: Simulator, csms: CentralSystem) -> None:
        self._sim = sim
        self._csms = csms
        self._undo: list[Callable[[], None]] = []

    @property
    def url(self) -> str:
        return self._csms.url

    async def call(
        self, charger: Charger | str, action: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a CS->CP CALL and return the charger's CALLRESULT payload (AssertionError on a CALLERROR)."""
        from ocppsim.ocpp16.framing import CallError  # noqa: PLC0415 - see _lazy

        cid = charger if isinstance(charger, str) else charger.id
        answer = await self._sim.wait(
            self._csms.call(cid, action, payload, timeout=timeout or self._sim.timeout)
        )
        if isinstance(answer, CallError):
            raise AssertionError(
                f"{cid} answered {action} with CALLERROR {answer.code}: {answer.description}"
            )
        return dict(answer.payload)

    def refuse_tags(self, *tags: str) -> None:
        """Answer these idTags Invalid (Authorize, StartTransaction) until the end of the test; every
        other tag stays Accepted."""
        from ocppsim.testing.harness import refuse_tags  # noqa: PLC0415 - see _lazy

        self._undo.append(self._sim.run_sync(lambda: refuse_tags(self._csms, tags)))

    def authorization(self, charger: Charger | str) -> str | None:
        """The Authorization header of the charger's last connection (security profiles 1 and 2)."""
        cid = charger if isinstance(charger, str) else charger.id
        return self._sim.run_sync(lambda: self._csms.authorization.get(cid))

    def reset(self) -> None:
        """Undo what this test changed (newest first)."""
        while self._undo:
            self._sim.run_sync(self._undo.pop())


@pytest.fixture(scope="session")
def ocpp_simulator(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """The plugin's event loop thread (and the built-in central system), for the whole session."""
    sim = request.config.stash.get(_SIMULATOR, None)
    if sim is None:
        sim = request.config.stash[_SIMULATOR] = Simulator(request.config)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def _ocpp_harness(ocpp_simulator: Simulator, request: pytest.FixtureRequest) -> Iterator[Harness]:
    """This test's harness, in the simulator's loop (the fixtures below use it from there)."""
    from ocppsim.testing.harness import Harness  # noqa: PLC0415 - see _lazy

    harness = Harness(ocpp_simulator.target, **ocpp_simulator.tls)
    ocpp_simulator.run(harness.start())
    request.node.stash[_HARNESS] = harness
    yield harness
    ocpp_simulator.run(harness.close())


class Session:
    """What the chargers of one test share: simulated time and the frames."""

    def __init__(self, sim: Simulator, harness: Harness) -> None:
        self._sim = sim
        self._harness = harness

    async def advance(self, seconds: float) -> None:
        """Move simulated time for every charger of the test."""
        __tracebackhide__ = True
        await self._sim.wait(self._harness.advance(seconds))

    def now(self) -> float:
        """Simulated time (epoch seconds)."""
        return self._sim.run_sync(self._harness.clock.now)

    def frames(self) -> list[LoggedFrame]:
        """Every frame of every charger of the test, in order."""
        return self._sim.run_sync(self._harness.frames)

    def format_frames(self) -> str:
        """The same, one line each (what a failing test's report shows)."""
        return self._sim.run_sync(self._harness.format_frames)


@pytest.fixture
def ocpp_session(ocpp_simulator: Simulator, _ocpp_harness: Harness) -> Session:
    """The test's simulated time (`await ocpp_session.advance(600)`) and every frame of its chargers."""
    return Session(ocpp_simulator, _ocpp_harness)


ChargerFactory = Callable[..., Awaitable[Charger]]


@pytest.fixture
def charger_factory(ocpp_simulator: Simulator, _ocpp_harness: Harness) -> ChargerFactory:
    """`await charger_factory(id=None, connectors=1, security_profile=None, authorization_key=None,
    boot=True, **params)`: a new charger, connected and booted unless boot=False; params are ChargerParams
    fields (max_offer_a, meter_values_sample_interval, default_profiles, ...)."""

    async def make(
        *,
        id: str | None = None,
        connectors: int = 1,
        security_profile: int | None = None,
        authorization_key: str | None = None,
        boot: bool = True,
        connect: bool = True,
        **params: Any,
    ) -> Charger:
        inner = ocpp_simulator.run_sync(
            lambda: _ocpp_harness.charger(
                id or ocpp_simulator.next_id(),
                connectors=connectors,
                security_profile=security_profile,
                authorization_key=authorization_key,
                **params,
            )
        )
        made = Charger(ocpp_simulator, inner)
        if connect:
            await made.connect(boot=boot)
        return made

    return make


@pytest.fixture
def charger(ocpp_simulator: Simulator, _ocpp_harness: Harness) -> Charger:
    """One charger with one connector, connected and booted (BootNotification Accepted, statuses sent)."""
    inner = ocpp_simulator.run_sync(lambda: _ocpp_harness.charger(ocpp_simulator.next_id()))
    ocpp_simulator.run(inner.connect(timeout=ocpp_simulator.timeout))
    return Charger(ocpp_simulator, inner)


FleetFactory = Callable[..., Awaitable[list[Charger]]]


@pytest.fixture
def fleet(ocpp_simulator: Simulator, _ocpp_harness: Harness) -> FleetFactory:
    """`await fleet(n, connectors=1, **params)`: n chargers, connected and booted together."""

    async def make(n: int, *, connectors: int = 1, **params: Any) -> list[Charger]:
        inners = ocpp_simulator.run_sync(
            lambda: [
                _ocpp_harness.charger(ocpp_simulator.next_id(), connectors=connectors, **params)
                for _ in range(n)
            ]
        )

        async def connect_all() -> None:
            await asyncio.gather(*(c.connect(timeout=ocpp_simulator.timeout) for c in inners))

        await ocpp_simulator.wait(connect_all())
        return [Charger(ocpp_simulator, c) for c in inners]

    return make


@pytest.fixture
def ocpp_csms(ocpp_simulator: Simulator, _ocpp_harness: Harness) -> Iterator[BuiltinCsms]:
    """The built-in central system (skips the test when it runs against --ocpp-url)."""
    if ocpp_simulator.csms is None:
        pytest.skip("drives the built-in central system; with --ocpp-url use your CSMS's own API")
    handle = BuiltinCsms(ocpp_simulator, ocpp_simulator.csms)
    yield handle
    handle.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report carries the OCPP frames its chargers exchanged (shown under the failure,
    and in --junitxml's system-out when `junit_logging` includes it)."""
    report: pytest.TestReport = yield
    harness = item.stash.get(_HARNESS, None)
    if harness is None or not report.failed or call.when == "teardown":
        return report
    sim = item.config.stash.get(_SIMULATOR, None)
    if sim is None:
        return report
    try:
        text = sim.run_sync(harness.format_frames)
    except Exception as exc:  # the report must not fail because the frames could not be read
        text = f"(frames not available: {exc})"
    report.sections.append(("Captured stdout OCPP frames", text or "(no frames)"))
    # The teardown report carries the sections of every phase: junitxml's system-out reads it from there.
    item.add_report_section(call.when, "stdout OCPP frames", text or "(no frames)")
    return report
