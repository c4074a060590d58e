"""The load generator: fixed concurrency or Poisson arrivals, with warm-up, over one client.

Every request is timed from its arrival (what a learner waits), split into the time spent
queueing in dltutor's admission control (when used) and the generation itself, and keeps
what the model sent even when it failed. Nothing here decides whether a figure is good: that
is metrics.py and the report.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from dltutor.llm.admission import Admission
from dltutor.llm.client import LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Message, Reply

TOKENS_FROM_USAGE = "usage"
TOKENS_ESTIMATED = "estimate: one token per streamed chunk (the server sent no usage)"


@dataclass
class RequestRecord:
    id: int
    level: str  # "c=8" (fixed concurrency) or "r=2" (Poisson rate per second)
    phase: str  # warmup | measure
    timestamp: str  # wall clock at arrival, ISO 8601
    start_s: float  # arrival, seconds since the run began
    prompt: str
    answer: str = ""
    thinking: str = ""
    status: str = "error"  # ok | truncated | error
    error_kind: str | None = None
    error: str | None = None
    finish_reason: str | None = None
    queue_s: float = 0.0  # waiting for an admission slot
    ttft_s: float | None = None  # arrival -> first token of any kind (thinking or answer)
    ttft_answer_s: float | None = None  # arrival -> first answer token
    # response headers -> first token: the server's share of TTFT, without the client building
    # the request and connecting (what tools that start their clock at send time report)
    ttft_server_s: float | None = None
    e2e_s: float = 0.0  # arrival -> last byte
    itl_s: list[float] = field(default_factory=list)  # gaps between streamed chunks
    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    tokens_source: str = TOKENS_FROM_USAGE

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "truncated")

    @property
    def generation_s(self) -> float:
        return self.e2e_s - self.queue_s

    @property
    def tpot_s(self) -> float | None:
        """Time per output token after the first (decode speed as the learner sees it)."""
        if self.ttft_s is None or not self.output_tokens or self.output_tokens < 2:
            return None
        return (self.e2e_s - self.ttft_s) / (self.output_tokens - 1)

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens per second of generation (seed 003's 吞吐量 counted all tokens over the
        whole response time; this counts output tokens over the generation only)."""
        if not self.output_tokens or self.generation_s <= 0:
            return None
        return self.output_tokens / self.generation_s

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(tpot_s=self.tpot_s, tokens_per_s=self.tokens_per_s, generation_s=self.generation_s)
        return d


@dataclass
class LoadSpec:
    prompts: list[str]
    concurrency: int | None = None  # fixed number of requests in flight
    rate: float | None = None  # or Poisson arrivals per second
    requests: int | None = None  # stop after this many (measured) requests …
    duration: float | None = None  # … or after this many seconds of arrivals
    warmup: int = 0  # requests sent first and left out of the figures
    timeout: float = 300.0  # per request, arrival to last byte
    max_tokens: int = 512
    temperature: float = 0.3
    seed: int = 0

    def level(self) -> str:
        return f"c={self.concurrency}" if self.concurrency else f"r={self.rate:g}"


async def run(
    client: LLMClient,
    spec: LoadSpec,
    admission: Admission | None = None,
    on_done: Callable[[RequestRecord], None] | None = None,
    t0: float | None = None,
) -> list[RequestRecord]:
    """Run one load level; returns every request's record (warm-up ones marked)."""
    if not spec.prompts:
        raise ValueError("no questions to send")
    if (spec.concurrency is None) == (spec.rate is None):
        raise ValueError("give exactly one of concurrency or rate")
    if spec.requests is None and spec.duration is None:
        spec.requests = len(spec.prompts)
    t0 = time.monotonic() if t0 is None else t0
    records: list[RequestRecord] = []
    counter = iter(range(10**9))

    async def one(phase: str) -> None:
        i = next(counter)
        rec = await _request(client, i, spec, phase, admission, t0)
        records.append(rec)
        if on_done:
            on_done(rec)

    if spec.warmup:
        warm = spec.concurrency or 1
        sem = asyncio.Semaphore(warm)

        async def warm_one() -> None:
            async with sem:
                await one("warmup")

        await asyncio.gather(*(warm_one() for _ in range(spec.warmup)))
    start = time.monotonic()
    if spec.concurrency:
        await _fixed(spec, lambda: one("measure"), start)
    else:
        await _poisson(spec, lambda: one("measure"), start)
    return records


