"""The server's own view: its Prometheus `/metrics`, scraped while a level runs.

vLLM, llama.cpp's server (started with `--metrics`; dltutor's embedded engine turns it on) and
SGLang publish the requests they are running and queueing, how full the KV cache is and how
often the prefix cache hits. Each is known here under a common name; a server without
`/metrics` (Ollama, cloud APIs) simply gives nothing, and the report says so.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

# common name -> the servers' names for it (gauges, or counters that end in _total)
KNOWN: dict[str, tuple[str, ...]] = {
    "running": (
        "vllm:num_requests_running",
        "llamacpp:requests_processing",
        "sglang:num_running_reqs",
    ),
    "waiting": (
        "vllm:num_requests_waiting",
        "llamacpp:requests_deferred",
        "sglang:num_queue_reqs",
    ),
    "kv_cache_usage": (
        "vllm:kv_cache_usage_perc",
        "vllm:gpu_cache_usage_perc",
        "llamacpp:kv_cache_usage_ratio",
        "sglang:token_usage",
    ),
    "prefix_cache_queries": ("vllm:prefix_cache_queries", "vllm:gpu_prefix_cache_queries"),
    "prefix_cache_hits": ("vllm:prefix_cache_hits", "vllm:gpu_prefix_cache_hits"),
    "prefix_cache_hit_rate": ("sglang:cache_hit_rate", "vllm:gpu_prefix_cache_hit_rate"),
    # llama.cpp counts prompt tokens it computed and, apart, those it reused from its cache
    "prompt_tokens_cached": ("llamacpp:prompt_tokens_cached",),
    "prompt_tokens": ("vllm:prompt_tokens", "llamacpp:prompt_tokens"),
    "generation_tokens": ("vllm:generation_tokens", "llamacpp:tokens_predicted"),
}
GAUGES = ("running", "waiting", "kv_cache_usage", "prefix_cache_hit_rate")
COUNTERS = (
    "prefix_cache_queries",
    "prefix_cache_hits",
    "prompt_tokens_cached",
    "prompt_tokens",
    "generation_tokens",
)


def metrics_url(base_url: str) -> str:
    """`http://host:8000/v1` -> `http://host:8000/metrics`."""
    root = base_url.rstrip("/")
    return (root[: -len("/v1")] if root.endswith("/v1") else root) + "/metrics"


def parse(text: str) -> dict[str, float]:
    """The known metrics in one scrape, summed over their label sets (models, engines)."""
    by_name: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.endswith(("_created", "_bucket", "_count", "_sum")):
                continue
            name = s.name.removesuffix("_total")
            by_name[name] = by_name.get(name, 0.0) + float(s.value)
    out = {}
    for common, names in KNOWN.items():
        for n in names:
            if n in by_name:
                out[common] = by_name[n]
                break
    return out


def scrape(url: str, timeout: float = 2.0) -> dict[str, float] | None:
    """One scrape, or None when the server has no metrics there."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            if r.status != 200:
                return None
            return parse(r.read().decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        return None


@dataclass
class Scraper:
    """Scrapes `url` every `every` seconds in a thread while a level runs."""

    url: str
    every: float = 0.5
    t0: float = 0.0  # the run's clock origin (time.monotonic()), for the timeline
    samples: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    available: bool | None = None  # None: not tried yet

    async def run(self, stop: asyncio.Event) -> None:
        while True:
            got = await asyncio.to_thread(scrape, self.url)
            if got is None and not self.samples:
                self.available = False
                return  # no /metrics: do not keep asking
            if got is not None:
                self.available = True
                self.samples.append((time.monotonic() - self.t0, got))
            try:
                await asyncio.wait_for(stop.wait(), self.every)
                return
            except TimeoutError:
                pass

    def between(self, start: float, end: float) -> list[tuple[float, dict[str, float]]]:
        return [(t, v) for t, v in self.samples if start <= t <= end]


def summarize(samples: list[tuple[float, dict[str, float]]]) -> dict[str, Any]:
    """Per gauge its mean and max over the samples; per counter its increase; the prefix-cache
    hit rate over the level from the counters when the server has them."""
    if not samples:
        return {}
    out: dict[str, Any] = {"samples": len(samples)}
    for g in GAUGES:
        xs = [v[g] for _, v in samples if g in v]
        if xs:
            out[g] = {"mean": sum(xs) / len(xs), "max": max(xs)}
    first, last = samples[0][1], samples[-1][1]
    for c in COUNTERS:
        if c in first and c in last:
            out[c] = last[c] - first[c]
    q, h = out.get("prefix_cache_queries"), out.get("prefix_cache_hits")
    if q is None and "prompt_tokens_cached" in out:  # llama.cpp
        h = out["prompt_tokens_cached"]
        q = h + out.get("prompt_tokens", 0.0)
    if q:
        out["prefix_cache_hit_rate_level"] = (h or 0.0) / q
    return out
