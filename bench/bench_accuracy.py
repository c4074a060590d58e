"""Is `dltutor bench` right? Measured TTFT and TPOT against a fake server with known delays.

The fake server runs in its own process and waits exactly TTFT before the first token and
TPOT between tokens (scheduled on absolute times). dltutor bench's default client (the lean
`wire` path) measures both at 1, 50 and 500 concurrent streams; the error must stay within 2%.
TTFT is compared from the response headers (the server's share, as other tools measure it);
TTFT from the request's arrival, which adds the client sending 500 requests at once, is printed
beside it. The same levels through the openai SDK path (`--client sdk`) run side by side, for
the ratio: they are not checked, they show why the bench has its own path. Then it drives 1,000
concurrent streams and reports whether every one completed. A table, then one JSON line. Exit
status 1 when a check fails.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.metrics import summarize
from dltutor.bench.runner import LoadSpec, run
from dltutor.llm.client import LLMClient
from dltutor.llm.wire import WireClient

TTFT, TOKENS = 1.0, 21
# (streams, true TPOT): 500 streams at 50 ms are 10,000 chunks a second into one process
LEVELS = ((1, 0.05), (50, 0.05), (500, 0.05))
TOLERANCE = 0.02
CLIENTS = {"wire": WireClient, "sdk": LLMClient}


async def level(  # type: ignore[type-arg]
    base_url: str, n: int, ttft: float, tpot: float, requests: int, client: str = "wire"
) -> dict:
    async with CLIENTS[client](
        base_url,
        model="fake-model",
        max_connections=None,
        first_token_timeout=120,
        idle_timeout=120,
    ) as c:
        t0 = time.monotonic()
        recs = await run(
            c, LoadSpec(["q"], concurrency=n, requests=requests, timeout=120, max_tokens=TOKENS)
        )
        wall = time.monotonic() - t0
    s = summarize(recs)
    return {
        "client": client,
        "streams": n,
        "completed": s["completed"],
        "failed": s["failed"],
        "wall_s": wall,
        "ttft_p50": s["ttft_server_s"]["p50"],  # from the response headers: the server's share
        "ttft_arrival_p50": s["ttft_s"]["p50"],  # plus building and sending the request
        "tpot_p50": s["tpot_s"]["p50"],
        "ttft_err": abs(s["ttft_server_s"]["p50"] - ttft) / ttft if s["completed"] else None,
        "tpot_err": abs(s["tpot_s"]["p50"] - tpot) / tpot if s["completed"] else None,
    }


async def main() -> list[dict]:  # type: ignore[type-arg]
    rows = []
    for client in ("wire", "sdk"):
        for n, tpot in LEVELS:
            with FakeServerProcess(TTFT, tpot, TOKENS) as srv:
                await level(srv.base_url, 4, TTFT, tpot, 4, client)  # warm-up
                row = await level(srv.base_url, n, TTFT, tpot, max(n, 5), client)
                rows.append(row | {"true_tpot": tpot, "checked": client == "wire"})
    # 1,000 concurrent streams: can the client on this machine drive them at all?
    with FakeServerProcess(2.0, 0.2, 11) as srv:
        big = await level(srv.base_url, 1000, 2.0, 0.2, 1000)
        big["check"] = "drive"
        big["checked"] = True
        rows.append(big)
    return rows


if __name__ == "__main__":
    rows = asyncio.run(main())
    ok = True
    print(
        f"{'client':>6} {'streams':>8} {'done':>6} {'TTFT p50':>10} {'err':>7} {'TPOT p50':>10} "
        f"{'err':>7} {'wall':>7} {'TTFT from arrival':>18}"
    )
    for r in rows:
        within = r["failed"] == 0 and (
            r.get("check") == "drive" or (r["ttft_err"] <= TOLERANCE and r["tpot_err"] <= TOLERANCE)
        )
        if r["checked"]:
            ok &= within
        verdict = ("ok" if within else "FAIL") if r["checked"] else "(not checked)"
        print(
            f"{r['client']:>6} {r['streams']:>8} {r['completed']:>6} {r['ttft_p50']:>9.4f}s "
            f"{r['ttft_err'] * 100:>6.2f}% {r['tpot_p50'] * 1000:>8.2f}ms "
            f"{r['tpot_err'] * 100:>6.2f}% {r['wall_s']:>6.1f}s "
            f"{r['ttft_arrival_p50']:>17.4f}s {verdict}"
        )
    by = {(r["client"], r["streams"]): r for r in rows if not r.get("check")}
    for n, _ in LEVELS:
        w, k = by[("wire", n)], by[("sdk", n)]
        print(
            f"{n} streams, TPOT error sdk/wire: {k['tpot_err'] / max(w['tpot_err'], 1e-4):.1f}x; "
            f"TTFT from arrival sdk/wire: {k['ttft_arrival_p50'] / w['ttft_arrival_p50']:.2f}x"
        )
    print(
        f"truth: TTFT {TTFT}s, TPOT {', '.join(f'{t * 1000:.0f}ms at {n}' for n, t in LEVELS)}"
        f" (1000-stream row: TTFT 2s, TPOT 200ms: completion only); tolerance {TOLERANCE:.0%}"
    )
    print(json.dumps({"bench": "bench_accuracy", "ok": ok, "rows": rows}))
    sys.exit(0 if ok else 1)
