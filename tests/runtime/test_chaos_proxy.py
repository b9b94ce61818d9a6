"""The fault-injection proxy itself, against an echo server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from ocppsim.runtime.chaos import ChaosProxy


@pytest.fixture
async def proxy() -> AsyncIterator[ChaosProxy]:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    chaos = ChaosProxy(target=("127.0.0.1", server.sockets[0].getsockname()[1]))
    await chaos.start()
    yield chaos
    await chaos.stop()
    server.close()
    await server.wait_closed()


async def roundtrip(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes, timeout: float
) -> bytes:
    writer.write(data)
    await writer.drain()
    return await asyncio.wait_for(reader.readexactly(len(data)), timeout)


async def test_forwards_stalls_blackholes_and_cuts(proxy: ChaosProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    assert await roundtrip(reader, writer, b"hello", 1) == b"hello"

    stall = asyncio.create_task(proxy.stall(0.2))
    writer.write(b"late")
    await writer.drain()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.readexactly(4), 0.05)  # held back while stalled
    await stall
    assert await asyncio.wait_for(reader.readexactly(4), 1) == b"late"  # delivered afterwards

    proxy.blackhole(True)
    writer.write(b"gone")
    await writer.drain()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.readexactly(4), 0.1)
    proxy.blackhole(False)

    proxy.set_delay(0.05)
    assert await roundtrip(reader, writer, b"slow", 1) == b"slow"
    proxy.set_delay(0)

    assert proxy.connections == 1
    assert proxy.cut() == 1
    assert await asyncio.wait_for(reader.read(), 1) == b""  # the connection is gone
    writer.close()
    assert proxy.stats.cuts == 1 and proxy.stats.stalls == 1 and proxy.stats.blackholes == 1


async def test_random_faults_are_reproducible(proxy: ChaosProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    proxy.start_random(seed=7, mean_interval=0.01, actions={"cut": 1})
    assert await asyncio.wait_for(reader.read(), 2) == b""
    assert proxy.stats.cuts >= 1
    writer.close()
