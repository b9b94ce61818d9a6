"""The message log's pages keep a request and its answer together (the dashboard's sequence view)."""

from __future__ import annotations

from conftest import Api
from ocppsim.control.http.api_messages import keep_pairs
from ocppsim.runtime.message_log import LoggedFrame


def _f(seq: int, direction: str, kind: str, mid: str) -> LoggedFrame:
    return LoggedFrame(seq, float(seq), "CP", direction, kind, mid, "Heartbeat", "[]")


def test_a_page_is_widened_to_whole_pairs() -> None:
    frames = [
        _f(1, "out", "CALL", "a"),
        _f(2, "in", "CALL", "b"),  # a CS -> CP call, answered later by us
        _f(3, "in", "CALLRESULT", "a"),
        _f(4, "out", "CALL", "c"),
        _f(5, "out", "CALLRESULT", "b"),
        _f(6, "in", "CALLERROR", "c"),
        _f(7, "out", "CALL", "d"),  # not answered (yet)
    ]
    assert keep_pairs(frames, 2, 4) == (0, 6)  # a's CALL before, c's error after (and b with it)
    assert keep_pairs(frames, 6, 7) == (6, 7)
    assert keep_pairs(frames, 5, 6) == (0, 6)  # c's CALL, then b's, then a's: interleaved pairs
    # the same id in the other direction is another pair
    other = [_f(1, "out", "CALL", "x"), _f(2, "out", "CALLRESULT", "x")]
    assert keep_pairs(other, 1, 2) == (1, 2)


async def test_paging_back_keeps_pairs(api: Api) -> None:
    for _ in range(5):
        await api.csms.call("CP1", "GetConfiguration", {"key": ["HeartbeatInterval"]})
    await api.quiet()
    url = "/api/chargers/CP1/messages"
    pages: list[list[dict[str, object]]] = []
    before = None
    while True:
        params = {"limit": 3, **({"before": before} if before else {})}
        page = (await api.client.get(url, params=params)).json()["items"]
        if not page:
            break
        pages.append(page)
        before = page[0]["seq"]
    for page in pages:
        calls = {f["message_id"] for f in page if f["type"] == "CALL"}
        assert all(f["message_id"] in calls for f in page if f["type"] != "CALL"), page
    seqs = {f["seq"] for page in pages for f in page}
    log = (await api.client.get(url, params={"limit": 1000})).json()["items"]
    assert len(log) >= 12 and {f["seq"] for f in log} == seqs  # nothing skipped between pages
