"""The load generator: fixed concurrency or arrivals at a rate (gamma-distributed gaps, as in
vLLM's `bench serve`: burstiness 1 is Poisson, lower is burstier, higher is more regular), with
warm-up and ramp-up, over one client.

Every request is timed from its arrival (what a learner waits), split into the time spent
queueing in dltutor's admission control (when used) and the generation itself, and keeps
what the model sent even when it failed. Nothing here decides whether a figure is good: that
is metrics.py and the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
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
    level: str  # "c=8" (fixed concurrency), "r=2" (arrivals per second) or "learners=20"
    phase: str  # warmup | rampup | measure | cancelled (in flight when a level was stopped)
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
    kind: str = "question"  # question | chat | explain | judge | replay (the sessions workload)
    learner: int | None = None  # the simulated learner who sent it, and their turn
    turn: int | None = None

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
    rate: float | None = None  # or arrivals per second
    requests: int | None = None  # stop after this many (measured) requests …
    duration: float | None = None  # … or after this many seconds of arrivals
    warmup: int = 0  # requests sent first and left out of the figures
    timeout: float = 300.0  # per request, arrival to last byte
    max_tokens: int = 512
    temperature: float = 0.3
    seed: int = 0
    burstiness: float = 1.0  # gamma shape of the gaps between arrivals; 1 is Poisson
    ramp_up: float = 0.0  # seconds to reach the level; what starts meanwhile is left out

    def level(self) -> str:
        return f"c={self.concurrency}" if self.concurrency else f"r={self.rate:g}"


class Level:
    """One load level in progress: sends requests, keeps their records, and can be stopped
    early (by `stop_when`, e.g. once the level can no longer meet an SLO), which cancels what is
    in flight; those records are marked "cancelled" and left out of the figures."""

    def __init__(
        self,
        client: LLMClient,
        name: str,
        timeout: float,
        admission: Admission | None = None,
        on_done: Callable[[RequestRecord], None] | None = None,
        t0: float | None = None,
        stop_when: Callable[[list[RequestRecord]], bool] | None = None,
    ) -> None:
        self.client, self.name, self.timeout, self.admission = client, name, timeout, admission
        self.on_done, self.stop_when = on_done, stop_when
        self.t0 = time.monotonic() if t0 is None else t0
        self.records: list[RequestRecord] = []
        self.stopped_early = False
        self._ids = iter(range(10**9))
        self._task: asyncio.Task[Any] | None = None

    async def drive(self, driver: Awaitable[Any]) -> list[RequestRecord]:
        """Run a workload's driver coroutine to its end, or until the level is stopped."""
        self._task = asyncio.ensure_future(driver)
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self.stopped_early:
            await asyncio.sleep(0)  # let cancelled requests write their records
        return self.records

    async def send(
        self,
        messages: list[Message],
        phase: str,
        *,
        max_tokens: int,
        temperature: float,
        prompt: str | None = None,
        kind: str = "question",
        learner: int | None = None,
        turn: int | None = None,
    ) -> RequestRecord:
        arrival = time.monotonic()
        rec = RequestRecord(
            next(self._ids),
            self.name,
            phase,
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            arrival - self.t0,
            prompt if prompt is not None else messages[-1].content,
            kind=kind,
            learner=learner,
            turn=turn,
        )
        try:
            await _request(self.client, rec, messages, max_tokens, temperature, self)
        except asyncio.CancelledError:
            rec.phase = "cancelled"
            self.records.append(rec)
            raise
        self.records.append(rec)
        if self.on_done:
            self.on_done(rec)
        if self.stop_when and not self.stopped_early and self.stop_when(self.records):
            self.stopped_early = True
            if self._task is not None:
                self._task.cancel()
        return rec


async def run(
    client: LLMClient,
    spec: LoadSpec,
    admission: Admission | None = None,
    on_done: Callable[[RequestRecord], None] | None = None,
    t0: float | None = None,
    stop_when: Callable[[list[RequestRecord]], bool] | None = None,
) -> list[RequestRecord]:
    """Run one load level of questions; returns every request's record (warm-up and ramp-up
    ones marked)."""
    if not spec.prompts:
        raise ValueError("no questions to send")
    if (spec.concurrency is None) == (spec.rate is None):
        raise ValueError("give exactly one of concurrency or rate")
    if spec.burstiness <= 0:
        raise ValueError("burstiness must be above 0 (1 is Poisson)")
    if spec.requests is None and spec.duration is None:
        spec.requests = len(spec.prompts)
    level = Level(client, spec.level(), spec.timeout, admission, on_done, t0, stop_when)
    return await run_spec(level, spec)


