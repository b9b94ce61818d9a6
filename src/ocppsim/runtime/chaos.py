"""A small TCP fault-injection proxy for users and tests: put it between chargers and a CSMS and cut, delay,
stall or blackhole the connections, by hand or at random from a seed (`ocppsim chaos`).

    proxy = ChaosProxy(target=("127.0.0.1", 9000))
    await proxy.start()             # listens on proxy.port; point the chargers at it
    proxy.cut()                     # close every connection now (both sides)
    proxy.set_delay(0.2)            # add latency to every chunk
    await proxy.stall(5)            # stop forwarding for 5 s, connections stay open
    proxy.blackhole(True)           # swallow everything, connections stay open
    proxy.start_random(seed=1, mean_interval=10, actions={"cut": 1, "stall": 1})
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ChaosProxy", "ChaosStats"]

log = logging.getLogger("ocppsim.chaos")

_CHUNK = 65536


@dataclass
class ChaosStats:
    connections: int = 0
    cuts: int = 0
    stalls: int = 0
    delays: int = 0
    blackholes: int = 0
    bytes_forwarded: int = 0
    actions: list[tuple[float, str]] = field(default_factory=list)


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def close(self) -> None:
        for writer in (self.client, self.upstream):
            with contextlib.suppress(Exception):
                writer.transport.abort()  # a hard cut: no FIN handshake, like a pulled cable
        for task in self.tasks:
            task.cancel()


class ChaosProxy:
    def __init__(self, *, target: tuple[str, int], listen: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        self.target = target
        self.listen = listen
        self.port = 0
        self.stats = ChaosStats()
        self._links: set[_Link] = set()
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._delay = 0.0
        self._blackhole = False
        self._random: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.listen[0], self.listen[1])
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._random is not None:
            self._random.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._random
        self.cut(record=False)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def connections(self) -> int:
        return len(self._links)

    # ------------------------------------------------------------------ faults

    def cut(self, *, record: bool = True) -> int:
        """Close every open connection at once (both sides); returns how many were cut."""
        links = list(self._links)
        for link in links:
            link.close()
        self._links.clear()
        if record and links:
            self.stats.cuts += 1
            self._note(f"cut {len(links)}")
        return len(links)

    def cut_one(self, rng: random.Random) -> bool:
        """Close one connection picked with `rng`."""
        if not self._links:
            return False
        link = rng.choice(sorted(self._links, key=id))
        link.close()
        self._links.discard(link)
        self.stats.cuts += 1
        self._note("cut 1")
        return True

    def set_delay(self, seconds: float) -> None:
        """Latency added before every forwarded chunk (0 = none)."""
        self._delay = max(0.0, seconds)
        self.stats.delays += 1
        self._note(f"delay {seconds}")

    async def stall(self, seconds: float) -> None:
        """Forward nothing for `seconds`; the connections stay open and the data is delivered after."""
        self._flowing.clear()
        self.stats.stalls += 1
        self._note(f"stall {seconds}")
        try:
            await asyncio.sleep(seconds)
        finally:
            self._flowing.set()

    def blackhole(self, on: bool) -> None:
        """Swallow all data in both directions (connections stay open) until switched off."""
        self._blackhole = on
        self.stats.blackholes += int(on)
        self._note(f"blackhole {on}")

    def start_random(
        self, *, seed: int, mean_interval: float, actions: Mapping[str, float], max_duration: float = 5.0
    ) -> None:
        """Act at random (exponential intervals, weighted actions: cut, cut_one, stall, delay, blackhole),
        reproducibly from `seed`."""
        rng = random.Random(seed)
        names = list(actions)
        weights = [actions[n] for n in names]

        async def run() -> None:
            while True:
                await asyncio.sleep(rng.expovariate(1.0 / mean_interval))
                action = rng.choices(names, weights)[0]
                if action == "cut":
                    self.cut()
                elif action == "cut_one":
                    self.cut_one(rng)
                elif action == "stall":
                    await self.stall(rng.uniform(0, max_duration))
                elif action == "delay":
                    self.set_delay(rng.uniform(0, max_duration / 10))
                elif action == "blackhole":
                    self.blackhole(True)
                    await asyncio.sleep(rng.uniform(0, max_duration))
                    self.blackhole(False)

        self._random = asyncio.get_running_loop().create_task(run())

    def _note(self, what: str) -> None:
        self.stats.actions.append((asyncio.get_running_loop().time(), what))
        log.info("chaos: %s", what)

    # ------------------------------------------------------------------ forwarding

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError as exc:
            log.warning("chaos: cannot reach %s:%d: %s", *self.target, exc)
            writer.transport.abort()
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        self.stats.connections += 1
        link.tasks = [
            asyncio.ensure_future(self._pump(reader, up_writer, link)),
            asyncio.ensure_future(self._pump(up_reader, writer, link)),
        ]
        await asyncio.gather(*link.tasks, return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link) -> None:
        try:
            while True:
                data = await reader.read(_CHUNK)
                if not data:
                    break
                await self._flowing.wait()
                if self._delay:
                    await asyncio.sleep(self._delay)
                if self._blackhole:
                    continue
                writer.write(data)
                await writer.drain()
                self.stats.bytes_forwarded += len(data)
        except (ConnectionError, OSError):
            pass
        finally:
            link.close()
            self._links.discard(link)
