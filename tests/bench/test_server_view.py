"""The server-side view: Prometheus /metrics of vLLM, llama.cpp and SGLang, and the fake's."""

from __future__ import annotations

import asyncio
import time

import pytest

from dltutor.bench import server_metrics as sm
from dltutor.bench.metrics import lost, quantile, verdict
from dltutor.bench.runner import RequestRecord
from dltutor.llm.fake import FakeLLMServer, prompt_tokens
from dltutor.llm.types import Message
from dltutor.llm.wire import WireClient

VLLM = """# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="qwen"} 7.0
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="qwen"} 3.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="qwen"} 0.42
# TYPE vllm:prefix_cache_queries counter
vllm:prefix_cache_queries_total{engine="0",model_name="qwen"} 1000.0
# TYPE vllm:prefix_cache_hits counter
vllm:prefix_cache_hits_total{engine="0",model_name="qwen"} 640.0
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="qwen"} 4.0
vllm:time_to_first_token_seconds_count{model_name="qwen"} 9.0
"""
LLAMACPP = """# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 300
# TYPE llamacpp:prompt_tokens_cached_total counter
llamacpp:prompt_tokens_cached_total 100
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 2
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 1
"""
SGLANG = """# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{model_name="m"} 5.0
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{model_name="m"} 0.0
# TYPE sglang:cache_hit_rate gauge
sglang:cache_hit_rate{model_name="m"} 0.25
"""


def test_each_servers_names_map_to_one_view() -> None:
    v = sm.parse(VLLM)
    assert v == {
        "running": 7.0,
        "waiting": 3.0,
        "kv_cache_usage": 0.42,
        "prefix_cache_queries": 1000.0,
        "prefix_cache_hits": 640.0,
    }
    assert sm.parse(LLAMACPP) == {
        "running": 2.0,
        "waiting": 1.0,
        "prompt_tokens_cached": 100.0,
        "prompt_tokens": 300.0,
    }
    assert sm.parse(SGLANG)["prefix_cache_hit_rate"] == 0.25


def test_a_levels_summary_takes_counter_increases() -> None:
    a, b = sm.parse(LLAMACPP), sm.parse(LLAMACPP.replace("300", "500").replace("100", "400"))
    s = sm.summarize([(0.0, a), (1.0, b)])
    assert s["prompt_tokens_cached"] == 300 and s["prompt_tokens"] == 200
    assert s["prefix_cache_hit_rate_level"] == pytest.approx(300 / 500)
    assert s["running"] == {"mean": 2.0, "max": 2.0}
    assert sm.metrics_url("http://h:8000/v1/") == "http://h:8000/metrics"


def test_the_fake_server_queues_on_its_slots_and_says_so() -> None:
    words = " ".join(["w"] * 40)

    async def go(url: str) -> tuple[list, list]:  # type: ignore[type-arg]
        async with WireClient(url, model="fake-model") as c:
            await c.resolve_model()
            scraper = sm.Scraper(sm.metrics_url(url), every=0.05, t0=time.monotonic())
            stop = asyncio.Event()
            task = asyncio.create_task(scraper.run(stop))
            gens = [c.stream([Message("user", words)], max_tokens=5) for _ in range(4)]

            async def drain(g) -> None:  # type: ignore[no-untyped-def]
                async for _ in g:
                    pass

            await asyncio.gather(*(drain(g) for g in gens))
            stop.set()
            await task
            return [g.reply for g in gens], scraper.samples

    # 2 slots; first token 0.05 + 40 x 0.005 = 0.25 s after a slot frees; 4 more tokens 0.1 s
    with FakeLLMServer(first_token_delay=0.05, token_delay=0.025, default_tokens=5, slots=2,
                       prefill_per_token=0.005) as srv:  # fmt: skip
        replies, samples = asyncio.run(go(srv.base_url))
        text = sm.scrape(sm.metrics_url(srv.base_url))
    assert prompt_tokens({"messages": [{"content": words}]}) == 40
    firsts = sorted(r.first_token_s for r in replies)  # type: ignore[type-var]
    assert firsts[0] == pytest.approx(0.25, abs=0.06) and firsts[1] == pytest.approx(0.25, abs=0.06)
    assert firsts[2] == pytest.approx(0.60, abs=0.08) and firsts[3] == pytest.approx(0.60, abs=0.08)
    assert max(v.get("waiting", 0) for _, v in samples) == 2
    assert max(v.get("running", 0) for _, v in samples) == 2
    assert text is not None and text["prompt_tokens"] == 160 and text["running"] == 0
    assert text["prefix_cache_hits"] == 3 * 32  # the later three repeat the first's two blocks


def test_a_server_without_metrics_gives_none() -> None:
    assert sm.scrape("http://127.0.0.1:9/metrics", timeout=0.5) is None


def rec(ttft: float | None, ok: bool = True, phase: str = "measure") -> RequestRecord:
    r = RequestRecord(0, "c=1", phase, "2026-01-01T00:00:00", 0.0, "q")
    r.status = "ok" if ok else "error"
    r.ttft_s, r.e2e_s, r.output_tokens = ttft, (ttft or 0) + 1, 11
    return r


def test_an_slo_holds_when_at_least_the_quantile_meets_it() -> None:
    good = [rec(0.5) for _ in range(95)]
    assert verdict(good + [rec(3.0) for _ in range(5)], {"ttft": 1.0}, 0.95)["ok"]
    v = verdict(good + [rec(3.0) for _ in range(6)], {"ttft": 1.0}, 0.95)
    assert not v["ok"] and v["metrics"]["ttft"]["value"] == 3.0
    # a failed request misses every limit; warm-up requests do not count
    assert not verdict(good + [rec(None, ok=False)] * 6, {"ttft": 1.0}, 0.95)["ok"]
    assert verdict(good + [rec(9.0, phase="warmup")] * 50, {"ttft": 1.0}, 0.95)["ok"]
    assert quantile([1.0, 1.0, 1.0, 5.0], 0.75) == 1.0 and quantile([], 0.5) is None


def test_a_level_is_lost_once_too_many_missed() -> None:
    misses = [rec(3.0) for _ in range(5)]
    assert not lost(misses, {"ttft": 1.0}, 0.95, planned=100)
    assert lost(misses + [rec(3.0)], {"ttft": 1.0}, 0.95, planned=100)


def test_a_client_that_goes_away_frees_its_slot() -> None:
    """An early-stopped level cancels its requests: the fake server must not keep serving them
    into the next level (as vLLM aborts a request whose client disconnected)."""

    async def go(url: str) -> float:
        async with WireClient(url, model="fake-model") as c:
            await c.resolve_model()

            async def drain(g) -> None:  # type: ignore[no-untyped-def]
                async for _ in g:
                    pass

            hogs = [asyncio.create_task(drain(c.stream([Message("user", "x")]))) for _ in range(3)]
            await asyncio.sleep(0.3)  # one holds the slot, two queue
            for t in hogs:
                t.cancel()
            await asyncio.gather(*hogs, return_exceptions=True)
            await asyncio.sleep(0.1)
            g = c.stream([Message("user", "y")], max_tokens=2)
            await drain(g)
            return g.reply.first_token_s or 99.0

    # one slot; each answer would hold it 0.05 + 99 x 0.02 = 2 s
    with FakeLLMServer(
        first_token_delay=0.05, token_delay=0.02, default_tokens=100, slots=1
    ) as srv:
        first = asyncio.run(go(srv.base_url))
    assert first < 0.5  # not after the ghosts' 2-6 s
