"""One probe of the capacity search: run a load level of a workload, scrape the server meanwhile,
and judge it against the SLO.

Loads: `learners` (simulated learners with think time: questions, tutoring sessions or a replay),
`concurrency` (requests in flight, no think time) or `rate` (arrivals per second, gamma gaps).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dltutor.bench import metrics
from dltutor.bench.capacity import Probe
from dltutor.bench.runner import Level, LoadSpec, RequestRecord, run_spec
from dltutor.bench.server_metrics import Scraper
from dltutor.bench.server_metrics import summarize as summarize_server
from dltutor.bench.sessions import (
    DEFAULT_MIX,
    DEFAULT_THINK,
    LearnerSpec,
    PrefixLog,
    QuestionScript,
    Script,
    ThinkTime,
    TutorScript,
    run_learners,
)
from dltutor.llm.admission import Admission
from dltutor.llm.client import LLMClient

LOADS = ("learners", "concurrency", "rate")
WORKLOADS = ("questions", "sessions", "replay")


@dataclass
class Plan:
    """What every level of one capacity search runs."""

    by: str  # learners | concurrency | rate
    workload: str  # questions | sessions | replay
    slo: dict[str, float]
    quantile: float = 0.95
    prompts: list[str] = field(default_factory=list)  # the questions workload
    trace: list[dict[str, Any]] = field(default_factory=list)  # the replay workload
    lang: str = "both"
    think: ThinkTime = DEFAULT_THINK
    think_scale: float = 1.0
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    turns: int = 6  # per learner
    warmup_turns: int = 1
    requests: int | None = None  # concurrency: measured requests per level (default 5 x c, >= 40)
    duration: float = 120.0  # rate: seconds of arrivals per level
    warmup: int | None = None  # concurrency/rate: warm-up requests (default: one round)
    burstiness: float = 1.0
    ramp_up: float = 0.0
    max_tokens: int = 256
    temperature: float = 0.3
    timeout: float = 300.0
    seed: int = 0
    admission: int | None = None
    window: int | None = None  # the server's window per request, for the tutor's requests

    def check(self) -> None:
        if self.by not in LOADS:
            raise ValueError(f"--by is one of {', '.join(LOADS)}")
        if self.workload not in WORKLOADS:
            raise ValueError(f"--workload is one of {', '.join(WORKLOADS)}")
        if self.workload != "questions" and self.by != "learners":
            raise ValueError(
                f"the {self.workload} workload is measured in learners (--by learners)"
            )
        if not self.slo:
            raise ValueError("give the SLO to search for, e.g. --slo ttft=2s,tpot=100ms")
        if not 0 < self.quantile < 1:
            raise ValueError("--quantile is between 0 and 1, e.g. 0.95")
        if self.turns <= self.warmup_turns:
            raise ValueError("--turns must be more than --warmup-turns (those are left out)")

    def learner_lang(self, i: int) -> str:
        return self.lang if self.lang in ("zh", "en") else ("zh", "en")[i % 2]


class Prober:
    """Runs levels for the search; keeps every record, the prefix log and the server samples."""

    def __init__(
        self,
        client: LLMClient,
        plan: Plan,
        metrics_url: str | None,
        t0: float,
        on_done: Callable[[RequestRecord], None] | None = None,
        on_level: Callable[[str, int], None] | None = None,
    ) -> None:
        self.client, self.plan, self.t0 = client, plan, t0
        self.on_done, self.on_level = on_done, on_level
        self.records: list[RequestRecord] = []
        self.prefixes: dict[str, PrefixLog] = {}  # level name -> its prompts' shared prefixes
        self.scraper = Scraper(metrics_url, t0=t0) if metrics_url else None
        self.windows: dict[str, tuple[float, float]] = {}  # level name -> (start, end) seconds

    async def __call__(self, value: float) -> Probe:
        p = self.plan
        name, planned, drive = self._level(value)
        if self.on_level:
            self.on_level(name, planned)
        adm = Admission(p.admission, queue_timeout=p.timeout) if p.admission else None
        level = Level(
            self.client,
            name,
            p.timeout,
            adm,
            self.on_done,
            self.t0,
            lambda recs: metrics.lost(recs, p.slo, p.quantile, planned),
        )
        stop = asyncio.Event()
        scraping = asyncio.create_task(self.scraper.run(stop)) if self.scraper else None
        start = time.monotonic() - self.t0
        try:
            records = await drive(level)
        finally:
            stop.set()
            if scraping:
                await scraping
        end = time.monotonic() - self.t0
        self.windows[name] = (start, end)
        self.records.extend(records)
        server = {}
        if self.scraper and self.scraper.available:
            server = summarize_server(self.scraper.between(start, end))
        v = metrics.verdict(records, p.slo, p.quantile)
        return Probe(
            value,
            bool(v["ok"]) and not level.stopped_early,
            v,
            metrics.summarize(records, p.slo),
            stopped_early=level.stopped_early,
            server=server,
        )

    def _level(self, value: float) -> tuple[str, int, Callable[[Level], Any]]:
        p = self.plan
        if p.by == "learners":
            n = int(value)
            spec = LearnerSpec(
                n,
                self._scripts(),
                p.think,
                p.think_scale,
                p.warmup_turns,
                p.ramp_up,
                p.max_tokens,
                p.temperature,
                p.seed,
                self.prefixes.setdefault(f"learners={n}", PrefixLog()),
                window=p.window,
            )
            planned = n * (p.turns - p.warmup_turns)
            if p.workload == "replay":
                calls = [sum(1 for m in c["messages"] if m.get("call")) for c in p.trace]
                planned = sum(
                    max(0, min(p.turns, calls[i % len(calls)]) - p.warmup_turns) for i in range(n)
                )
            return spec.level(), max(1, planned), lambda lv: run_learners(lv, spec)
        if p.by == "concurrency":
            c = int(value)
            n = p.requests or max(40, 5 * c)
            spec_c = LoadSpec(
                p.prompts,
                concurrency=c,
                requests=n,
                warmup=c if p.warmup is None else p.warmup,
                timeout=p.timeout,
                max_tokens=p.max_tokens,
                temperature=p.temperature,
                seed=p.seed,
                ramp_up=p.ramp_up,
            )
            return spec_c.level(), n, lambda lv: run_spec(lv, spec_c)
        n = p.requests or max(20, round(value * p.duration))
        spec_r = LoadSpec(
            p.prompts,
            rate=value,
            requests=n,
            warmup=p.warmup or 0,
            timeout=p.timeout,
            max_tokens=p.max_tokens,
            temperature=p.temperature,
            seed=p.seed,
            burstiness=p.burstiness,
            ramp_up=p.ramp_up,
        )
        return f"r={value:.3g}", n, lambda lv: run_spec(lv, spec_r)

    def _scripts(self) -> Callable[[int, random.Random], Script]:
        p = self.plan
        if p.workload == "sessions":
            return lambda i, rng: TutorScript(p.learner_lang(i), p.turns, p.mix, rng)
        if p.workload == "replay":
            from dltutor.bench.trace import ReplayScript

            return lambda i, rng: ReplayScript(p.trace[i % len(p.trace)], p.turns)
        return lambda i, rng: QuestionScript(p.prompts, i, p.turns)
