"""Warm sandboxes: a grade skips the start-up, and nothing carries over between submissions."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dltutor.grader import Limits, grade, prewarm
from dltutor.grader.pool import POOL

FAST = {"cpu_seconds": 2, "wall_seconds": 6.0}  # grades with these limits match the pool
GOOD = """
def dot(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    return float(sum(x * y for x, y in zip(a, b)))
"""


@pytest.fixture()
def warm() -> Iterator[Limits]:
    lim = Limits.from_settings(**FAST)
    prewarm(1, lim)
    yield lim
    prewarm(0, lim)
    assert POOL.ready_count(lim) == 0


def wait_ready(lim: Limits, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while POOL.ready_count(lim) < 1:
        assert time.monotonic() < end, "no warm sandbox came up"
        time.sleep(0.05)


def test_warm_grade_skips_startup(warm: Limits) -> None:
    wait_ready(warm)
    res = grade("ex.dot_product", GOOD, limits=FAST)
    assert res.passed and res.warm_start
    assert res.timings["startup"] < 0.5  # only loading the file: no interpreter, no numpy


def test_nothing_carries_over_between_warm_sandboxes(warm: Limits) -> None:
    wait_ready(warm)
    first = grade(
        "ex.dot_product",
        "import os, builtins\nopen('marker', 'w').write('x')\nbuiltins.SECRET = 1\n" + GOOD,
        limits=FAST,
    )
    assert first.warm_start and first.passed
    wait_ready(warm)
    second = grade(
        "ex.dot_product",
        "import os, builtins\nprint('MARKER', os.path.exists('marker'), hasattr(builtins, 'SECRET'))\n"
        + GOOD,
        limits=FAST,
    )
    assert second.warm_start and second.passed
    assert "MARKER False False" in second.output


def test_warm_sandbox_still_enforces_limits(warm: Limits) -> None:
    wait_ready(warm)
    res = grade("ex.dot_product", "import time\ndef dot(a, b):\n    time.sleep(100)\n", limits=FAST)
    assert res.warm_start and not res.passed and res.error_kind == "wall"
