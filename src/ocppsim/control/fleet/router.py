"""The parent's REST API and dashboard of a sharded fleet: the same routes and replies as one process
serves, each request sent on to the worker that holds the charger (or to every worker, and the answers
added up: summary, lists, the event stream, vehicles). Its text command interface: text_router.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ocppsim.control.fleet.shards import ShardedFleet, Worker
from ocppsim.control.http.server import BearerToken, add_pages

__all__ = ["build_router_app"]

_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
_HOP_HEADERS = {"content-type", "content-disposition", "www-authenticate"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class _Workers:
    def __init__(self, fleet: ShardedFleet) -> None:
        self.fleet = fleet
        self._clients: dict[int, httpx.AsyncClient] = {}

    def client(self, worker: Worker) -> httpx.AsyncClient:
        client = self._clients.get(worker.index)
        if client is None:
            client = httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{worker.http_port}",
                headers={"Authorization": f"Bearer {self.fleet.token}"},
                timeout=_TIMEOUT,
            )
            self._clients[worker.index] = client
        return client

    async def send(self, worker: Worker, request: Request, path: str | None = None) -> httpx.Response:
        body = await request.body()
        headers = (
            {"content-type": request.headers["content-type"]} if "content-type" in request.headers else {}
        )
        return await self.client(worker).request(
            request.method,
            path or request.url.path,
            params=httpx.QueryParams(list(request.query_params.multi_items())),
            content=body or None,
            headers=headers,
        )

    async def json_all(self, path: str, params: Sequence[tuple[str, str]]) -> list[Any]:
        query = httpx.QueryParams(list(params))
        responses = await asyncio.gather(
            *(self.client(w).get(path, params=query) for w in self.fleet.workers)
        )
        return [r.json() for r in responses]

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()


def _relay(response: httpx.Response) -> Response:
    headers = {k: v for k, v in response.headers.items() if k.lower() in _HOP_HEADERS}
    return Response(response.content, status_code=response.status_code, headers=headers)


def build_router_app(fleet: ShardedFleet, *, token: str | None = None) -> Starlette:
    workers = _Workers(fleet)
    first = fleet.workers[0]

    async def to_owner(request: Request) -> Response:
        charger_id = request.path_params["charger_id"]
        worker = fleet.owner(charger_id)
        if worker is None:
            return _error(404, f"charger {charger_id!r} does not exist")
        response = await workers.send(worker, request)
        if request.method == "DELETE" and response.status_code == 204 and request.url.path.count("/") == 3:
            fleet.owners.pop(charger_id, None)
        return _relay(response)

    async def to_first(request: Request) -> Response:
        return _relay(await workers.send(first, request))

    async def to_all(request: Request) -> Response:
        """Vehicles live in every worker's registry: change them everywhere, answer with the first."""
        answers = [await workers.send(w, request) for w in fleet.workers]
        return _relay(answers[0])

    async def summary(request: Request) -> Response:
        parts = await workers.json_all("/api/summary", [])
        total: dict[str, Any] = {k: 0 for k in ("chargers", "connected", "booted", "charging", "queued")}
        by_status: dict[str, int] = {}
        for part in parts:
            for key in total:
                total[key] += part[key]
            for status, count in part["connectors_by_status"].items():
                by_status[status] = by_status.get(status, 0) + count
        return JSONResponse({**total, "connectors_by_status": by_status})

    async def charger_ids(request: Request) -> Response:
        parts = await workers.json_all("/api/charger-ids", list(request.query_params.multi_items()))
        return JSONResponse(sorted(i for part in parts for i in part))

    async def chargers(request: Request) -> Response:
        if request.method == "POST":
            worker = fleet.least_loaded()
            response = await workers.send(worker, request)
            if response.status_code == 201:
                fleet.owners[response.json()["id"]] = worker.index
            return _relay(response)
        query = request.query_params
        try:
            offset = int(query.get("offset", 0))
            limit = int(query.get("limit", 100))
        except ValueError:
            return _error(422, "invalid request: offset and limit are whole numbers")
        if offset < 0 or not 1 <= limit <= 1000:
            return _error(422, "invalid request: offset >= 0, 1 <= limit <= 1000")
        filters = [(k, v) for k, v in query.multi_items() if k in ("q", "status", "connected", "id")]
        parts = await workers.json_all("/api/charger-ids", [(k, v) for k, v in filters if k != "id"])
        ids = sorted(i for part in parts for i in part)
        wanted = {v for k, v in filters if k == "id"}
        if wanted:
            ids = [i for i in ids if i in wanted]
        page = ids[offset : offset + limit]
        by_worker: dict[int, list[str]] = {}
        for charger_id in page:
            index = fleet.owners.get(charger_id)
            if index is not None:
                by_worker.setdefault(index, []).append(charger_id)
        briefs: dict[str, Any] = {}
        for index, chosen in by_worker.items():
            params = httpx.QueryParams([("limit", "1000"), *(("id", i) for i in chosen)])
            reply = await workers.client(fleet.workers[index]).get("/api/chargers", params=params)
            briefs.update({item["id"]: item for item in reply.json()["items"]})
        items = [briefs[i] for i in page if i in briefs]
        return JSONResponse({"total": len(ids), "offset": offset, "limit": limit, "items": items})

    async def connector_wall(request: Request) -> Response:
        """Every worker's wall, merged in id order (each worker's legend is the same list)."""
        parts = await workers.json_all("/api/connector-wall", [])
        rows = sorted(
            (i, conn, tiles)
            for part in parts
            for i, conn, tiles in zip(part["ids"], part["connected"], part["tiles"], strict=True)
        )
        return JSONResponse(
            {
                "statuses": parts[0]["statuses"],
                "ids": [r[0] for r in rows],
                "connected": [r[1] for r in rows],
                "tiles": [r[2] for r in rows],
            }
        )

    async def health(request: Request) -> Response:
        parts = await workers.json_all("/api/health", [])
        return JSONResponse(
            {
                "ok": all(p["ok"] for p in parts),
                "version": parts[0]["version"],
                "workers": len(parts),
                "running": all(p["running"] for p in parts),
            }
        )

    async def events(request: Request) -> Response:
        """Every worker's event stream, merged (events keep their order per charger)."""
        params = httpx.QueryParams(list(request.query_params.multi_items()))
        try:
            limit = int(request.query_params.get("limit", 0)) or None
        except ValueError:
            return _error(422, "invalid request: limit is a whole number")
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=10_000)
        # A worker subscribes before it answers (api_events.py): the merged stream opens once every worker
        # answered, so that a client that sees it open gets every event from then on, as from one process.
        answered: list[Worker] = []
        all_answered = asyncio.Event()
        if not fleet.workers:
            all_answered.set()

        def answer_from(worker: Worker) -> None:
            if worker not in answered:
                answered.append(worker)
                if len(answered) == len(fleet.workers):
                    all_answered.set()

        async def pump(worker: Worker) -> None:
            try:
                async with workers.client(worker).stream(
                    "GET", "/api/events", params=params, timeout=httpx.Timeout(None, connect=5.0)
                ) as response:
                    answer_from(worker)
                    if response.status_code != 200:
                        await queue.put(b"event: error\ndata: " + await response.aread() + b"\n\n")
                        return
                    block = b""
                    async for chunk in response.aiter_bytes():
                        block += chunk
                        while b"\n\n" in block:
                            event, block = block.split(b"\n\n", 1)
                            if event.startswith(b"event:"):
                                await queue.put(event + b"\n\n")
            except httpx.HTTPError:
                pass
            finally:
                answer_from(worker)
                await queue.put(None)

        async def stream() -> AsyncIterator[bytes]:
            pumps = [asyncio.create_task(pump(w)) for w in fleet.workers]
            open_streams = len(pumps)
            sent = 0
            try:
                await all_answered.wait()
                yield b"retry: 2000\n\n"
                while open_streams and (limit is None or sent < limit):
                    try:
                        item = await asyncio.wait_for(queue.get(), 15.0)
                    except TimeoutError:
                        yield b": keepalive\n\n"
                        continue
                    if item is None:
                        open_streams -= 1
                        continue
                    yield item
                    sent += 1
            finally:
                for task in pumps:
                    task.cancel()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    async def openapi(request: Request) -> Response:
        return _relay(await workers.client(first).get("/openapi.json"))

    routes = [
        Route("/openapi.json", openapi),
        Route("/api/summary", summary),
        Route("/api/health", health),
        Route("/api/templates", to_first),
        Route("/api/charger-ids", charger_ids),
        Route("/api/connector-wall", connector_wall),
        Route("/api/chargers", chargers, methods=["GET", "POST"]),
        Route("/api/chargers/{charger_id}", to_owner, methods=["GET", "DELETE"]),
        Route("/api/chargers/{charger_id}/{rest:path}", to_owner, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/api/vehicles", to_first),
        Route("/api/vehicles/{id_tag}", to_first, methods=["GET"]),
        Route("/api/vehicles/{id_tag}", to_all, methods=["PUT", "DELETE"]),
        Route("/api/events", events),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await workers.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    add_pages(app, fleet)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, f"no route {request.url.path}")

    app.add_exception_handler(404, not_found)
    if token:
        app.add_middleware(BearerToken, token=token)
    return app
