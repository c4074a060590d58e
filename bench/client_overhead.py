"""How much time does dltutor's LLM client add per streamed token?

Side by side in one run, against the fake server streaming as fast as it can (no delays):
  bare   — httpx2 reading the SSE lines and json-decoding each chunk (the least any client does)
  client — dltutor.llm.LLMClient (openai SDK parsing + thinking split + timers + bookkeeping)
  wire   — dltutor.llm.wire.WireClient, the load generator's lean path (bytes timestamped on
           arrival, decoded after the stream through the same chunk handling)
Reports µs per token for each, the difference (the client's added latency per token) and the
ratios. Prints a table, then one JSON line last.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

from dltutor.llm.client import LLMClient, httpx
from dltutor.llm.fake import FakeLLMServer
from dltutor.llm.types import Message
from dltutor.llm.wire import WireClient

TOKENS = 2000
ROUNDS = 7


async def bare(base_url: str) -> float:
    body = {
        "model": "fake-model",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "max_tokens": TOKENS,
    }
    async with httpx.AsyncClient(timeout=None) as http:
        t0 = time.perf_counter()
        n = 0
        async with http.stream("POST", base_url + "/chat/completions", json=body) as resp:
            async for line in resp.aiter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    chunk = json.loads(line[6:])
                    for ch in chunk["choices"]:
                        n += bool(ch["delta"].get("content"))
        dt = time.perf_counter() - t0
    assert n == TOKENS, n
    return dt / n


async def client(base_url: str, kind: type[LLMClient] = LLMClient) -> float:
    async with kind(base_url, model="fake-model", max_tokens=TOKENS) as c:
        t0 = time.perf_counter()
        reply = await c.complete([Message("user", "hi")])
        dt = time.perf_counter() - t0
    assert reply.output_tokens == TOKENS and reply.status == "complete"
    return dt / TOKENS


async def main() -> dict[str, float]:
    with FakeLLMServer(default_tokens=TOKENS) as srv:
        await bare(srv.base_url)  # warm-up both paths
        await client(srv.base_url)
        await client(srv.base_url, WireClient)
        b, c, w = [], [], []
        for _ in range(ROUNDS):  # interleaved, so drift hits all alike
            b.append(await bare(srv.base_url))
            c.append(await client(srv.base_url))
            w.append(await client(srv.base_url, WireClient))
    bare_us, client_us = statistics.median(b) * 1e6, statistics.median(c) * 1e6
    wire_us = statistics.median(w) * 1e6
    return {
        "tokens_per_stream": TOKENS,
        "rounds": ROUNDS,
        "bare_us_per_token": round(bare_us, 1),
        "client_us_per_token": round(client_us, 1),
        "added_us_per_token": round(client_us - bare_us, 1),
        "ratio": round(client_us / bare_us, 2),
        "wire_us_per_token": round(wire_us, 1),
        "wire_ratio": round(wire_us / bare_us, 2),
    }


if __name__ == "__main__":
    r = asyncio.run(main())
    print(f"{'reader':<10}{'µs/token (median of ' + str(ROUNDS) + ')':>28}")
    print(f"{'bare':<10}{r['bare_us_per_token']:>28.1f}")
    print(f"{'client':<10}{r['client_us_per_token']:>28.1f}")
    print(f"{'wire':<10}{r['wire_us_per_token']:>28.1f}")
    print(
        f"added by the client: {r['added_us_per_token']:.1f} µs/token (ratio {r['ratio']:.2f}x) — "
        f"includes the fake server's own time, which all share"
    )
    print(f"wire client / bare httpx: {r['wire_ratio']:.2f}x")
    print(json.dumps({"bench": "client_overhead", **r}))
