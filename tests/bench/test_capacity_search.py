"""The capacity search's logic on synthetic servers whose answer is set by the test."""

from __future__ import annotations

import asyncio

import pytest

from dltutor.bench.capacity import Probe, is_saturated, search


def server(capacity: float, knee: float | None = None):  # type: ignore[no-untyped-def]
    """A measure function: passes up to `capacity`; throughput saturates at `knee`."""
    tried: list[float] = []

    async def measure(level: float) -> Probe:
        tried.append(level)
        tput = min(level, knee) if knee else level
        ttft = 0.1 * max(1.0, level / knee) if knee else 0.1
        summary = {"request_throughput": tput, "ttft_s": {"p50": ttft}, "level": f"x={level:g}"}
        ok = level <= capacity
        return Probe(level, ok, {"ok": ok}, summary)

    return measure, tried


def test_whole_numbers_are_bracketed_to_one() -> None:
    measure, tried = server(37)
    result = asyncio.run(search(measure, integer=True))
    assert result.answer == 37 and result.passed_below == 38
    assert tried[:7] == [1, 2, 4, 8, 16, 32, 64]  # growth, then bisection
    assert len(tried) == len(set(tried))  # no level measured twice


def test_a_rate_is_bracketed_within_the_precision() -> None:
    measure, _ = server(3.3)
    result = asyncio.run(search(measure, integer=False, start=1.0, precision=0.02))
    assert 3.3 * 0.98 <= result.answer <= 3.3
    assert result.passed_below is not None and result.passed_below > 3.3


def test_a_rate_that_fails_at_the_start_is_halved() -> None:
    measure, tried = server(0.3)
    result = asyncio.run(search(measure, integer=False, start=2.0, precision=0.05))
    assert tried[:4] == [2.0, 1.0, 0.5, 0.25]
    assert 0.3 * 0.95 <= result.answer <= 0.3


def test_no_capacity_and_the_ceiling() -> None:
    measure, _ = server(0)
    r = asyncio.run(search(measure, integer=True))
    assert r.answer == 0 and "lowest level fails" in r.reason
    measure, _ = server(10**6)
    r = asyncio.run(search(measure, integer=True, max_level=100))
    assert r.answer == 100 and r.passed_below is None and "--max-level" in r.reason


def test_saturation_slows_the_growth() -> None:
    measure, tried = server(capacity=40, knee=8)
    result = asyncio.run(search(measure, integer=True))
    assert result.answer == 40
    sat = [p.level for p in result.probes if p.saturated]
    assert sat and sat[0] == 16  # throughput flat from 8 to 16 while TTFT doubled
    assert tried[tried.index(16) + 1] == 20  # then x1.25, not x2


def test_is_saturated_needs_flat_throughput_and_rising_ttft() -> None:
    def p(level: float, tput: float, ttft: float) -> Probe:
        return Probe(level, True, {}, {"request_throughput": tput, "ttft_s": {"p50": ttft}})

    assert is_saturated(p(8, 8, 0.1), p(16, 8.5, 0.3))
    assert not is_saturated(p(8, 8, 0.1), p(16, 15, 0.3))  # throughput still grows
    assert not is_saturated(p(8, 8, 0.1), p(16, 8.5, 0.1))  # TTFT flat


def test_bad_bounds_are_refused() -> None:
    measure, _ = server(5)
    with pytest.raises(ValueError):
        asyncio.run(search(measure, integer=True, start=10, max_level=5))
