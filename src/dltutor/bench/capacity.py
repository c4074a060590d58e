"""The SLO capacity search: the highest load at which a quantile of every SLO metric holds.

The load is a number of learners (closed loop with think time), of concurrent requests, or a
request rate. Each level tried is a probe: a full load level, judged by `metrics.verdict` (at
least q of its measured requests meet every limit; a failed request meets none).

The search, for levels that are whole numbers (learners, concurrency) or rates:

1. Growth: from `start`, double the level while it passes. When a level's throughput rose by
   less than a tenth of the added load while TTFT p50 rose (the server is saturated: more load
   only queues), the next steps are x1.25 instead of x2, so the search does not jump far past
   the knee into levels that take long to run and say little.
2. Bisection between the highest level that passed and the lowest that failed, until they are
   one apart (whole numbers) or within `precision` of each other (relative).

A level stops early, as failed, once more than (1 - q) of its planned requests have already
missed a limit (`metrics.lost`): its verdict cannot change, and an overloaded level would
otherwise run longest of all. If the lowest level fails, the answer is 0 (whole numbers) or the
search halves the rate until a level passes.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Probe:
    level: float
    ok: bool
    verdict: dict[str, Any]
    summary: dict[str, Any]
    stopped_early: bool = False
    saturated: bool = False
    server: dict[str, Any] = field(default_factory=dict)  # the server's /metrics over the level

    @property
    def throughput(self) -> float:
        return float(self.summary.get("request_throughput") or 0.0)

    @property
    def ttft_p50(self) -> float | None:
        v = (self.summary.get("ttft_s") or {}).get("p50")
        return None if v is None else float(v)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    answer: float  # the highest level that passed (0: none did)
    passed_below: float | None  # the lowest level that failed, when one did
    probes: list[Probe]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "lowest_failing": self.passed_below,
            "reason": self.reason,
            "probes": [p.to_dict() for p in self.probes],
        }


Measure = Callable[[float], Awaitable[Probe]]


def is_saturated(prev: Probe, cur: Probe) -> bool:
    """Load rose, throughput hardly did (under a tenth of the added load), TTFT p50 rose."""
    if prev.level <= 0 or prev.throughput <= 0 or cur.level <= prev.level:
        return False
    added = cur.level / prev.level - 1
    gained = cur.throughput / prev.throughput - 1
    t0, t1 = prev.ttft_p50, cur.ttft_p50
    return gained < 0.1 * added and t0 is not None and t1 is not None and t1 > 1.2 * t0


async def search(
    measure: Measure,
    *,
    integer: bool,
    start: float = 1,
    max_level: float = 4096,
    precision: float = 0.02,
    max_probes: int = 14,
    on_probe: Callable[[Probe], None] | None = None,
) -> Result:
    if start <= 0 or max_level < start:
        raise ValueError("the search needs 0 < start <= max level")
    probes: list[Probe] = []
    tried: dict[float, Probe] = {}

    async def probe(level: float) -> Probe:
        level = float(max(1, round(level))) if integer else level
        if level in tried:
            return tried[level]
        p = await measure(level)
        if probes and p.ok:
            below = [q for q in probes if q.level < level and q.ok]
            if below:
                p.saturated = is_saturated(max(below, key=lambda q: q.level), p)
        probes.append(p)
        tried[level] = p
        if on_probe:
            on_probe(p)
        return p

    def best() -> tuple[float, float | None]:
        lo = max((p.level for p in probes if p.ok), default=0.0)
        fails = [p.level for p in probes if not p.ok and p.level > lo]
        return lo, min(fails) if fails else None

    def close_enough(lo: float, hi: float) -> bool:
        if integer:
            return hi - lo <= max(1.0, math.floor(precision * lo))
        return lo > 0 and (hi - lo) / lo <= precision

    # 1. growth (or, for a rate that fails at the start, shrinking)
    level = start
    p = await probe(level)
    if not p.ok:
        if integer and level <= 1:
            return Result(0, level, probes, "the lowest level fails the SLO")
        if not integer:
            while not p.ok and len(probes) < max_probes and level > start / 64:
                level /= 2
                p = await probe(level)
            if not p.ok:
                return Result(0, level, probes, "even the lowest rate tried fails the SLO")
    while p.ok and len(probes) < max_probes:
        if level >= max_level:
            return Result(level, None, probes, "the highest level allowed (--max-level) passes")
        factor = 1.25 if p.saturated else 2.0
        nxt = min(max_level, level * factor)
        level = max(level + 1, math.floor(nxt)) if integer else nxt
        p = await probe(level)
    # 2. bisection
    lo_level, hi_opt = best()
    while hi_opt is not None and len(probes) < max_probes:
        if close_enough(lo_level, hi_opt):
            return Result(lo_level, hi_opt, probes, "bracketed")
        mid = (lo_level + hi_opt) / 2
        mid = math.floor(mid) if integer else mid
        if integer and mid <= lo_level:
            break
        await probe(mid)
        lo_level, hi_opt = best()
    reason = (
        "bracketed"
        if hi_opt is not None and close_enough(lo_level, hi_opt)
        else "--max-probes reached"
    )
    return Result(lo_level, hi_opt, probes, reason)


def closed_loop_capacity(
    slots: int, ttft0: float, service: float, think: float, ttft_limit: float, q: float
) -> int:
    """The exact capacity, in learners, of a server with `slots` slots that serves each request
    in `service` seconds with its first token after `ttft0` (the fake server: service = ttft +
    prefill x prompt tokens + (tokens - 1) x tpot), under TTFT p(q) <= `ttft_limit`, when the
    learners start together, think a constant `think` seconds that is a whole number of service
    times (think = z x service), and each one's first request is left out.

    Why: learners that start together are served in batches of `slots`, one batch per service
    time, and stay in step. With N = m x slots + r learners every request waits a whole number of
    service times: those of r out of every `slots` wait one service time longer than the rest.
    A request waits (m - 1 - z) x service beyond its think time once the slots are always busy,
    so all meet the limit while m <= 1 + floor((think + slack) / service), slack = ttft_limit -
    ttft0; the next r learners add requests that wait one service time more, which the quantile
    tolerates while r / slots <= 1 - q. Hence

        N* = slots x (1 + floor((think + slack) / service)) + floor((1 - q) x slots)

    With think = 0 it is the capacity in concurrent requests (the concurrency search)."""
    slack = ttft_limit - ttft0
    if slack < 0:
        return 0
    rounds = math.floor((think + slack) / service + 1e-9)
    return slots * (1 + rounds) + math.floor((1 - q) * slots + 1e-9)
