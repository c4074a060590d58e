"""Is `dltutor bench` right? Measured TTFT and TPOT against a fake server with known delays.

The fake server runs in its own process and waits exactly TTFT before the first token and
TPOT between tokens (scheduled on absolute times). dltutor bench's runner measures both at
1, 50 and 500 concurrent streams; the error must stay within 2%. TTFT is compared from the
response headers (the server's share, as other tools measure it); TTFT from the request's
arrival, which adds the client building 500 requests at once, is printed beside it. Then it drives 1,000
concurrent streams and reports whether every one completed. A table, then one JSON line.
Exit status 1 when a check fails.
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

TTFT, TPOT, TOKENS = 1.0, 0.05, 21
LEVELS = (1, 50, 500)
TOLERANCE = 0.02


async def level(base_url: str, n: int, ttft: float, tpot: float, requests: int) -> dict:  # type: ignore[type-arg]
    async with LLMClient(
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
        "streams": n,
        "completed": s["completed"],
        "failed": s["failed"],
        "wall_s": wall,
        "ttft_p50": s["ttft_s"]["p50"],
        "tpot_p50": s["tpot_s"]["p50"],
        "ttft_err": abs(s["ttft_s"]["p50"] - ttft) / ttft if s["completed"] else None,
        "tpot_err": abs(s["tpot_s"]["p50"] - tpot) / tpot if s["completed"] else None,
    }


async def main() -> list[dict]:  # type: ignore[type-arg]
    rows = []
    with FakeServerProcess(TTFT, TPOT, TOKENS) as srv:
        await level(srv.base_url, 4, TTFT, TPOT, 4)  # warm-up: imports, first connections
        for n in LEVELS:
            rows.append(await level(srv.base_url, n, TTFT, TPOT, max(n, 5)))
    # 1,000 concurrent streams: can the client on this machine drive them at all?
    with FakeServerProcess(2.0, 0.2, 11) as srv:
        big = await level(srv.base_url, 1000, 2.0, 0.2, 1000)
        big["check"] = "drive"
        rows.append(big)
    return rows


if __name__ == "__main__":
    rows = asyncio.run(main())
    ok = True
    print(
        f"{'streams':>8} {'done':>6} {'TTFT p50':>10} {'err':>7} {'TPOT p50':>10} {'err':>7} {'wall':>7}"
    )
    for r in rows:
        within = r["failed"] == 0 and (
            r.get("check") == "drive" or (r["ttft_err"] <= TOLERANCE and r["tpot_err"] <= TOLERANCE)
        )
        ok &= within
        print(
            f"{r['streams']:>8} {r['completed']:>6} {r['ttft_p50']:>9.4f}s {r['ttft_err'] * 100:>6.2f}% "
            f"{r['tpot_p50'] * 1000:>8.2f}ms {r['tpot_err'] * 100:>6.2f}% {r['wall_s']:>6.1f}s {'ok' if within else 'FAIL'}"
        )
    print(
        f"truth: TTFT {TTFT}s, TPOT {TPOT * 1000:.0f}ms (1000-stream row: TTFT 2s, TPOT 200ms); tolerance {TOLERANCE:.0%}"
    )
    print(json.dumps({"bench": "bench_accuracy", "ok": ok, "rows": rows}))
    sys.exit(0 if ok else 1)
