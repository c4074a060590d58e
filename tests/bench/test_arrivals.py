"""Arrivals like vLLM's: gamma gaps (burstiness), a linear ramp-up of the rate; ramp-up phases."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics

import pytest

from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.runner import LoadSpec, arrival_times, run
from dltutor.llm.wire import WireClient


def gaps(rate: float, burstiness: float, n: int = 20000) -> list[float]:
    times = list(itertools.islice(arrival_times(rate, burstiness, 0.0, random.Random(1)), n))
    return [b - a for a, b in itertools.pairwise([0.0, *times])]


@pytest.mark.parametrize("burstiness", [0.5, 1.0, 4.0])
def test_gaps_are_gamma_with_the_rate_as_mean(burstiness: float) -> None:
    g = gaps(5.0, burstiness)
    mean = statistics.fmean(g)
    cv2 = statistics.pvariance(g) / mean**2  # a gamma with shape k has CV^2 = 1/k
    assert mean == pytest.approx(0.2, rel=0.03)
    assert cv2 == pytest.approx(1 / burstiness, rel=0.08)


def test_the_rate_ramps_up_linearly() -> None:
    rate, ramp = 10.0, 20.0
    times = list(
        itertools.takewhile(lambda t: t < 60, arrival_times(rate, 1.0, ramp, random.Random(2)))
    )
    first_half = sum(t < ramp / 2 for t in times)
    second_half = sum(ramp / 2 <= t < ramp for t in times)
    after = sum(t >= ramp for t in times)
    # expected counts: integral of rate*t/ramp over each half, then rate*40 s
    assert first_half == pytest.approx(25, abs=15)
    assert second_half == pytest.approx(75, abs=25)
    assert after == pytest.approx(400, rel=0.12)


def test_requests_during_the_ramp_up_are_left_out() -> None:
    async def go() -> list:  # type: ignore[type-arg]
        with FakeServerProcess(ttft=0.02, tpot=0.01, tokens=4) as srv:
            async with WireClient(srv.base_url, model="fake-model") as c:
                spec = LoadSpec(["q"], concurrency=4, requests=8, ramp_up=0.4, timeout=30)
                return await run(c, spec)

    recs = asyncio.run(go())
    measured = [r for r in recs if r.phase == "measure"]
    ramp = [r for r in recs if r.phase == "rampup"]
    assert len(measured) == 8 and ramp
    assert all(r.start_s < min(m.start_s for m in measured) for r in ramp)
    # workers start in turn over the ramp-up (one every 0.1 s), not all at once: at first only
    # worker 0 sends, one request after another
    early = sorted((r for r in recs if r.start_s < 0.09), key=lambda r: r.start_s)
    assert early
    for a, b in itertools.pairwise(early):
        assert b.start_s >= a.start_s + a.e2e_s - 0.005


def test_a_bad_burstiness_is_refused() -> None:
    with pytest.raises(ValueError, match="burstiness"):
        asyncio.run(run(None, LoadSpec(["q"], rate=1.0, burstiness=0)))  # type: ignore[arg-type]