async def run_spec(level: Level, spec: LoadSpec) -> list[RequestRecord]:
    """Run the questions of `spec` as `level` (fixed concurrency or arrivals at a rate)."""
    counter = iter(range(10**9))

    async def one(phase: str) -> None:
        prompt = spec.prompts[next(counter) % len(spec.prompts)]
        await level.send(
            [Message("user", prompt)],
            phase,
            max_tokens=spec.max_tokens,
            temperature=spec.temperature,
            prompt=prompt,
        )

    async def driver() -> None:
        if spec.warmup:
            sem = asyncio.Semaphore(spec.concurrency or 1)

            async def warm_one() -> None:
                async with sem:
                    await one("warmup")

            await asyncio.gather(*(warm_one() for _ in range(spec.warmup)))
        if spec.concurrency:
            await _fixed(spec, one, time.monotonic())
        else:
            await _arrivals(spec, one, time.monotonic())

    return await level.drive(driver())


def _more(spec: LoadSpec, sent: int, start: float) -> bool:
    """Whether to send another measured request (`start`: the end of the ramp-up)."""
    if spec.requests is not None and sent >= spec.requests:
        return False
    return spec.duration is None or time.monotonic() - start < spec.duration


async def _fixed(
    spec: LoadSpec, one: Callable[[str], Coroutine[Any, Any, None]], start: float
) -> None:
    """c workers, each sending its next request when the last one ends; with a ramp-up, worker
    i starts i/c of the way through it."""
    sent = 0
    c = spec.concurrency or 1
    measure_from = start + spec.ramp_up

    async def worker(i: int) -> None:
        nonlocal sent
        await _sleep_until(start + spec.ramp_up * i / c)
        while True:
            if time.monotonic() < measure_from:
                await one("rampup")
                continue
            if not _more(spec, sent, measure_from):
                return
            sent += 1
            await one("measure")

    await asyncio.gather(*(worker(i) for i in range(c)))


def arrival_times(
    rate: float, burstiness: float, ramp_up: float, rng: random.Random
) -> Iterator[float]:
    """Seconds from the start at which requests arrive: a renewal process with gamma gaps
    (shape = burstiness, mean 1/rate; vLLM's `--burstiness`), the rate rising linearly from 0
    over `ramp_up` seconds. The ramp is a change of clock: gaps are drawn at rate 1 in
    "operational time" u, and u = Λ(t) = ∫ rate(t) dt is inverted."""
    u = 0.0
    half = rate * ramp_up / 2  # Λ at the end of the ramp
    while True:
        u += rng.gammavariate(burstiness, 1 / burstiness)
        yield math.sqrt(2 * ramp_up * u / rate) if u < half else (u - half) / rate + ramp_up


async def _arrivals(
    spec: LoadSpec, one: Callable[[str], Coroutine[Any, Any, None]], start: float
) -> None:
    rng = random.Random(spec.seed)
    tasks: list[asyncio.Task[None]] = []
    sent = 0
    measure_from = start + spec.ramp_up
    try:
        for at in arrival_times(spec.rate or 1.0, spec.burstiness, spec.ramp_up, rng):
            during_ramp = at < spec.ramp_up
            if not during_ramp and not _more(spec, sent, measure_from):
                break
            await _sleep_until(start + at)
            tasks.append(asyncio.create_task(one("rampup" if during_ramp else "measure")))
            sent += not during_ramp
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _sleep_until(t: float) -> None:
    delay = t - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def _request(
    client: LLMClient,
    rec: RequestRecord,
    messages: list[Message],
    max_tokens: int,
    temperature: float,
    level: Level,
) -> None:
    arrival = time.monotonic()
    admission = level.admission
    gen = client.stream(messages, max_tokens=max_tokens, temperature=temperature)
    granted = admission is None
    try:
        async with asyncio.timeout(level.timeout):
            if admission is not None:
                async with admission.slot(f"req{rec.id}") as waited:
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
            f"no complete answer within {level.timeout:g} s{where}",
        )
    except LLMError as e:
        rec.error_kind, rec.error = e.kind, e.message("en")
    finally:
        if not granted:  # it spent its whole life in the queue
            rec.queue_s = time.monotonic() - arrival
        end, r = time.monotonic(), gen.reply
        if r.started_at and r.total_s:  # the last byte's arrival, not when we got round to it
            end = min(end, r.started_at + r.total_s)
        rec.e2e_s = end - arrival
        _take(rec, gen.reply)


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
