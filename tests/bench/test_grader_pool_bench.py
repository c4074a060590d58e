"""bench/grader_pool_bench.py runs end to end at a small n: every submission graded with 1 and 2
workers, a table, then one JSON line last with the figures the README quotes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.grader.queue_helpers import REDIS, needs_redis, own_db, redis_db

BENCH = Path(__file__).resolve().parents[2] / "bench" / "grader_pool_bench.py"


@needs_redis
def test_a_small_burst_is_all_graded_with_1_and_2_workers() -> None:
    assert REDIS
    with redis_db(10) as url:
        assert url == own_db(REDIS, 10)
        out = subprocess.run(
            [sys.executable, str(BENCH), "--n", "6", "--redis-url", url],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
    lines = out.strip().splitlines()
    assert "workers" in lines[1] and "p99 s" in lines[1]  # the table, for people
    last = json.loads(lines[-1])
    assert last["bench"] == "grader_pool" and last["n"] == 6
    for k in (1, 2):
        row = last[f"workers_{k}"]
        assert row["graded"] == 6 and row["per_s"] > 0 and row["p50_s"] <= row["p99_s"]
    assert last["workers_1"]["ratio"] == 1.0
    assert abs(last["throughput_ratio"] - last["workers_2"]["ratio"]) <= 0.011  # both rounded
