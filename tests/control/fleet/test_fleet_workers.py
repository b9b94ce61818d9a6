"""`ocppsim fleet --workers 2`: two worker processes, and the parent serves the REST API and the text
command interface for every charger whichever worker holds it; its summary adds up both workers."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from conftest import REAL_TIMEOUT
from ocppsim.control.fleet.workers import _without_token
from ocppsim.csms.server import CentralSystem
from ocppsim.driver import SimConnection
from ocppsim.store import DB_FILENAME, Store, shard_filename

IDS = [f"W{n:02d}" for n in range(1, 7)]
# Real seconds for what takes three Python processes (the parent and two workers) on a loaded machine:
# starting them, and the workers' reports (every second) reaching the parent. Generous: a bound, not a wait.
SLOW = REAL_TIMEOUT * 12


async def _line_matching(stream: asyncio.StreamReader, pattern: str, seen: list[str]) -> re.Match[str]:
    while True:
        line = (await asyncio.wait_for(stream.readline(), SLOW)).decode()
        if not line:
            raise AssertionError(f"no line matching {pattern!r}; got {seen}")
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found


async def _until(
    api: httpx.AsyncClient, path: str, ready: Callable[[httpx.Response], bool]
) -> httpx.Response:
    """GET `path` until `ready` says yes (at most SLOW real seconds); the last response."""
    deadline = asyncio.get_running_loop().time() + SLOW
    while True:
        response = await api.get(path)
        if ready(response) or asyncio.get_running_loop().time() > deadline:
            return response
        await asyncio.sleep(0.05)


async def test_two_workers_one_api(csms: CentralSystem, tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ocppsim", "fleet", "--count", "6", "--id-pattern", "W{:02d}",
        "--url", csms.url, "--workers", "2", "--conf-dir", str(tmp_path / "data"), "--ramp", "0",
        # A token that starts with "-" (as token_urlsafe's may): the parent's; the workers get their own.
        "--http", "127.0.0.1:0", "--http-token=-Tok3n", "--port", "0", "--no-live",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        http = (await _line_matching(proc.stdout, r"on (http://\S+)/ \(2 workers\)", seen)).group(1)
        text = (await _line_matching(proc.stdout, r"interface on (ws://\S+)", seen)).group(1)
        await csms.wait_for(lambda _: len(csms.calls(action="BootNotification")) >= 6, SLOW)
        async with httpx.AsyncClient(base_url=http, timeout=REAL_TIMEOUT) as anonymous:
            assert (await anonymous.get("/api/summary")).status_code == 401
        auth = {"Authorization": "Bearer -Tok3n"}
        async with httpx.AsyncClient(base_url=http, timeout=REAL_TIMEOUT, headers=auth) as api:
            summary = await _until(api, "/api/summary", lambda r: r.json()["booted"] == 6)
            assert summary.json() == {
                "chargers": 6, "connected": 6, "booted": 6, "charging": 0, "queued": 0,
                "connectors_by_status": {"Available": 6},
            }  # fmt: skip
            page = (await api.get("/api/chargers", params={"offset": 1, "limit": 4})).json()
            assert page["total"] == 6 and [c["id"] for c in page["items"]] == IDS[1:5]
            assert (await api.get("/api/charger-ids")).json() == IDS

            # W01 is on worker 0 and W02 on worker 1 (round-robin): both answer through the parent.
            for cid in ("W01", "W02"):
                r = await api.post(f"/api/chargers/{cid}/connectors/1/start", json={"id_tag": "T" + cid})
                assert r.status_code == 200 and r.json()["result"] == "accepted", r.text
            await csms.wait_for(lambda _: len(csms.calls(action="StartTransaction")) >= 2, SLOW)
            starts = csms.calls(action="StartTransaction")
            assert sorted(f.payload["idTag"] for f in starts) == ["TW01", "TW02"]
            r = await api.get("/api/chargers/W02/messages", params={"action": "StartTransaction"})
            assert [m["type"] for m in r.json()["items"]] == ["CALL", "CALLRESULT"]
            # The dashboard's overview and charts: the wall merged over both workers in id order, the
            # fleet's rates, a charger's history from its worker.
            wall = (await api.get("/api/connector-wall")).json()
            assert wall["ids"] == IDS and wall["connected"] == [1] * 6
            assert sorted(wall["statuses"][t[0]] for t in wall["tiles"]).count("Available") >= 4
            stats = (await api.get("/api/fleet/stats")).json()
            assert stats["counts"]["chargers"] == 6
            history = (await api.get("/api/chargers/W02/connectors/1/history")).json()
            assert history["connector"] == 1 and history["time"]
            assert (await api.get("/api/chargers/NOPE")).status_code == 404

            r = await api.post("/api/chargers", json={"id": "NEW1"})
            assert r.status_code == 201
            assert (await api.get("/api/chargers/NEW1")).json()["id"] == "NEW1"
            assert (await api.put("/api/vehicles/VAN", json={"capacity_wh": 50000})).status_code == 200

            # The merged stream opens once both workers subscribed: what happens from then on is in it.
            params = {"kinds": "status", "limit": 1}
            async with api.stream("GET", "/api/events", params=params, timeout=SLOW) as events:
                chunks = events.aiter_text()
                streamed = await asyncio.wait_for(anext(chunks), SLOW)
                assert streamed.startswith("retry:")
                async with SimConnection(text, timeout=REAL_TIMEOUT) as sim:
                    assert await sim.command("status") == (
                        "Error: no charger chosen: 'charger <id>' or '#<id> <command>'"
                    )
                    assert await sim.command("charger W04") == "Ok. charger W04"
                    assert await sim.command("plugin") == "Cable plugged. Status Preparing"
                    assert (await sim.command("#W03 status")).startswith("Status: Available")
                    assert (await sim.command("status")).startswith("Status: Preparing")
                    assert await sim.command("charger NOPE") == "Error: charger 'NOPE' does not exist"
                while not re.search(r"event: status\ndata: .*\n\n", streamed):
                    streamed += await asyncio.wait_for(anext(chunks), SLOW)
            assert '"status":"Preparing"' in streamed and '"charger":"W04"' in streamed

            assert (await api.delete("/api/chargers/NEW1")).status_code == 204
            assert (await api.get("/api/chargers/NEW1")).status_code == 404
            # The parent's counts come with the workers' reports (every second): NEW1 added, then removed.
            wanted = {"ocppsim_chargers 6.0", "ocppsim_chargers_booted 6.0"}
            reported = await _until(api, "/metrics", lambda r: wanted <= set(r.text.splitlines()))
            metrics = reported.text.splitlines()
            assert "ocppsim_chargers 6.0" in metrics and "ocppsim_chargers_booted 6.0" in metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        out = (await asyncio.wait_for(proc.communicate(), REAL_TIMEOUT * 6))[0].decode()
    assert proc.returncode == 0
    summary_line = next(line for line in out.splitlines() if line.startswith("summary: "))
    totals = json.loads(summary_line[9:])
    assert totals["calls_out_by_action"]["BootNotification"] == 7  # 6 + NEW1, from both workers
    assert totals["calls_out_by_action"]["StartTransaction"] == 2
    # Each worker kept its chargers' state in a file of its own (one writer per SQLite file).
    kept = []
    for k in (0, 1):
        store = Store(tmp_path / "data", filename=shard_filename(k))
        kept.append(store.chargers.ids() & set(IDS))
        store.close()
    assert kept == [{"W01", "W03", "W05"}, {"W02", "W04", "W06"}]
    assert not (tmp_path / "data" / DB_FILENAME).exists()


def test_workers_get_the_parents_token_by_environment_only() -> None:
    argv = ["--count", "2", "--http-token", "-a", "--http-token=b", "--url", "ws://x"]
    assert _without_token(argv) == ["--count", "2", "--url", "ws://x"]
