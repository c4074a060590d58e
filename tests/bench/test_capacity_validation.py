"""The capacity search against a fake server whose capacity is known exactly (two slot counts).

The fake server has K slots, a prefill cost per prompt token and a decode time per token, so
its capacity in learners under a TTFT SLO follows from `closed_loop_capacity` (derived in its
docstring and docs/bench-capacity.md). The full-scale version is bench/capacity_validation.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from dltutor.bench.capacity import closed_loop_capacity, search
from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.levels import Plan, Prober
from dltutor.bench.sessions import ThinkTime
from dltutor.llm.wire import WireClient

TTFT, PREFILL, TPOT, TOKENS = 0.05, 0.005, 0.015, 11
PROMPT = " ".join(["word"] * 20)  # 20 tokens as the fake server counts them
TTFT0 = TTFT + PREFILL * 20  # 0.15 s to the first token once a slot is free
SERVICE = TTFT0 + (TOKENS - 1) * TPOT  # 0.30 s a slot is held
THINK = SERVICE  # a whole number of service times
LIMIT = TTFT0 + SERVICE / 2  # half a service time of queueing allowed: waits are multiples of it


def measure(slots: int) -> int:
    async def go() -> int:
        with FakeServerProcess(TTFT, TPOT, TOKENS, slots, PREFILL) as srv:
            async with WireClient(srv.base_url, model="fake-model", retries=0) as c:
                plan = Plan(
                    by="learners",
                    workload="questions",
                    slo={"ttft": LIMIT, "tpot": 2 * TPOT},
                    quantile=0.95,
                    prompts=[PROMPT],
                    think=ThinkTime("const", THINK),
                    turns=4,
                    warmup_turns=1,
                    max_tokens=64,
                    timeout=30,
                )
                prober = Prober(c, plan, None, time.monotonic())
                result = await search(prober, integer=True, max_level=64)
                return int(result.answer)

    return asyncio.run(go())


@pytest.mark.parametrize("slots", [2, 4])
def test_the_search_finds_the_known_capacity(slots: int) -> None:
    expected = closed_loop_capacity(slots, TTFT0, SERVICE, THINK, LIMIT, 0.95)
    assert expected == 2 * slots  # (1 + floor((0.30 + 0.15) / 0.30)) x K
    found = measure(slots)
    assert abs(found - expected) <= 0.05 * expected, (found, expected)


def test_the_formula() -> None:
    # one slot-batch per service time, r/K of the requests wait one service time more
    assert closed_loop_capacity(4, 0.15, 0.3, 0.0, 0.3, 0.95) == 4  # no think time: K
    assert closed_loop_capacity(4, 0.15, 0.3, 0.0, 0.46, 0.95) == 8  # one round of queueing
    assert closed_loop_capacity(32, 0.4, 1.0, 3.0, 0.9, 0.95) == 129  # 4K + floor(0.05 K)
    assert closed_loop_capacity(4, 0.5, 0.3, 0.3, 0.4, 0.95) == 0  # the limit is below TTFT0
