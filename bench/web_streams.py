"""What does the web app add to a streamed answer, with 200 learners asking at once?

Side by side in one run, against the same fake LLM server (its own process, fixed time to first
token and time per token):
  direct — 200 concurrent streaming requests straight to the fake server (OpenAI chat API)
  web    — 200 concurrent chats through the web app (uvicorn on loopback, its own process,
           single-user mode, admission limit 256 so nothing queues): POST /api/chat, read SSE
           until `done`. This is the whole path: the question saved, course grounding, the
           stream relayed and saved as it grows.
The two kinds of round alternate (direct, web, direct, web …) so drift hits both alike. Reports
time to first token and end to end, p50/p99 of each, and what the web app adds (web − direct).
Prints a table, then one JSON line last. Bounded: every round has a deadline, and both
servers are stopped however the run ends.

    .venv/bin/python bench/web_streams.py [--streams 200] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np

from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.questions import builtin
from dltutor.bench.web_process import Sample, WebServer, web_chat
from dltutor.llm.client import httpx

TTFT, TPOT, TOKENS = 0.5, 0.02, 64  # the fake model: 0.5 s to the first token, 50 tokens/s
ROUND_DEADLINE_S = 180.0


async def direct_one(http: httpx.AsyncClient, base: str, question: str) -> Sample:
    body = {
        "model": "fake-model",
        "messages": [{"role": "user", "content": question}],
        "stream": True,
        "max_tokens": TOKENS,
    }
    t0 = time.perf_counter()
    first = None
    async with http.stream("POST", f"{base}/chat/completions", json=body) as resp:
        async for line in resp.aiter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                chunk = json.loads(line[6:])
                if first is None and any(c["delta"].get("content") for c in chunk["choices"]):
                    first = time.perf_counter() - t0
    return Sample(first, time.perf_counter() - t0, resp.status_code == 200 and first is not None)


async def burst(n: int, one: Callable[[int], Awaitable[Sample]]) -> list[Sample]:
    """n requests released together (a barrier), each timed on its own."""
    gate = asyncio.Event()

    async def wait_then(i: int) -> Sample:
        await gate.wait()
        try:
            return await one(i)
        except Exception as e:  # counted as failed, never silently dropped
            return Sample(None, None, False, type(e).__name__)

    tasks = [asyncio.create_task(wait_then(i)) for i in range(n)]
    await asyncio.sleep(0.2)
    gate.set()
    return await asyncio.wait_for(asyncio.gather(*tasks), ROUND_DEADLINE_S)


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p)) if xs else float("nan")


async def run(streams: int, rounds: int) -> dict[str, object]:
    questions = builtin("both")
    home = Path(tempfile.mkdtemp(prefix="dltutor-webbench-"))
    limits = httpx.Limits(max_connections=streams + 50, max_keepalive_connections=streams + 50)
    timeout = httpx.Timeout(ROUND_DEADLINE_S)
    samples: dict[str, list[Sample]] = {"direct": [], "web": []}
    web_cpu: list[float] = []  # server CPU seconds per web round
    with FakeServerProcess(TTFT, TPOT, TOKENS) as llm:
        web = WebServer(llm.base_url, home, TOKENS)
        try:
            web.wait_ready()

            # Fresh connections for every burst, on both paths: as 200 browsers would open them,
            # and no pooled connection outlives the server's keep-alive between rounds.
            def client(base: str = "") -> httpx.AsyncClient:
                return httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout)

            async with client(web.url) as http:
                token = (await http.get("/api/me")).json()["csrf_token"]
                cookies = dict(http.cookies)
                # warm-up: the course search index loads, code paths run once
                await burst(8, lambda i: web_chat(http, token, questions[i % len(questions)]))
            async with client() as http:
                await burst(8, lambda i: direct_one(http, llm.base_url, questions[i]))
            for r in range(rounds):
                for kind in ("direct", "web"):
                    qs = [questions[(r * streams + i) % len(questions)] for i in range(streams)]
                    if kind == "direct":
                        async with client() as http:
                            got = await burst(
                                streams, lambda i, q=qs, h=http: direct_one(h, llm.base_url, q[i])
                            )
                    else:
                        cpu0 = web.cpu_seconds()
                        async with client(web.url) as http:
                            http.cookies.update(cookies)
                            got = await burst(
                                streams, lambda i, q=qs, h=http: web_chat(h, token, q[i])
                            )
                        cpu1 = web.cpu_seconds()
                        if cpu0 is not None and cpu1 is not None:
                            web_cpu.append(cpu1 - cpu0)
                    samples[kind] += got
                    print(
                        f"round {r + 1} {kind:<6} ok {sum(s.ok for s in got)}/{streams}",
                        file=sys.stderr,
                    )
        finally:
            web.stop()
            shutil.rmtree(home, ignore_errors=True)

    out: dict[str, object] = {
        "streams": streams,
        "rounds": rounds,
        "fake_ttft_s": TTFT,
        "fake_tpot_s": TPOT,
        "tokens": TOKENS,
    }
    for kind, xs in samples.items():
        ok = [s for s in xs if s.ok]
        out[f"{kind}_ok"] = len(ok)
        out[f"{kind}_failed"] = len(xs) - len(ok)
        out[f"{kind}_errors"] = dict(Counter(s.error for s in xs if not s.ok))
        for metric in ("ttft", "e2e"):
            vals = [getattr(s, metric) for s in ok]
            for p in (50, 99):
                out[f"{kind}_{metric}_p{p}_ms"] = round(pct(vals, p) * 1000, 1)
            out[f"{kind}_{metric}_mean_ms"] = (
                round(statistics.fmean(vals) * 1000, 1) if vals else None
            )
    out["web_server_cpu_ms_per_chat"] = (
        round(1000 * sum(web_cpu) / (len(web_cpu) * streams), 2) if web_cpu else None
    )
    out["cpus"] = os.cpu_count()
    for metric in ("ttft", "e2e"):
        for p in (50, 99):
            key = f"{metric}_p{p}_ms"
            out[f"added_{key}"] = round(float(out[f"web_{key}"]) - float(out[f"direct_{key}"]), 1)  # type: ignore[arg-type]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    r = asyncio.run(run(a.streams, a.rounds))
    n = r["streams"]
    print(
        f"{n} concurrent streams × {r['rounds']} rounds; fake model: TTFT {TTFT * 1000:.0f} ms, "
        f"{TPOT * 1000:.0f} ms/token, {TOKENS} tokens"
    )
    print(f"{'path':<8}{'ok':>8}{'TTFT p50':>12}{'TTFT p99':>12}{'E2E p50':>12}{'E2E p99':>12}")
    for kind in ("direct", "web"):
        print(
            f"{kind:<8}{r[kind + '_ok']!s:>8}"
            + "".join(
                f"{r[f'{kind}_{m}_p{p}_ms']!s:>9} ms" for m in ("ttft", "e2e") for p in (50, 99)
            )
        )
    print(
        f"{'added':<8}{'':>8}"
        + "".join(f"{r[f'added_{m}_p{p}_ms']!s:>9} ms" for m in ("ttft", "e2e") for p in (50, 99))
    )
    print(
        f"the web server's CPU per chat: {r['web_server_cpu_ms_per_chat']} ms "
        f"({r['cpus']} CPUs shared by the client, the fake model and the web server)"
    )
    print(json.dumps(r))


if __name__ == "__main__":
    main()