def _more(spec: LoadSpec, sent: int, start: float) -> bool:
    if spec.requests is not None and sent >= spec.requests:
        return False
    return spec.duration is None or time.monotonic() - start < spec.duration


async def _fixed(spec: LoadSpec, send: Callable[[], Any], start: float) -> None:
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while _more(spec, sent, start):
            sent += 1
            await send()

    await asyncio.gather(*(worker() for _ in range(spec.concurrency or 1)))


async def _poisson(spec: LoadSpec, send: Callable[[], Any], start: float) -> None:
    rng = random.Random(spec.seed)
    tasks, sent, next_at = [], 0, start
    while _more(spec, sent, start):
        delay = next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send()))
        sent += 1
        next_at += rng.expovariate(spec.rate or 1.0)
    await asyncio.gather(*tasks)


async def _request(
    client: LLMClient, i: int, spec: LoadSpec, phase: str, admission: Admission | None, t0: float
) -> RequestRecord:
    prompt = spec.prompts[i % len(spec.prompts)]
    arrival = time.monotonic()
    rec = RequestRecord(
        i,
        spec.level(),
        phase,
        datetime.now(UTC).isoformat(timespec="milliseconds"),
        arrival - t0,
        prompt,
    )
    gen = client.stream(
        [Message("user", prompt)], max_tokens=spec.max_tokens, temperature=spec.temperature
    )
    granted = admission is None
    try:
        async with asyncio.timeout(spec.timeout):
            if admission is not None:
                async with admission.slot(f"req{i}") as waited:
                    rec.queue_s, granted = waited, True
                    async for _ in gen:
                        pass
            else:
                async for _ in gen:
                    pass
        rec.status = "truncated" if gen.reply.truncated else "ok"
    except TimeoutError:
        where = "" if granted else " (still waiting for a generation slot)"
        rec.error_kind, rec.error = (
            "timeout",
            f"no complete answer within {spec.timeout:g} s{where}",
        )
    except LLMError as e:
        rec.error_kind, rec.error = e.kind, e.message("en")
    if not granted:  # it spent its whole life in the queue
        rec.queue_s = time.monotonic() - arrival
    end, r = time.monotonic(), gen.reply
    if r.started_at and r.total_s:  # the last byte's arrival, not when we got round to it
        end = min(end, r.started_at + r.total_s)
    rec.e2e_s = end - arrival
    _take(rec, gen.reply)
    return rec


def _take(rec: RequestRecord, r: Reply) -> None:
    rec.answer, rec.thinking, rec.finish_reason = r.answer, r.thinking, r.finish_reason
    if r.first_token_s is not None:
        rec.ttft_s = rec.queue_s + r.first_token_s
    if r.first_answer_token_s is not None:
        rec.ttft_answer_s = rec.queue_s + r.first_answer_token_s
    if r.first_token_s is not None and r.headers_s is not None:
        rec.ttft_server_s = r.first_token_s - r.headers_s
    times = r.chunk_times
    rec.itl_s = [b - a for a, b in zip(times, times[1:], strict=False)]
    rec.input_tokens, rec.output_tokens, rec.reasoning_tokens = (
        r.input_tokens,
        r.output_tokens,
        r.reasoning_tokens,
    )
    if r.output_tokens is None and times:  # failed before the server could report usage
        rec.output_tokens = len(times)
        rec.tokens_source = TOKENS_ESTIMATED
    elif r.tokens_estimated:
        rec.tokens_source = TOKENS_ESTIMATED
